"""Ticket, receipt and report layout as plain data.

Pure on purpose (no Flask, SQLAlchemy, escpos or Pillow): the output is a list of
plain dict blocks that render.py turns into ESC/POS bytes and that tests can
inspect directly. Every text block is already wrapped to the column count of its
size, so nothing relies on the printer's own (mid-word) wrapping.

Block types:
  {"type": "text", "text": str, "size": "normal"|"large"|"xlarge", "bold": bool,
   "align": "left"|"center"|"right"[, "invert": True]}
     ("invert": white on black, for marks such as RUSH and VOID; only present when
     True. A renderer that ignores it still prints the text bold, and the text of
     those marks reads on its own.)
  {"type": "rule"}  {"type": "feed", "lines": int}  {"type": "qr", "data": str, "size": int}
  {"type": "cut"}  {"type": "drawer"} (a pulse that opens the cash drawer wired to the printer)

Documents are built from plain data at print time with build(kind, data, paper_mm, ...)
so that a job printed elsewhere (a 58 mm backup printer) is laid out for that paper.
"""
from __future__ import annotations

import unicodedata
from typing import Callable

# Printable dots per paper width; font A is 12 dots wide, so 80 mm -> 48 columns.
PAPER_DOTS = {80: 576, 58: 384}
FONT_A_DOTS = 12
SIZE_SCALE = {"normal": 1, "large": 2, "xlarge": 3}
QR_MODULE_DOTS = 6
COURSES = {0: "DRINKS", 1: "STARTERS", 2: "MAINS", 3: "DESSERTS"}
RULE = {"type": "rule"}


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


def wrap(s: str, columns: float, measure: Callable[[str], float] = display_width,
         first_columns: float | None = None) -> list[str]:
    """Greedy width-aware wrap: break at spaces, or anywhere next to a CJK character.

    `measure` lets render.py reuse the same algorithm with pixel widths. Explicit
    newlines are kept; words longer than a line are split by character.
    `first_columns` (default: columns) is the room on the very first line, e.g. after
    a prefix that is wider than the hanging indent of the lines below it; when the
    first word doesn't fit there but fits a full line, the first line is left empty.
    """
    lines: list[str] = []
    space = measure(" ")

    def room() -> float:
        return columns if lines or first_columns is None else first_columns

    for paragraph in s.split("\n"):
        cur, width = "", 0.0
        for gap, tok in _tokens(paragraph):
            sep = space if gap and cur else 0
            tok_w = measure(tok)
            if width + sep + tok_w <= room():
                cur, width = cur + (" " if sep else "") + tok, width + sep + tok_w
                continue
            if cur or (not lines and tok_w <= columns):
                lines.append(cur)
            while tok_w > room() and len(tok) > 1:
                cut = 1
                while cut < len(tok) and measure(tok[: cut + 1]) <= room():
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


def text(s: str, size: str = "normal", bold: bool = False, align: str = "left", invert: bool = False) -> dict:
    block = {"type": "text", "text": s, "size": size, "bold": bold, "align": align}
    if invert:
        block["invert"] = True
    return block


def _wrapped(s: str, columns: int, first: str = "", indent: str | None = None) -> str:
    """Wrap s after a first-line prefix; continuation lines are indented below it
    (or by `indent`). A prefix too wide for the line gets a line of its own."""
    pad = " " * display_width(first) if indent is None else indent
    if display_width(first) >= columns or display_width(pad) >= columns:
        head = wrap(first.rstrip(), columns)
        return "\n".join(head + wrap(s, columns))
    lines = wrap(s, columns - display_width(pad), first_columns=columns - display_width(first))
    return "\n".join((first.rstrip() if i == 0 and not line else first if i == 0 else pad) + line
                     for i, line in enumerate(lines))


def _centered(s: str, columns: int, size: str = "normal", bold: bool = False) -> dict:
    return text("\n".join(wrap(s, columns)), size, bold, "center")


def _rjust(s: str, width: int) -> str:
    return " " * max(0, width - display_width(s)) + s


def two_columns(left: str, right: str, columns: int, prefix: str = "") -> str:
    """prefix+left, and right-aligned text on the same line, padded by display width.

    When both don't fit, the left text wraps (hanging indent after prefix) and the
    right text gets its own right-aligned line, so amounts line up at the margin.
    """
    gap = columns - display_width(prefix + left) - display_width(right)
    if gap >= 1 and "\n" not in left:
        return prefix + left + " " * gap + right
    rights = "\n".join(_rjust(line, columns) for line in wrap(right, columns))
    return _wrapped(left, columns, prefix) + "\n" + rights


def table_rows(rows: list[tuple[str, object, str]], columns: int,
               header: tuple[str, str, str] | None = None) -> list[str]:
    """Lines of a name | qty | amount table: qty and amount right-aligned in their own
    columns, the name wrapped in what is left (numbers on its first line). Too narrow for
    a name column: each name gets full lines and its numbers a right-aligned line."""
    all_rows = ([header] if header else []) + [(str(n), str(q), str(a)) for n, q, a in rows]
    qty_w = max((display_width(q) for _, q, _ in all_rows), default=0)
    amt_w = max((display_width(a) for _, _, a in all_rows), default=0)
    name_w = columns - qty_w - amt_w - 3  # a space after the name, two before the amount
    out = []
    for name, qty, amount in all_rows:
        numbers = _rjust(qty, qty_w) + "  " + _rjust(amount, amt_w)
        if name_w < 8:
            out.append(two_columns(name, numbers.strip(), columns))
            continue
        lines = wrap(name, name_w - 2, first_columns=name_w)
        first = lines[0] + " " * (name_w - display_width(lines[0]) + 1) + numbers
        out.append("\n".join([first, *("  " + line for line in lines[1:])]))
    return out


# --- banners --------------------------------------------------------------------------

def reprint_banner() -> dict:
    return text("REPRINT", "xlarge", True, "center")


def redirected_banner() -> dict:
    return text("REDIRECTED", "xlarge", True, "center")


def _only_drawer(document: list[dict]) -> bool:
    return all(b["type"] == "drawer" for b in document)


def marked_reprint(document: list[dict]) -> list[dict]:
    """The document with the REPRINT banner on top (once), for a job that may already have
    printed: staff must never take a duplicate for a new order. A drawer kick gets none."""
    banner = reprint_banner()
    if document[:1] == [banner] or _only_drawer(document):
        return document
    return [banner, *document]


def marked_redirected(document: list[dict], from_printer: str, paper_mm: int | None = None) -> list[dict]:
    """The document with a REDIRECTED banner on top (under a REPRINT banner, if any): it
    prints at a backup printer because its own printer (named) kept failing.

    Idempotent: a document that already says REDIRECTED keeps its banner and the first
    printer it came from (the one whose station it belongs to), so a job that fails over
    twice never stacks two banners. The printer name is wrapped for `paper_mm`; without it,
    for the narrowest paper, which fits any printer. A drawer kick gets no banner.
    """
    at = 1 if document[:1] == [reprint_banner()] else 0
    if document[at:at + 1] == [redirected_banner()] or _only_drawer(document):
        return document
    cols = columns_for(paper_mm or min(PAPER_DOTS), "normal")
    return [*document[:at], redirected_banner(), _centered(f"from printer {from_printer}", cols),
            *document[at:]]


# --- documents ------------------------------------------------------------------------

def self_test_page(t: dict, paper_mm: int = 80) -> list[dict]:
    """A test page: which printer this is, its paper, and Chinese and English text side by side."""
    normal, large = columns_for(paper_mm, "normal"), columns_for(paper_mm, "large")
    return [text(_wrapped(t["restaurant"], large), "large", True, "center"),
            _centered("TEST PAGE 測試頁", large, "large", True), RULE,
            text(two_columns("Printer", str(t["printer"]), normal)),
            text(two_columns("Paper", f"{t['paper_mm']} mm, {normal} columns", normal)),
            text(two_columns("Profile", str(t["profile"]), normal)),
            text(two_columns("Printed", t["printed_at"], normal)), RULE,
            text(_wrapped("宮保雞丁 Kung Pao Chicken", large), "large"), text(_wrapped("0123456789 ABCDEF abcdef", normal)),
            {"type": "feed", "lines": 2}, {"type": "cut"}]


def open_drawer(data: dict | None = None, paper_mm: int = 80) -> list[dict]:
    """A document that only opens the cash drawer (pin 2 of the printer's drawer port).
    Takes (and ignores) data and paper_mm like every other layout."""
    return [{"type": "drawer"}]


def course_name(course: int) -> str:
    return COURSES.get(course, f"COURSE {course}")


def kitchen_ticket(t: dict, paper_mm: int = 80) -> list[dict]:
    """Kitchen ticket, read from two metres: big table name and order number, the course,
    when to fire it, one large line per item.

    t = {"table", "order_number", "station", "ordered_at", "items": [{"qty", "name",
    "name_alt"?, "modifiers"?, "note"?, "seat"?}], "course"? (0 drinks, 1 starters, 2 mains,
    3 desserts, else "COURSE N"), "fire_at"? ("HH:MM"), "fire_now"?, "rush"?, "void"?,
    "reason"? (why the items were voided), "reprint"?}

    A void ticket ("void": True) lists the dishes to stop: a VOID banner at the top and at
    the bottom and every item line starting with VOID; fire time and RUSH don't apply to it.
    """
    normal, large, xlarge = (columns_for(paper_mm, s) for s in ("normal", "large", "xlarge"))
    void = bool(t.get("void"))
    doc: list[dict] = []
    if t.get("reprint"):
        doc.append(reprint_banner())
    if void:
        doc.append(text("VOID", "xlarge", True, "center", invert=True))
    elif t.get("rush"):
        doc.append(text("*** RUSH ***", "large", True, "center", invert=True))
    doc += [text(_wrapped(str(t["table"]), xlarge), "xlarge", True), text(f"#{t['order_number']}", "large")]
    if t.get("course") is not None:
        doc.append(text(_wrapped(course_name(t["course"]), large), "large", True))
    if not void and (t.get("fire_now") or t.get("fire_at")):
        doc.append(text("FIRE NOW" if t.get("fire_now") else _wrapped(f"FIRE {t['fire_at']}", large), "large", True))
    doc.append(text(two_columns(str(t["station"]).upper(), t["ordered_at"], normal)))
    if void and t.get("reason"):
        doc.append(text(_wrapped(str(t["reason"]), normal, "Reason: "), bold=True))
    doc.append(RULE)
    for item in t["items"]:
        if void:
            doc.append(text(_wrapped(item["name"], large, f"VOID {item['qty']} x ", "     "), "large", True))
        else:
            doc.append(text(_wrapped(item["name"], large, f"{item['qty']} x "), "large"))
        if item.get("name_alt"):
            doc.append(text(_wrapped(item["name_alt"], normal, "    ")))
        if item.get("seat") is not None:
            doc.append(text(_wrapped(str(item["seat"]), normal, "    Seat "), bold=True))
        for mod in item.get("modifiers") or []:
            doc.append(text(_wrapped(mod, normal, "  + ")))
        if item.get("note"):
            doc.append(text(_wrapped(item["note"], normal, "  ! "), bold=True))
    doc.append(RULE)
    if void:
        doc.append(text("VOID", "xlarge", True, "center", invert=True))
    doc += [{"type": "feed", "lines": 3}, {"type": "cut"}]
    return doc


def _amount_rows(rows, columns: int, prefix: str = "") -> list[dict]:
    """One right-aligned amount line per {"label", "amount"}."""
    return [text(two_columns(r["label"], r["amount"], columns, prefix)) for r in rows or []]


def receipt(r: dict, paper_mm: int = 80) -> list[dict]:
    """Customer receipt: item lines with right-aligned amounts, totals, payments, optional QR.

    r = {"restaurant", "header_lines"? [str], "table"? (None for takeaway), "pickup"? (name),
    "check_number", "closed_at", "served_by"?,
    "lines": [{"qty", "name", "amount", "modifiers"? [str], "discount"? {"label", "amount"},
    "comp"? bool}], "subtotal", "discounts"? [{"label", "amount"}] (check level),
    "service_lines"? [...], "tax_lines"? [...], "total", "payments"? [{"label", "amount",
    "reference"?}], "tip"?, "change"?, "footer"?, "visit_url"?}
    Amounts are printed as given (a discount as e.g. "-$2.00"). REPRINT: see build().
    """
    cols, large = columns_for(paper_mm, "normal"), columns_for(paper_mm, "large")
    doc = [text(_wrapped(r["restaurant"], large), "large", True, "center")]
    doc += [_centered(line, cols) for line in r.get("header_lines") or []]
    check = f"Check #{r['check_number']}"
    if r.get("table") is not None:
        doc.append(text(two_columns(f"Table {r['table']}", check, cols)))
    if r.get("pickup"):
        doc.append(text(_wrapped(str(r["pickup"]), large, "Pickup: "), "large", True))
    if r.get("table") is None:
        doc.append(text(_wrapped(check, cols)))
    doc.append(text(_wrapped(r["closed_at"], cols)))
    if r.get("served_by"):
        doc.append(text(_wrapped(str(r["served_by"]), cols, "Served by: ")))
    doc.append(RULE)
    for ln in r["lines"]:
        amount = f"COMP {ln['amount']}" if ln.get("comp") else ln["amount"]
        doc.append(text(two_columns(ln["name"], amount, cols, f"{ln['qty']} x ")))
        doc += [text(_wrapped(mod, cols, "    + ")) for mod in ln.get("modifiers") or []]
        if ln.get("discount"):
            doc += _amount_rows([ln["discount"]], cols, "    ")
    doc.append(RULE)
    if r.get("subtotal") is not None:
        doc.append(text(two_columns("Subtotal", r["subtotal"], cols)))
    for key in ("discounts", "service_lines", "tax_lines"):
        doc += _amount_rows(r.get(key), cols)
    doc.append(text(two_columns("TOTAL", r["total"], large), "large", True))
    doc.append(RULE)
    for p in r.get("payments") or []:
        doc.append(text(two_columns(p["label"], p["amount"], cols)))
        if p.get("reference"):
            doc.append(text(_wrapped(str(p["reference"]), cols, "  ")))
    if r.get("tip"):
        doc.append(text(two_columns("Tip", r["tip"], cols)))
    if r.get("change"):
        doc.append(text(two_columns("Change", r["change"], cols)))
    if r.get("footer"):
        doc += [{"type": "feed", "lines": 1}, _centered(r["footer"], cols)]
    if r.get("visit_url"):
        doc += [{"type": "feed", "lines": 1}, _centered("掃碼查看訂單 Scan for your order", cols),
                {"type": "qr", "data": r["visit_url"], "size": QR_MODULE_DOTS}]
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
        _centered("掃碼點餐 Scan to order", cols),
        _centered(d["printed_at"], cols),
        _centered("This code works until the table is paid and closed.", cols),
        {"type": "feed", "lines": 3}, {"type": "cut"},
    ]


_CASH_ROWS = (("float", "Opening float"), ("cash_sales", "Cash sales"), ("cash_tips", "Cash tips"),
              ("cash_in", "Paid in"), ("cash_out", "Paid out"), ("refunds", "Cash refunds"), ("expected", "Expected in drawer"),
              ("counted", "Counted"), ("difference", "Difference"))


def day_report(d: dict, paper_mm: int = 80) -> list[dict]:
    """End-of-day Z report: sections with headings and rules, amounts right-aligned.

    d = {"restaurant", "business_date", "printed_at", and optionally "register",
    "opened_at", "closed_at", "gross", "net", "service", "tips", "covers", "checks",
    "average_check", "discounts"/"comps"/"voids"/"refunds": {"count", "amount"},
    "taxes": [{"label", "amount"}], "tenders": [{"label", "count", "amount"}],
    "sales_by_category"/"sales_by_dish": [{"name", "qty", "amount"}],
    "cash": {"float", "cash_sales", "cash_tips", "cash_in", "cash_out", "refunds", "expected", "counted",
    "difference"} (each optional), "cash_movements": [{"time", "label", "amount", "reason"?}]}
    A section whose data is missing or empty is left out; numbers are printed as given.
    """
    cols, large, xlarge = (columns_for(paper_mm, s) for s in ("normal", "large", "xlarge"))
    doc = [text(_wrapped(d["restaurant"], large), "large", True, "center"),
           _centered("Z REPORT", xlarge, "xlarge", True), _centered("日結報表", large, "large", True), RULE]
    for key, label in (("register", "Register"), ("business_date", "Business date"), ("opened_at", "Opened"),
                       ("closed_at", "Closed"), ("printed_at", "Printed")):
        if d.get(key) is not None:
            doc.append(text(two_columns(label, str(d[key]), cols)))

    def section(title: str, blocks: list[dict]) -> None:
        if blocks:
            doc.extend([RULE, text(_wrapped(title, cols), bold=True), *blocks])

    def table(rows, header=None) -> list[dict]:
        lines = table_rows(rows, cols, header) if rows else []
        return [text(line, bold=bool(header) and i == 0) for i, line in enumerate(lines)]

    def rows(*pairs, bold: str = "") -> list[dict]:
        return [text(two_columns(label, str(d[key]), cols), bold=key == bold)
                for key, label in pairs if d.get(key) is not None]

    section("SALES", rows(("gross", "Gross sales"), ("net", "Net sales"), ("service", "Service charge"),
                          ("tips", "Tips"), bold="net"))
    section("GUESTS", rows(("checks", "Checks"), ("covers", "Covers"), ("average_check", "Average check")))
    adjustments = [(label, d[key].get("count", ""), d[key].get("amount", "")) for key, label in (
        ("discounts", "Discounts"), ("comps", "Comps"), ("voids", "Voids"), ("refunds", "Refunds")) if d.get(key)]
    section("ADJUSTMENTS", table(adjustments, ("", "Count", "Amount")))
    section("TAXES", _amount_rows(d.get("taxes"), cols))
    section("TENDERS", table([(t["label"], t["count"], t["amount"]) for t in d.get("tenders") or []],
                             ("", "Count", "Amount")))
    for key, title in (("sales_by_category", "SALES BY CATEGORY"), ("sales_by_dish", "SALES BY DISH")):
        section(title, table([(s["name"], s["qty"], s["amount"]) for s in d.get(key) or []], ("", "Qty", "Amount")))
    cash = d.get("cash") or {}
    section("CASH DRAWER", [text(two_columns(label, str(cash[key]), cols), bold=key == "difference")
                            for key, label in _CASH_ROWS if cash.get(key) is not None])
    movements = []
    for m in d.get("cash_movements") or []:
        movements.append(text(two_columns(f"{m['time']} {m['label']}", m["amount"], cols)))
        if m.get("reason"):
            movements.append(text(_wrapped(str(m["reason"]), cols, "      ")))
    section("CASH MOVEMENTS", movements)
    doc += [RULE, {"type": "feed", "lines": 2}, text("Signature " + "_" * (cols - 10)),
            _centered("END OF Z REPORT", cols), {"type": "feed", "lines": 3}, {"type": "cut"}]
    return doc


# --- dispatch -------------------------------------------------------------------------

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
