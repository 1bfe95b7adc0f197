"""Ticket, receipt and report layout as plain data.

Pure on purpose (no Flask, SQLAlchemy, escpos or Pillow): the output is a list of
plain dict blocks (printers/blocks.py lists the block types) that render.py turns into
ESC/POS bytes and that tests can inspect directly. Every text block is already wrapped
to the column count of its size, so nothing relies on the printer's own (mid-word) wrapping.

Documents are built from plain data at print time with build(kind, data, paper_mm, ...)
so that a job printed elsewhere (a 58 mm backup printer) is laid out for that paper.

This module is the entry point, and names the parts it is built from: text measuring
and wrapping (printers/wrapping.py), blocks (printers/blocks.py), the REPRINT and
REDIRECTED banners (printers/banners.py), and the documents: kitchen tickets
(printers/kitchen_tickets.py), receipts and QR slips (printers/guest_slips.py) and
Z reports (printers/day_reports.py). All of them are pure too.
"""
from __future__ import annotations

from typing import Callable

from .banners import marked_redirected, marked_reprint, redirected_banner, reprint_banner
from .blocks import QR_MODULE_DOTS, RULE, centered, text
from .day_reports import day_report
from .guest_slips import qr_slip, receipt
from .kitchen_tickets import COURSES, course_name, kitchen_ticket
from .wrapping import (FONT_A_DOTS, PAPER_DOTS, SIZE_SCALE, columns_for, display_width, table_rows, two_columns,
                       wrap, wrapped)

__all__ = [
    "COURSES", "FONT_A_DOTS", "LAYOUTS", "PAPER_DOTS", "QR_MODULE_DOTS", "RULE", "SIZE_SCALE", "build", "columns_for",
    "course_name", "day_report", "display_width", "kitchen_ticket", "marked_redirected", "marked_reprint",
    "open_drawer", "qr_slip", "receipt", "redirected_banner", "reprint_banner", "self_test_page", "table_rows",
    "text", "two_columns", "wrap",
]


def self_test_page(t: dict, paper_mm: int = 80) -> list[dict]:
    """A test page: which printer this is, its paper, and Chinese and English text side by side."""
    normal, large = columns_for(paper_mm, "normal"), columns_for(paper_mm, "large")
    return [text(wrapped(t["restaurant"], large), "large", True, "center"),
            centered("TEST PAGE 測試頁", large, "large", True), RULE,
            text(two_columns("Printer", str(t["printer"]), normal)),
            text(two_columns("Paper", f"{t['paper_mm']} mm, {normal} columns", normal)),
            text(two_columns("Profile", str(t["profile"]), normal)),
            text(two_columns("Printed", t["printed_at"], normal)), RULE,
            text(wrapped("宮保雞丁 Kung Pao Chicken", large), "large"), text(wrapped("0123456789 ABCDEF abcdef", normal)),
            {"type": "feed", "lines": 2}, {"type": "cut"}]


def open_drawer(data: dict | None = None, paper_mm: int = 80) -> list[dict]:
    """A document that only opens the cash drawer (pin 2 of the printer's drawer port).
    Takes (and ignores) data and paper_mm like every other layout."""
    return [{"type": "drawer"}]


LAYOUTS: dict[str, Callable[[dict, int], list[dict]]] = {
    "kitchen_ticket": kitchen_ticket,
    "receipt": receipt,
    "qr_slip": qr_slip,
    "self_test": self_test_page,
    "drawer": open_drawer,
    "day_report": day_report,
}


def build(kind: str, data: dict, paper_mm: int, *, reprint: bool = False,
          redirected_from: str | None = None) -> list[dict]:
    """The document for a print job of `kind`, laid out for the printing printer's paper.

    The queue keeps (kind, data) and calls this at print time, so a job that moves to a
    58 mm backup is laid out for 58 mm. reprint (or data["reprint"]) puts the REPRINT
    banner first; redirected_from adds the REDIRECTED banner (after REPRINT); each appears
    exactly once, and a drawer kick never gets either.
    """
    try:
        layout = LAYOUTS[kind]
    except KeyError:
        raise ValueError(f"unknown document kind {kind!r} (known: {sorted(LAYOUTS)})") from None
    if kind == "drawer":
        return open_drawer()
    doc = layout(data, paper_mm)
    if redirected_from:
        doc = marked_redirected(doc, redirected_from, paper_mm)
    if reprint or data.get("reprint"):
        doc = marked_reprint(doc)
    return doc
