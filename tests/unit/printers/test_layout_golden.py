"""Golden output: layout documents rendered to ESC/POS bytes and compared with stored files.

Any change in a layout or in render.py that changes what a printer receives shows up here.

- ASCII-only documents (kitchen tickets, void tickets) are compared byte for byte with
  tests/unit/printers/golden/<case>.bin; on a mismatch the bytes are compared line by line
  first (transcript()), so pytest shows a readable diff before the raw bytes.
- Documents with raster images (the receipt's CJK QR caption and QR code, the Z report's
  日結報表 title) are compared by sha256 with golden/golden.json (which also keeps the
  transcript, raster images shown as size and hash, for a readable diff). Raster glyphs depend on
  the CJK font file, so golden.json records the sha256 of the font the hashes were made
  with; with another font file the byte comparison is skipped and only the structure
  (native text, number and width of images, the QR's content) is asserted.

After an intended change, regenerate and review the diff of the golden folder:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/printers/test_layout_golden.py -p no:cacheprovider
    git diff --stat tests/unit/printers/golden/
"""
import hashlib
import json
import os
from pathlib import Path

import pytest
from pyzbar.pyzbar import decode as zbar_decode

from printers import layout
from printers.render import render

from printers.escpos_decode import decode, images_of, text_of
from tests.unit.printers import test_layout as layout_tests

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_INDEX = 3
PROFILE = "TM-T20II"
GOLDEN = Path(__file__).parent / "golden"
HASHES = GOLDEN / "golden.json"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

pytestmark = pytest.mark.skipif(not Path(FONT).exists(), reason="fonts-noto-cjk not installed")

TICKET = {
    "order_number": 1042, "table": "T12", "station": "wok", "ordered_at": "19:31", "course": 2,
    "fire_at": "19:42", "rush": True,
    "items": [{"qty": 2, "name": "Kung Pao Chicken", "name_alt": "Gong bao ji ding",
               "modifiers": ["less spicy", "no peanuts"], "note": "allergy: nuts", "seat": 3},
              {"qty": 1, "name": "Crispy roast pork belly with mustard", "modifiers": [], "seat": 1},
              {"qty": 12, "name": "Steamed rice"}],
}
VOID = {
    "order_number": 1042, "table": "T12", "station": "wok", "ordered_at": "19:48", "course": 2, "void": True,
    "reason": "guest changed their mind",
    "items": [{"qty": 1, "name": "Crispy roast pork belly with mustard", "modifiers": ["extra crackling"],
               "seat": 1}],
}
RECEIPT = {
    "restaurant": "Golden Dragon", "header_lines": ["12 Harbour Road, Wan Chai", "Tel 2345 6789", "BR 12345678"],
    "table": None, "pickup": "Alice", "check_number": 1001, "closed_at": "2025-01-02 20:15", "served_by": "Amy",
    "lines": [{"qty": 2, "name": "Kung Pao Chicken", "amount": "$50.00", "modifiers": ["less spicy"],
               "reductions": [{"kind": "discount", "label": "Happy hour", "amount": "-$2.00"}]},
              {"qty": 1, "name": "Beer", "amount": "$6.00", "comp": True,
               "reductions": [{"kind": "comp", "amount": "-$6.00"}]},
              {"qty": 1, "name": "A very long dish name that certainly does not fit on one line", "amount": "$9.50"}],
    "subtotal": "$57.50", "discounts": [{"label": "Member", "percent": "10", "amount": "-$5.75"}],
    "service_lines": [{"rate": "10", "amount": "$5.18"}],
    "tax_lines": [{"rate": "5", "included": True, "amount": "$2.71"}], "total": "$56.93", "rounding": "-$0.03",
    "payments": [{"label": "Visa", "amount": "$21.00", "reference": "**** 4242 auth 123456", "tip": "$1.00"},
                 {"label": "Cash", "amount": "$40.00"}],
    "tip": "$1.00", "change": "$3.10", "footer": "Thank you!", "visit_url": "https://pos.example/v/3f9c2a",
}
# The day report of test_layout, with an ASCII dish name (the golden bytes need no font).
DAY = {**layout_tests.DAY, "sales_by_dish": [{"name": "Kung Pao Chicken", "qty": 40, "amount": "$500.00"},
                                             *layout_tests.DAY["sales_by_dish"][1:]]}

# name -> (kind, data, build() options[, text mode]); each case is rendered at 80 and 58 mm.
# A receipt in the printer's own Chinese font (gb18030) needs no font file: its bytes are golden.
ASCII_CASES = {
    "kitchen_ticket": ("kitchen_ticket", TICKET, {}),
    "void_ticket": ("kitchen_ticket", VOID, {"reprint": True, "redirected_from": "grill"}),
    "receipt_gb18030": ("receipt", RECEIPT, {}, "gb18030"),
}
RASTER_CASES = {
    "receipt": ("receipt", RECEIPT, {}),
    "day_report": ("day_report", DAY, {}),
}
WIDTHS = (80, 58)


def rendered(kind: str, data: dict, paper_mm: int, text_mode: str = "raster", **options) -> bytes:
    doc = layout.build(kind, data, paper_mm, **options)
    return render(doc, profile=PROFILE, paper_mm=paper_mm, font_path=FONT, font_index=FONT_INDEX, text_mode=text_mode)


def transcript(data: bytes) -> list[str]:
    """The job as readable lines: the raw bytes split at newlines (commands and their
    arguments shown by repr), each GS v 0 raster image replaced by its size and a hash."""
    out, i = [], 0
    while (j := data.find(b"\x1dv0", i)) >= 0:  # only text and commands precede it: a real command
        out += [repr(line) for line in data[i:j].split(b"\n")]
        width, height = data[j + 4] | data[j + 5] << 8, data[j + 6] | data[j + 7] << 8
        i = j + 8 + width * height
        out.append(f"<raster {width * 8}x{height} {hashlib.sha256(data[j + 8:i]).hexdigest()[:12]}>")
    return out + [repr(line) for line in data[i:].split(b"\n")]


@pytest.fixture(scope="module")
def font_sha256() -> str:
    return hashlib.sha256(Path(FONT).read_bytes()).hexdigest()


@pytest.mark.parametrize("paper_mm", WIDTHS)
@pytest.mark.parametrize("case", sorted(ASCII_CASES))
def test_ascii_document_bytes(case, paper_mm):
    kind, data, options, *mode = ASCII_CASES[case]
    out = rendered(kind, data, paper_mm, *mode, **options)
    qr = 1 if kind == "receipt" else 0  # the QR code is drawn by qrcode, not with the font
    assert len(images_of(out)) == qr, "an ASCII-only golden document must not need the font"
    path = GOLDEN / f"{case}_{paper_mm}.bin"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(out)
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 (see the module docstring)"
    expected = path.read_bytes()
    assert transcript(out) == transcript(expected)
    assert out == expected


@pytest.mark.parametrize("paper_mm", WIDTHS)
@pytest.mark.parametrize("case", sorted(RASTER_CASES))
def test_raster_document_sha256(case, paper_mm, font_sha256):
    kind, data, options = RASTER_CASES[case]
    out = rendered(kind, data, paper_mm, **options)
    key = f"{case}_{paper_mm}"
    golden = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    if UPDATE:
        if golden.get("font_sha256") != font_sha256:
            golden = {"font": FONT, "font_index": FONT_INDEX, "font_sha256": font_sha256, "cases": {}}
        golden["cases"][key] = {"sha256": hashlib.sha256(out).hexdigest(), "bytes": len(out),
                                "transcript": transcript(out)}
        GOLDEN.mkdir(exist_ok=True)
        HASHES.write_text(json.dumps(golden, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    assert key in golden.get("cases", {}), f"{key} missing in {HASHES}: run with UPDATE_GOLDEN=1"
    if golden["font_sha256"] != font_sha256:
        pytest.skip(f"{FONT} is not the font file the golden hashes were made with (raster glyphs differ)")
    assert transcript(out) == golden["cases"][key]["transcript"]
    assert hashlib.sha256(out).hexdigest() == golden["cases"][key]["sha256"]


@pytest.mark.parametrize("paper_mm", WIDTHS)
def test_receipt_structure(paper_mm):
    """Font independent. Raster mode: the column of amounts is drawn in one font, the CJK
    font, as full-width images (the ASCII ones too), the rest is native text; the QR code
    decodes. The printer's own Chinese font: every line is text, every amount ends on the
    last column."""
    out = rendered("receipt", RECEIPT, paper_mm)
    native, images, cols = text_of(out), images_of(out), layout.columns_for(paper_mm, "normal")
    doc = layout.build("receipt", RECEIPT, paper_mm)
    rows = sum(1 for b in doc if b.get("amounts"))
    assert [img.width for img in images] == [layout.PAPER_DOTS[paper_mm]] * (rows + 2)  # + caption, QR code
    found = [r.data.decode() for r in zbar_decode(images[-1].convert("L"))]
    assert found == [RECEIPT["visit_url"]]
    for line in ("Golden Dragon", "Tel 2345 6789", "Pickup: Alice", "Check #1001", "Served by: Amy",
                 "    + less spicy", "Thank you!", "  **** 4242 auth 123456", "-" * cols):
        assert line in native
    assert "$" not in native  # no amount in the printer's font beside the drawn ones
    assert decode(out)[-1] == ("cut",)

    text = "".join(part[1] for part in decode(rendered("receipt", RECEIPT, paper_mm, "gb18030"))
                   if part[0] in ("text", "chinese"))
    lines = text.split("\n")
    for label, amount in (("Happy hour", "-$2.00"), ("Complimentary 招待", "-$6.00"), ("Member 10%", "-$5.75"),
                          ("Cash rounding 現金調整", "-$0.03"), ("incl. tip 小費", "$1.00"), ("Change 找續", "$3.10"),
                          ("Subtotal 小計", "$57.50")):
        line = next(s for s in lines if label in s)
        assert line.endswith(amount) and layout.display_width(line) == cols, line
    total = next(s for s in lines if s.startswith("TOTAL"))  # 58 mm: no room for 合計 beside it
    assert total.endswith("$56.93") and layout.display_width(total) == layout.columns_for(paper_mm, "large")


@pytest.mark.parametrize("paper_mm", WIDTHS)
def test_day_report_structure(paper_mm):
    out = rendered("day_report", DAY, paper_mm)
    native, images, cols = text_of(out), images_of(out), layout.columns_for(paper_mm, "normal")
    assert [img.width for img in images] == [layout.PAPER_DOTS[paper_mm]]  # only the 日結報表 title
    lines = native.split("\n")
    assert "Z REPORT" in lines[1]
    for heading in ("SALES", "TENDERS", "SALES BY DISH", "CASH DRAWER", "CASH MOVEMENTS"):
        assert heading in lines
    for label, amount in (("Gross sales", "$4,210.50"), ("Visa", "52  $2,670.25"), ("Difference", "-$2.00"),
                          ("Kung Pao Chicken", "40  $500.00")):
        line = next(s for s in lines if s.startswith(label))
        assert line.endswith(amount) and len(line) == cols
    assert decode(out)[-1] == ("cut",)
