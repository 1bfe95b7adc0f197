"""printers.escpos_decode: Chinese-mode spans in either font code, and the views for people
(to_text transcript, to_png picture of the paper)."""
from pathlib import Path

import pytest
from PIL import Image

from printers import layout
from printers.escpos_decode import decode, images_of, text_of, to_text
from printers.escpos_paper import to_png
from printers.render import render

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
needs_font = pytest.mark.skipif(not Path(FONT).exists(), reason="fonts-noto-cjk not installed")
DISH = "宮保雞丁"
CUT, DRAWER = b"\x1dV\x42\x00", b"\x1bp\x00\x19\xfa"


def chinese(text: str, code: str) -> bytes:
    return b"\x1c&" + text.encode(code) + b"\x1c."


def raster(width: int, height: int) -> bytes:
    """GS v 0 image, all dots printed."""
    return b"\x1dv0\x00" + bytes([width // 8, 0, height, 0]) + b"\xff" * (width // 8 * height)


def ink_box(img: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of the printed (dark) pixels."""
    return img.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()


@pytest.mark.parametrize("code", ["big5", "gb18030"])
def test_chinese_spans_decode_with_the_printers_font_code(code):
    data = b"\x1b@1 x " + chinese(DISH, code) + b" large\n"
    assert decode(data, chinese=code) == [("text", "1 x "), ("chinese", DISH), ("text", " large\n")]
    assert text_of(data, chinese=code) == f"1 x {DISH} large\n"


def test_the_other_font_code_reads_garbage_but_does_not_raise():
    assert DISH not in text_of(chinese(DISH, "gb18030"), chinese="big5")
    with pytest.raises(ValueError, match="font code"):
        decode(b"x", chinese="utf8")


def test_kanji_print_mode_commands_are_understood():
    # FS C n (code system), FS ! n (Kanji print mode), ESC ! n: what native Chinese output carries.
    data = b"\x1b@\x1cC\x00\x1c!\x0c\x1b!\x00" + chinese("少辣", "gb18030") + b"\n"
    assert decode(data) == [("chinese", "少辣"), ("text", "\n")]
    cmds = [item[1] for item in decode(data, commands=True) if item[0] == "cmd"]
    assert cmds == [b"\x1b@", b"\x1cC", b"\x1c!", b"\x1b!", b"\x1c&", b"\x1c."]


def test_commands_inside_a_chinese_span_are_not_read_as_text():
    data = b"\x1c&" + "宮保".encode("big5") + b"\x1bE\x01" + "雞丁".encode("big5") + b"\x1c.ok\n"
    assert decode(data, chinese="big5") == [("chinese", DISH), ("text", "ok\n")]


def test_strict_decode_raises_where_to_text_carries_on():
    data = b"abc\x1bZ\x00def\n" + raster(16, 4)[:-3]  # unknown ESC Z, then a torn image
    with pytest.raises(ValueError, match="unknown command"):
        decode(data)
    assert to_text(data) == "abc[unknown command 1b 5a]def\n[truncated: 13 bytes]\n"


def test_to_text_is_a_transcript():
    data = (b"\x1b@\x1ba\x01\x1d!\x11T5\n\x1d!\x00" + chinese(DISH, "big5") + b" x2" + raster(576, 48)
            + b"done\n" + DRAWER + CUT)
    assert to_text(data, chinese="big5") == (f"T5\n{DISH} x2\n[image 576x48]\ndone\n"
                                             "[drawer pin 2]\n---- cut ----\n")


@needs_font
def test_to_text_of_a_rendered_ticket():
    items = [{"qty": 1, "name": DISH, "name_alt": "Kung Pao", "modifiers": ["mild"], "note": None},
             {"qty": 2, "name": "Fries", "name_alt": None, "modifiers": [], "note": None}]
    doc = layout.kitchen_ticket({"order_number": 7, "table": "T5", "station": "wok", "ordered_at": "19:05",
                                 "items": items})
    out = render(doc, font_path=FONT)  # raster Chinese
    text = to_text(out)
    [img] = images_of(out)
    assert f"[image {img.width}x{img.height}]\n    Kung Pao\n" in text
    assert text.startswith("T5\n#7\n") and "2 x Fries\n" in text and text.endswith("---- cut ----\n")
    native = to_text(render(doc, font_path=FONT, text_mode="big5"), chinese="big5")
    assert f"1 x {DISH}\n    Kung Pao\n" in native and "[image" not in native


@needs_font
def test_to_png_draws_the_ticket(tmp_path):
    items = [{"qty": 1, "name": DISH, "name_alt": None, "modifiers": [], "note": None}]
    doc = layout.kitchen_ticket({"order_number": 7, "table": "T5", "station": "wok", "ordered_at": "19:05",
                                 "items": items})
    path = tmp_path / "ticket.png"
    img = to_png(render(doc, font_path=FONT, text_mode="gb18030"), path)
    assert img.width == 576 and 200 < img.height < 2000  # a few lines of 24-dot text on 80 mm paper
    assert ink_box(img) is not None
    with Image.open(path) as saved:
        assert saved.size == img.size
    raster_img = to_png(render(doc, font_path=FONT, paper_mm=58))  # 58 mm: 384-dot raster lines
    assert raster_img.width == 384


def test_to_png_follows_the_grid_size_and_alignment():
    def box(data: bytes) -> tuple[int, int, int, int]:
        return ink_box(to_png(b"\x1b@" + data + b"\n"))

    left = box(b"ab")
    assert left[0] < 12 and left[2] <= 24  # two 12-dot columns at the left edge
    scaled = box(b"\x1d!\x11ab")  # GS ! 2x2
    assert scaled[2] - scaled[0] > 1.6 * (left[2] - left[0]) and scaled[3] - scaled[1] > 1.6 * (left[3] - left[1])
    right = box(b"\x1ba\x02ab")
    assert right[2] > 576 - 12 and right[0] >= 576 - 24
    centre = box(b"\x1ba\x01ab")
    assert abs((centre[0] + centre[2]) / 2 - 288) < 12
    wide = box(chinese("宮保", "gb18030"))  # a Chinese character takes two columns
    assert 24 < wide[2] - wide[0] <= 48


def test_to_png_pastes_images_and_draws_cuts():
    img = to_png(raster(384, 40) + CUT)
    assert img.width == 384  # the paper is as wide as the widest image
    top = ink_box(img)[1]
    assert img.crop((0, top, 384, top + 40)).getextrema() == (0, 0)  # the image, all ink
    below = img.crop((0, top + 40, 384, img.height))
    assert ink_box(below) is not None  # the dashed cut line
    assert to_png(b"").size[0] == 576
