"""printers.layout: widths, wrapping and the documents for tickets and receipts."""
import ast
from pathlib import Path

import pytest

from printers import layout
from printers.layout import columns_for, display_width, kitchen_ticket, marked_reprint, receipt, wrap

TICKET = {
    "order_number": 42, "table": "T12", "station": "wok", "ordered_at": "12:34",
    "items": [
        {"qty": 2, "name": "宮保雞丁", "name_alt": "Kung Pao Chicken", "modifiers": ["少辣", "no peanuts"],
         "note": "allergy: nuts"},
        {"qty": 1, "name": "Fried rice", "name_alt": None, "modifiers": [], "note": None},
    ],
}
RECEIPT = {
    "restaurant": "Golden Dragon", "table": "12", "check_number": 1001, "closed_at": "2025-01-02 20:15",
    "lines": [{"qty": 2, "name": "宮保雞丁", "amount": "$25.00"}, {"qty": 1, "name": "Beer", "amount": "$6.00"},
              {"qty": 1, "name": "A very long dish name that certainly does not fit on one line", "amount": "$9.50"}],
    "subtotal": "$40.50", "tax_lines": [{"label": "VAT 5%", "amount": "$2.03"}], "total": "$42.53",
    "payments": [{"label": "Cash", "amount": "$50.00"}], "change": "$7.47",
    "visit_url": "https://pos.example/v/abc", "footer": "Thank you!",
}


def texts(doc):
    return [b["text"] for b in doc if b["type"] == "text"]


def block_with(doc, needle):
    return next(b for b in doc if b["type"] == "text" and needle in b["text"])


def test_layout_is_pure():
    tree = ast.parse(Path(layout.__file__).read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not imported & {"flask", "sqlalchemy", "escpos", "PIL", "apscheduler"}


@pytest.mark.parametrize("s, width", [("abc", 3), ("宮保雞丁", 8), ("Ｆｕｌｌ", 8), ("e\u0301", 1), ("", 0),
                                      ("2 x 雞", 6)])
def test_display_width(s, width):
    assert display_width(s) == width


def test_wrap_latin_breaks_on_spaces():
    assert wrap("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"]
    assert wrap("supercalifragilistic", 8) == ["supercal", "ifragili", "stic"]
    assert wrap("a\nb", 10) == ["a", "b"]


def test_wrap_cjk_breaks_between_characters():
    lines = wrap("宮保雞丁配白飯加辣", 8)
    assert lines == ["宮保雞丁", "配白飯加", "辣"]
    assert wrap("Kung Pao 宮保雞丁 with rice 白飯", 9) == ["Kung Pao", "宮保雞丁", "with rice", "白飯"]
    assert wrap("Kung Pao宮保", 10) == ["Kung Pao宮", "保"]  # no space needed before a CJK break


def test_columns_for():
    assert [columns_for(80, s) for s in ("normal", "large", "xlarge")] == [48, 24, 16]
    assert [columns_for(58, s) for s in ("normal", "large", "xlarge")] == [32, 16, 10]
    with pytest.raises(ValueError):
        columns_for(76, "normal")


def test_kitchen_ticket_content():
    doc = kitchen_ticket(TICKET)
    table = block_with(doc, "T12")
    assert (table["size"], table["bold"]) == ("xlarge", True)
    assert block_with(doc, "#42")["size"] == "large"
    station = block_with(doc, "WOK")["text"]
    assert station.endswith("12:34") and display_width(station) == 48
    assert block_with(doc, "2 x 宮保雞丁")["size"] == "large"
    assert block_with(doc, "Kung Pao Chicken")["text"].startswith("    ")
    assert "  + 少辣" in texts(doc) and "  + no peanuts" in texts(doc)
    note = block_with(doc, "allergy")
    assert note["text"] == "  ! allergy: nuts" and note["bold"]
    assert [b["type"] for b in doc[-3:]] == ["rule", "feed", "cut"] and doc[-2]["lines"] == 3
    assert not any("REPRINT" in t for t in texts(doc))


def test_reprint_banner_first():
    first = kitchen_ticket({**TICKET, "reprint": True})[0]
    assert first == {"type": "text", "text": "REPRINT", "size": "xlarge", "bold": True, "align": "center"}


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_every_line_fits_its_size(paper_mm):
    long = {**TICKET, "items": [{"qty": 10, "name": "Extra large seafood platter with garlic butter 龍蝦",
                                 "name_alt": "海鮮拼盤" * 6, "modifiers": ["x" * 60], "note": "no " * 30}]}
    for doc in (kitchen_ticket(long, paper_mm), receipt(RECEIPT, paper_mm)):
        for b in doc:
            if b["type"] == "text":
                cols = columns_for(paper_mm, b["size"])
                assert all(display_width(line) <= cols for line in b["text"].split("\n")), b


def test_item_wraps_with_hanging_indent():
    doc = kitchen_ticket({**TICKET, "items": [{"qty": 3, "name": "Crispy roast pork belly with mustard",
                                               "modifiers": [], "note": None}]}, 58)
    lines = block_with(doc, "3 x")["text"].split("\n")
    assert len(lines) > 1 and all(line.startswith("    ") for line in lines[1:])


@pytest.mark.parametrize("paper_mm, cols", [(80, 48), (58, 32)])
def test_receipt_amounts_right_aligned_by_display_width(paper_mm, cols):
    doc = receipt(RECEIPT, paper_mm)
    chinese = block_with(doc, "宮保雞丁")["text"]
    assert "\n" not in chinese and chinese.endswith("$25.00")
    assert display_width(chinese) == cols  # len() would be 4 shorter
    assert display_width(block_with(doc, "Beer")["text"]) == cols
    long = block_with(doc, "A very long")["text"].split("\n")
    assert long[-1] == " " * (cols - 5) + "$9.50" and long[1].startswith("    ")
    total = block_with(doc, "TOTAL")
    assert total["size"] == "large" and display_width(total["text"]) == cols // 2


def test_receipt_structure():
    doc = receipt(RECEIPT)
    assert doc[0]["align"] == "center" and doc[0]["text"] == "Golden Dragon"
    assert {"type": "qr", "data": "https://pos.example/v/abc", "size": 6} in doc
    assert doc[-1] == {"type": "cut"}
    assert "Thank you!" in texts(doc) and any(t.startswith("Change") for t in texts(doc))
    bare = receipt({**RECEIPT, "visit_url": None, "change": None, "footer": None})
    assert not any(b["type"] == "qr" for b in bare) and not any("Change" in t for t in texts(bare))


def test_marked_reprint_adds_the_banner_once():
    doc = kitchen_ticket(TICKET)
    marked = marked_reprint(doc)
    assert marked[0] == kitchen_ticket({**TICKET, "reprint": True})[0] and marked[1:] == doc
    assert marked_reprint(marked) == marked
