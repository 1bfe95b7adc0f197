"""printers.layout.day_report: the Z report on paper, its sections and columns."""
from __future__ import annotations

import pytest

from printers.layout import columns_for, day_report, display_width
from tests.unit.printers.test_layout import DAY, block_with, texts


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_day_report_sections_and_alignment(paper_mm):
    cols = columns_for(paper_mm, "normal")
    doc = day_report(DAY, paper_mm)
    t = texts(doc)
    assert t[:3] == ["Golden Dragon", "Z REPORT", "日結報表"] and doc[1]["size"] == "xlarge"
    headings = [b["text"] for b in doc if b["type"] == "text" and b["bold"] and b["text"].isupper()
                and b["size"] == "normal" and doc[doc.index(b) - 1] == {"type": "rule"}]
    assert headings == ["SALES", "GUESTS", "ADJUSTMENTS", "TAXES", "TENDERS", "SALES BY CATEGORY",
                        "SALES BY DISH", "CASH DRAWER", "CASH MOVEMENTS"]
    for label, value in (("Business date", "2025-01-02"), ("Register", "Front"), ("Gross sales", "$4,210.50"),
                         ("Net sales", "$3,870.25"), ("Service charge", "$351.84"), ("Tips", "$210.00"),
                         ("Covers", "180"), ("Checks", "82"), ("Average check", "$47.20"), ("VAT 5%", "$184.30"),
                         ("Opening float", "$200.00"), ("Expected in drawer", "$1,352.00"),
                         ("Counted", "$1,350.00"), ("Difference", "-$2.00"), ("14:02 Paid out", "-$80.00")):
        line = block_with(doc, label)["text"]
        assert line.startswith(label) and line.endswith(value) and display_width(line) == cols, line
    assert block_with(doc, "Difference")["bold"] and block_with(doc, "Net sales")["bold"]
    assert block_with(doc, "fish market")["text"].startswith("      fish market")


def test_day_report_qty_and_count_columns():
    doc = day_report(DAY)
    dish = block_with(doc, "宮保雞丁")["text"]
    assert dish.startswith("宮保雞丁") and dish.endswith("40  $500.00") and display_width(dish) == 48
    long = block_with(doc, "Crispy roast")["text"].split("\n")
    assert long[0].endswith(" 7  $126.00") and long[1].startswith("  ")
    assert block_with(doc, "Qty")["bold"] and block_with(doc, "Count")["bold"]
    assert block_with(doc, "Discounts")["text"].endswith("12  -$150.00")
    assert block_with(doc, "Visa")["text"].endswith("52  $2,670.25")
    assert block_with(doc, "Mains")["text"].endswith("120  $2,400.00")


def test_day_report_minimal():
    doc = day_report({"restaurant": "R", "business_date": "2025-01-02", "printed_at": "2025-01-03 00:05"}, 58)
    t = texts(doc)
    assert t[:3] == ["R", "Z REPORT", "日結報表"] and any(s.startswith("Printed") for s in t)
    assert not any(s in t for s in ("SALES", "TENDERS", "CASH DRAWER", "ADJUSTMENTS"))
    assert doc[-1] == {"type": "cut"}
    zero = day_report({"restaurant": "R", "business_date": "d", "printed_at": "p", "checks": 0, "covers": 0})
    assert block_with(zero, "Checks")["text"].endswith("0")  # zero is printed, not dropped
