"""printers.layout.build: each kind laid out for the printing paper, and the REPRINT and
REDIRECTED banners, each exactly once."""
from __future__ import annotations

import pytest

from printers import layout
from printers.layout import build, day_report, display_width, kitchen_ticket, marked_redirected, marked_reprint, receipt
from tests.unit.printers.test_layout import (DATA, DAY, FULL_RECEIPT, FULL_TICKET, QR_SLIP, RECEIPT, SELF_TEST, TICKET,
                                            assert_fits, block_with, texts)


def test_build_dispatches_to_each_layout():
    assert build("kitchen_ticket", FULL_TICKET, 58) == kitchen_ticket(FULL_TICKET, 58)
    assert build("receipt", FULL_RECEIPT, 80) == receipt(FULL_RECEIPT, 80)
    assert build("qr_slip", QR_SLIP, 58) == layout.qr_slip(QR_SLIP, 58)
    assert build("self_test", SELF_TEST, 80) == layout.self_test_page(SELF_TEST, 80)
    assert build("day_report", DAY, 58) == day_report(DAY, 58)
    assert build("drawer", {"anything": 1}, 80) == layout.open_drawer() == [{"type": "drawer"}]
    with pytest.raises(ValueError, match="unknown document kind 'menu'"):
        build("menu", {}, 80)
    with pytest.raises(ValueError, match="76 mm"):
        build("receipt", RECEIPT, 76)


def test_build_lays_out_for_the_printing_paper():
    wide, narrow = build("receipt", RECEIPT, 80), build("receipt", RECEIPT, 58)
    assert display_width(block_with(wide, "Beer")["text"]) == 48
    assert display_width(block_with(narrow, "Beer")["text"]) == 32


REPRINT = layout.reprint_banner()


REDIRECTED = layout.redirected_banner()


def banners(doc):
    return sum(b in (REPRINT, REDIRECTED) for b in doc), sum("from printer" in t for t in texts(doc))


@pytest.mark.parametrize("kind", sorted(set(layout.LAYOUTS) - {"drawer"}))
@pytest.mark.parametrize("paper_mm", [80, 58])
def test_build_banners_exactly_once(kind, paper_mm):
    data = DATA[kind]
    plain = build(kind, data, paper_mm)
    assert banners(plain) == (0, 0)
    reprinted = build(kind, {**data, "reprint": True}, paper_mm, reprint=True)
    assert reprinted == [REPRINT, *plain]
    assert build(kind, {**data, "reprint": True}, paper_mm) == reprinted  # the data's flag is enough
    redirected = build(kind, data, paper_mm, redirected_from="wok")
    assert redirected[:2] == [REDIRECTED, text_block("from printer wok")] and redirected[2:] == plain
    both = build(kind, {**data, "reprint": True}, paper_mm, reprint=True, redirected_from="wok")
    assert both == [REPRINT, REDIRECTED, text_block("from printer wok"), *plain]
    assert banners(both) == (2, 1)


def text_block(s):
    return {"type": "text", "text": s, "size": "normal", "bold": False, "align": "center"}


def test_build_never_marks_a_drawer_kick():
    assert build("drawer", {"reprint": True}, 58, reprint=True, redirected_from="front") == [{"type": "drawer"}]
    assert marked_reprint(layout.open_drawer()) == [{"type": "drawer"}]
    assert marked_redirected(layout.open_drawer(), "front") == [{"type": "drawer"}]


def test_marked_redirected_does_not_stack():
    doc = kitchen_ticket(TICKET)
    once = marked_redirected(doc, "wok")
    assert once[:2] == [REDIRECTED, text_block("from printer wok")] and once[2:] == doc
    assert marked_redirected(once, "grill") == once  # keeps the printer it first came from
    reprinted = marked_reprint(once)
    assert reprinted[0] == REPRINT and reprinted[1:] == once
    assert marked_redirected(reprinted, "grill") == reprinted
    # redirected after a reprint banner: the REPRINT banner stays first
    assert marked_redirected(marked_reprint(doc), "wok") == [REPRINT, *once]


def test_marked_redirected_wraps_the_printer_name():
    name = "backup printer by the cold station " * 2
    narrow = marked_redirected(kitchen_ticket(TICKET, 58), name)  # no paper given: fits the narrowest
    assert_fits(narrow, 58)
    assert "\n" in narrow[1]["text"]
    wide = marked_redirected(kitchen_ticket(TICKET), name, 80)[1]["text"].split("\n")
    assert max(display_width(line) for line in wide) > 32 and all(display_width(line) <= 48 for line in wide)


def test_marked_reprint_adds_the_banner_once():
    doc = kitchen_ticket(TICKET)
    marked = marked_reprint(doc)
    assert marked[0] == kitchen_ticket({**TICKET, "reprint": True})[0] and marked[1:] == doc
    assert marked_reprint(marked) == marked
