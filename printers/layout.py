"""Ticket and receipt layout as plain data.

Pure on purpose (no Flask, SQLAlchemy, escpos or Pillow): the output is a list of
plain dict blocks that render.py turns into ESC/POS bytes and that tests can
inspect directly. Every text block is already wrapped to the column count of its
size, so nothing relies on the printer's own (mid-word) wrapping.

Block types:
  {"type": "text", "text": str, "size": "normal"|"large"|"xlarge", "bold": bool,
   "align": "left"|"center"|"right"}
  {"type": "rule"}  {"type": "feed", "lines": int}  {"type": "qr", "data": str, "size": int}
  {"type": "cut"}  {"type": "drawer"} (a pulse that opens the cash drawer wired to the printer)
"""
from __future__ import annotations

import unicodedata
from typing import Callable

# Printable dots per paper width; font A is 12 dots wide, so 80 mm -> 48 columns.
PAPER_DOTS = {80: 576, 58: 384}
FONT_A_DOTS = 12
SIZE_SCALE = {"normal": 1, "large": 2, "xlarge": 3}
QR_MODULE_DOTS = 6


def display_width(s: str) -> int:
    """Columns a string takes on a thermal printer: CJK wide/fullwidth 2, combining 0."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        for ch in s
    )


def _tokens(s: str) -> list[tuple[bool, str]]:
    """Split into (space_before, token): Latin words stay whole, each wide char is its own token."""
    tokens: list[tuple[bool, str]] = []
    gap, word, word_gap = False, "", False
    for ch in s:
        if ch.isspace() or display_width(ch) == 2:
            if word:
                tokens.append((word_gap, word))
                word, gap = "", False
            if ch.isspace():
                gap = bool(tokens)
            else:
                tokens.append((gap, ch))
                gap = False
        else:
            if not word:
                word_gap, gap = gap, False
            word += ch
    if word:
        tokens.append((word_gap, word))
    return tokens


def wrap(s: str, columns: int, measure: Callable[[str], float] = display_width) -> list[str]:
    """Greedy width-aware wrap: break at spaces, or anywhere next to a CJK character.

    `measure` lets render.py reuse the same algorithm with pixel widths. Explicit
    newlines are kept; words longer than a line are split by character.
    """
    lines: list[str] = []
    space = measure(" ")
    for paragraph in s.split("\n"):
        cur, width = "", 0.0
        for gap, tok in _tokens(paragraph):
            sep = space if gap and cur else 0
            tok_w = measure(tok)
            if width + sep + tok_w <= columns:
                cur, width = cur + (" " if sep else "") + tok, width + sep + tok_w
                continue
            if cur:
                lines.append(cur)
            while tok_w > columns and len(tok) > 1:
                cut = 1
                while cut < len(tok) and measure(tok[: cut + 1]) <= columns:
                    cut += 1
                lines.append(tok[:cut])
                tok = tok[cut:]
                tok_w = measure(tok)
            cur, width = tok, tok_w
        lines.append(cur)
    return lines


def columns_for(paper_mm: int, size: str) -> int:
    """Text columns per line: 48 (80 mm) / 32 (58 mm) at normal size, halved/thirded when scaled."""
    if paper_mm not in PAPER_DOTS:
        raise ValueError(f"unsupported paper width {paper_mm} mm (known: {sorted(PAPER_DOTS)})")
    return PAPER_DOTS[paper_mm] // FONT_A_DOTS // SIZE_SCALE[size]


def text(s: str, size: str = "normal", bold: bool = False, align: str = "left") -> dict:
    return {"type": "text", "text": s, "size": size, "bold": bold, "align": align}


def _wrapped(s: str, columns: int, first: str = "") -> str:
    """Wrap s after a first-line prefix; continuation lines are indented below it."""
    pad = " " * display_width(first)
    lines = wrap(s, max(1, columns - len(pad)))
    return "\n".join((first if i == 0 else pad) + line for i, line in enumerate(lines))


def two_columns(left: str, right: str, columns: int, prefix: str = "") -> str:
    """prefix+left, and right-aligned text on the same line, padded by display width.

    When both don't fit, the left text wraps (hanging indent after prefix) and the
    right text gets its own right-aligned line, so amounts line up at the margin.
    """
    gap = columns - display_width(prefix + left) - display_width(right)
    if gap >= 1 and "\n" not in left:
        return prefix + left + " " * gap + right
    return _wrapped(left, columns, prefix) + "\n" + " " * max(0, columns - display_width(right)) + right


def self_test_page(t: dict, paper_mm: int = 80) -> list[dict]:
    """A test page: which printer this is, its paper, and Chinese and English text side by side."""
    normal = columns_for(paper_mm, "normal")
    return [text(_wrapped(t["restaurant"], columns_for(paper_mm, "large")), "large", True, "center"),
            text("TEST PAGE 測試頁", "large", True, "center"), {"type": "rule"},
            text(two_columns("Printer", str(t["printer"]), normal)),
            text(two_columns("Paper", f"{t['paper_mm']} mm, {normal} columns", normal)),
            text(two_columns("Profile", str(t["profile"]), normal)),
            text(two_columns("Printed", t["printed_at"], normal)), {"type": "rule"},
            text("宮保雞丁 Kung Pao Chicken", "large"), text("0123456789 ABCDEF abcdef"),
            {"type": "feed", "lines": 2}, {"type": "cut"}]


def open_drawer() -> list[dict]:
    """A document that only opens the cash drawer (pin 2 of the printer's drawer port)."""
    return [{"type": "drawer"}]


def marked_redirected(document: list[dict], from_printer: str) -> list[dict]:
    """The document with a REDIRECTED banner on top: it prints at a backup printer because
    its own printer (named) kept failing."""
    return [text("REDIRECTED", "xlarge", True, "center"), text(f"from printer {from_printer}", "normal", False, "center"),
            *document]


def reprint_banner() -> dict:
    return text("REPRINT", "xlarge", True, "center")


def marked_reprint(document: list[dict]) -> list[dict]:
    """The document with the REPRINT banner on top (once), for a job that may already have
    printed: staff must never take a duplicate for a new order."""
    banner = reprint_banner()
    return document if document[:1] == [banner] else [banner, *document]


def kitchen_ticket(t: dict, paper_mm: int = 80) -> list[dict]:
    """Kitchen ticket: big table name and order number, one large line per item."""
    normal, large, xlarge = (columns_for(paper_mm, s) for s in ("normal", "large", "xlarge"))
    doc: list[dict] = []
    if t.get("reprint"):
        doc.append(reprint_banner())
    doc += [
        text(_wrapped(str(t["table"]), xlarge), "xlarge", True),
        text(f"#{t['order_number']}", "large"),
        text(two_columns(str(t["station"]).upper(), t["ordered_at"], normal)),
        {"type": "rule"},
    ]
    for item in t["items"]:
        doc.append(text(_wrapped(item["name"], large, f"{item['qty']} x "), "large"))
        if item.get("name_alt"):
            doc.append(text(_wrapped(item["name_alt"], normal, "    ")))
        for mod in item.get("modifiers") or []:
            doc.append(text(_wrapped(mod, normal, "  + ")))
        if item.get("note"):
            doc.append(text(_wrapped(item["note"], normal, "  ! "), bold=True))
    doc += [{"type": "rule"}, {"type": "feed", "lines": 3}, {"type": "cut"}]
    return doc


def receipt(r: dict, paper_mm: int = 80) -> list[dict]:
    """Customer receipt: item lines with right-aligned amounts, totals, payments, optional QR."""
    cols, large = columns_for(paper_mm, "normal"), columns_for(paper_mm, "large")
    doc = [
        text(_wrapped(r["restaurant"], large), "large", True, "center"),
        text(two_columns(f"Table {r['table']}", f"Check #{r['check_number']}", cols)),
        text(r["closed_at"]),
        {"type": "rule"},
    ]
    doc += [text(two_columns(ln["name"], ln["amount"], cols, f"{ln['qty']} x ")) for ln in r["lines"]]
    doc += [{"type": "rule"}, text(two_columns("Subtotal", r["subtotal"], cols))]
    doc += [text(two_columns(tl["label"], tl["amount"], cols)) for tl in r.get("tax_lines") or []]
    doc.append(text(two_columns("TOTAL", r["total"], large), "large", True))
    doc.append({"type": "rule"})
    doc += [text(two_columns(p["label"], p["amount"], cols)) for p in r.get("payments") or []]
    if r.get("change"):
        doc.append(text(two_columns("Change", r["change"], cols)))
    if r.get("footer"):
        doc += [{"type": "feed", "lines": 1}, text("\n".join(wrap(r["footer"], cols)), align="center")]
    if r.get("visit_url"):
        doc += [{"type": "feed", "lines": 1}, {"type": "qr", "data": r["visit_url"], "size": QR_MODULE_DOTS}]
    doc += [{"type": "feed", "lines": 3}, {"type": "cut"}]
    return doc


def qr_slip(d: dict, paper_mm: int = 80) -> list[dict]:
    """The slip handed to the next party: table name, its new ordering QR code, a line of help.
    d = {"restaurant", "table", "url", "printed_at"}"""
    cols, large = columns_for(paper_mm, "normal"), columns_for(paper_mm, "large")
    return [
        text(_wrapped(d["restaurant"], large), "large", True, "center"),
        text(_wrapped(str(d["table"]), columns_for(paper_mm, "xlarge")), "xlarge", True, "center"),
        {"type": "qr", "data": d["url"], "size": QR_MODULE_DOTS},
        text("掃碼點餐 Scan to order", align="center"),
        text(d["printed_at"], align="center"),
        text("\n".join(wrap("This code works until the table is paid and closed.", cols)), align="center"),
        {"type": "feed", "lines": 3}, {"type": "cut"},
    ]
