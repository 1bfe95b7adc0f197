"""printers.render: native ASCII, raster for everything else, never code pages."""
import re
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as zbar_decode

from printers import layout
from printers.render import FontNotFound, _no_realtime_sequences, check_font, render, render_text_image
from printers.escpos_decode import decode, find_image, images_of, text_of

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
pytestmark = pytest.mark.skipif(not Path(FONT).exists(), reason="fonts-noto-cjk not installed")


def ticket(*names, **extra):
    items = [{"qty": i + 1, "name": n, "name_alt": None, "modifiers": ["no onion"], "note": None}
             for i, n in enumerate(names)]
    return layout.kitchen_ticket({"order_number": 7, "table": "T5", "station": "grill", "ordered_at": "19:05",
                                  "items": items, **extra})


def image_of(block, paper_mm=80):
    return render_text_image(block["text"], size=block["size"], align=block["align"], bold=block["bold"],
                             paper_mm=paper_mm, font_path=FONT)


def test_ascii_ticket_is_native_text_only():
    out = render(ticket("Burger", "Fries"), font_path=FONT)
    items = decode(out)
    assert out.startswith(b"\x1b@")
    assert not images_of(out) and items[-1] == ("cut",)
    text = text_of(out)
    for expected in ("T5", "#7", "GRILL", "19:05", "1 x Burger", "2 x Fries", "  + no onion", "-" * 48):
        assert expected in text
    assert b"\x1d!\x22\x1bE\x01\x1ba\x00T5\n" in out  # xlarge = GS ! 3x3, bold, left


def test_chinese_block_is_raster_and_exact():
    doc = ticket("宮保雞丁", "Fries")
    out = render(doc, font_path=FONT)
    block = next(b for b in doc if b["type"] == "text" and "宮保雞丁" in b["text"])
    images = images_of(out)
    assert len(images) == 1 and images[0].width == 576
    assert find_image(images[0], image_of(block))
    assert not find_image(images[0], image_of({**block, "text": "1 x 麻婆豆腐"}))
    assert "2 x Fries" in text_of(out) and "宮保" not in text_of(out)


def test_never_switches_code_page_or_chinese_mode():
    out = render(ticket("宮保雞丁", "Crème brûlée", "Fries"), font_path=FONT)
    kinds = decode(out, commands=True)
    assert not [k for k in kinds if k[0] == "chinese"]
    assert not [k for k in kinds if k[0] == "cmd" and k[1] in (b"\x1bt", b"\x1c&")]
    assert len(images_of(out)) == 2
    assert not re.search(rb"\x10\x04[\x01-\x04]", out)  # no accidental status queries in the job


@pytest.mark.parametrize("command", [b"\x10\x04\x01", b"\x10\x05\x02", b"\x10\x14\x01"])
def test_raster_strips_realtime_commands(command):
    # DLE EOT (status), DLE ENQ (recover), DLE DC4 1 (pulse the cash drawer!) in image data
    row = bytearray(72)
    row[10:13] = command  # printer polarity: 1 = black dot
    img = Image.frombytes("1", (576, 1), bytes(255 - b for b in row))
    fixed = bytes(255 - b for b in _no_realtime_sequences(img).tobytes())
    assert fixed[10:13] == b"\x10\x00" + command[2:] and fixed.count(0) == 70


def test_58mm_raster_width():
    out = render(ticket("宮保雞丁"), paper_mm=58, font_path=FONT)
    assert [img.width for img in images_of(out)] == [384]
    assert "-" * 32 + "\n" in text_of(out)


def test_receipt_columns_line_up_in_raster():
    doc = layout.receipt({"restaurant": "R", "table": "1", "check_number": 1, "closed_at": "now",
                          "lines": [{"qty": 1, "name": "雞", "amount": "$1.00"}], "subtotal": "$1.00",
                          "tax_lines": [], "total": "$1.00", "payments": [], "change": None,
                          "visit_url": None, "footer": None})
    block = next(b for b in doc if b["type"] == "text" and "雞" in b["text"])
    img = image_of(block)
    inked = [x for x in range(img.width) for y in range(img.height) if not img.getpixel((x, y))]
    assert max(inked) >= 570  # amount drawn flush with the right edge, not after proportional spaces


def test_an_amount_one_space_after_a_long_name_is_still_flush_right():
    line = layout.two_columns("宮保雞丁 Kung Pao Chicken Extra Spicy", "$12.00", 48, "2 x ")
    assert "  " not in line.strip() and layout.display_width(line) == 48  # the tightest fit: one space
    img = image_of(layout.text(line))
    inked = [x for x in range(img.width) for y in range(img.height) if not img.getpixel((x, y))]
    assert max(inked) >= 570


def test_receipt_qr_decodes_to_visit_url():
    url = "https://pos.example/v/3f9c2a?t=12"
    doc = layout.receipt({"restaurant": "Golden Dragon", "table": "12", "check_number": 9, "closed_at": "20:15",
                          "lines": [], "subtotal": "$0.00", "tax_lines": [], "total": "$0.00",
                          "payments": [], "change": None, "visit_url": url, "footer": None})
    found = [r.data.decode() for img in images_of(render(doc, font_path=FONT)) for r in zbar_decode(img.convert("L"))]
    assert found == [url]


def test_check_font():
    check_font(FONT, 3)
    with pytest.raises(FontNotFound, match="/nonexistent/font.ttc"):
        check_font("/nonexistent/font.ttc", 3)
    with pytest.raises(FontNotFound):
        render(ticket("宮保雞丁"), font_path="/nonexistent/font.ttc")
