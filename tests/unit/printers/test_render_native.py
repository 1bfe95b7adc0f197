"""printers.render's native Chinese modes: GB18030 and Big5 printers get FS & ... FS . spans
that read back as the dish names, columns still line up, and anything the printer's code
cannot hold falls back to raster instead of printing "?"."""
import pytest

from printers import layout
from printers.escpos_decode import decode, text_of
from printers.render import render

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def ticket(*names):
    items = [{"qty": i + 1, "name": n, "name_alt": "Kung Pao" if i == 0 else None, "modifiers": ["少辣"],
              "note": None} for i, n in enumerate(names)]
    return layout.kitchen_ticket({"order_number": 7, "table": "T5", "station": "wok", "ordered_at": "19:05",
                                  "items": items})


def kinds(out: bytes, chinese: str) -> list[str]:
    return [item[0] for item in decode(out, chinese=chinese)]


@pytest.mark.parametrize("mode", ["gb18030", "big5"])
def test_traditional_names_print_in_the_printers_own_font(mode):
    out = render(ticket("宮保雞丁", "乾炒牛河"), font_path=FONT, text_mode=mode)
    assert "image" not in kinds(out, mode)
    text = text_of(out, chinese=mode)
    assert "1 x 宮保雞丁" in text and "2 x 乾炒牛河" in text and "+ 少辣" in text
    raster = render(ticket("宮保雞丁", "乾炒牛河"), font_path=FONT)
    assert len(out) * 20 < len(raster)  # the reason to use it: a fraction of the bytes


def test_spans_are_wrapped_in_chinese_mode_and_ascii_stays_outside():
    out = render([layout.text("2 x 宮保雞丁 large")], font_path=FONT, text_mode="gb18030")
    assert b"2 x \x1c&" + "宮保雞丁".encode("gb18030") + b"\x1c. large\n" in out


def test_the_wrong_encoding_does_not_read_back():
    # A Big5 printer given GB18030 bytes would print garbage: the modes are not interchangeable.
    out = render([layout.text("宮保雞丁")], font_path=FONT, text_mode="gb18030")
    assert "宮保雞丁" not in text_of(out, chinese="big5")


def test_simplified_characters_missing_from_big5_fall_back_to_raster_for_that_block_only():
    out = render(ticket("宫保鸡丁", "乾炒牛河"), font_path=FONT, text_mode="big5")
    assert kinds(out, "big5").count("image") == 1  # 鸡 has no Big5 code: that one line is drawn
    assert "乾炒牛河" in text_of(out, chinese="big5")
    assert "?" not in text_of(out, chinese="big5")


def test_accented_latin_is_drawn_not_sent_in_chinese_mode():
    # GB18030 can encode é, but the printer would print it as a two-column glyph and
    # break the alignment the layout computed: such a block is raster.
    out = render([layout.text("Crème brûlée"), layout.text("宮保雞丁")], font_path=FONT, text_mode="gb18030")
    assert kinds(out, "gb18030").count("image") == 1
    assert "宮保雞丁" in text_of(out)


@pytest.mark.parametrize("name", ["🍜 拉麵", "김치 泡菜", "𠮷野家"])
def test_characters_outside_the_printers_two_byte_font_are_drawn(name):
    # GB18030 can encode them all, as four bytes, which no printer font has.
    out = render([layout.text(name), layout.text("宮保雞丁")], font_path=FONT, text_mode="gb18030")
    assert kinds(out, "gb18030").count("image") == 1 and "宮保雞丁" in text_of(out)


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_amounts_line_up_because_a_chinese_glyph_is_two_columns(paper_mm):
    cols = layout.columns_for(paper_mm, "normal")
    doc = [layout.text(layout.two_columns(name, "$12.50", cols, "1 x ")) for name in ("宮保雞丁", "Beer", "乾炒牛河飯")]
    text = text_of(render(doc, font_path=FONT, paper_mm=paper_mm, text_mode="big5"), chinese="big5")
    lines = [ln for ln in text.split("\n") if ln]
    assert len(lines) == 3
    assert all(layout.display_width(ln) == cols and ln.endswith("$12.50") for ln in lines)


def test_unknown_text_mode_is_refused():
    with pytest.raises(ValueError, match="text mode"):
        render([layout.text("x")], font_path=FONT, text_mode="utf8")
