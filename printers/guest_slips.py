"""What the guest takes away: the receipt and the QR ordering slip (pure, like printers/layout.py)."""
from __future__ import annotations

from .blocks import QR_MODULE_DOTS, RULE, amount_rows, centered, text
from .wrapping import columns_for, two_columns, wrapped


def receipt(r: dict, paper_mm: int = 80) -> list[dict]:
    """Customer receipt: item lines with right-aligned amounts, totals, payments, optional QR.

    r = {"restaurant", "header_lines"? [str], "table"? (None for takeaway), "pickup"? (name),
    "check_number", "closed_at", "served_by"?,
    "lines": [{"qty", "name", "amount", "modifiers"? [str], "discount"? {"label", "amount"},
    "comp"? bool}], "subtotal", "discounts"? [{"label", "amount"}] (check level),
    "service_lines"? [...], "tax_lines"? [...], "total", "payments"? [{"label", "amount",
    "reference"?, "tip"?}], "rounding"?, "tip"?, "change"?, "footer"?, "visit_url"?}
    Amounts are printed as given (a discount as e.g. "-$2.00"). REPRINT: see build().
    """
    cols, large = columns_for(paper_mm, "normal"), columns_for(paper_mm, "large")
    doc = [text(wrapped(r["restaurant"], large), "large", True, "center")]
    doc += [centered(line, cols) for line in r.get("header_lines") or []]
    check = f"Check #{r['check_number']}"
    if r.get("table") is not None:
        doc.append(text(two_columns(f"Table {r['table']}", check, cols)))
    if r.get("pickup"):
        doc.append(text(wrapped(str(r["pickup"]), large, "Pickup: "), "large", True))
    if r.get("table") is None:
        doc.append(text(wrapped(check, cols)))
    doc.append(text(wrapped(r["closed_at"], cols)))
    if r.get("served_by"):
        doc.append(text(wrapped(str(r["served_by"]), cols, "Served by: ")))
    doc.append(RULE)
    for ln in r["lines"]:
        amount = f"COMP {ln['amount']}" if ln.get("comp") else ln["amount"]
        doc.append(text(two_columns(ln["name"], amount, cols, f"{ln['qty']} x ")))
        doc += [text(wrapped(mod, cols, "    + ")) for mod in ln.get("modifiers") or []]
        if ln.get("discount"):
            doc += amount_rows([ln["discount"]], cols, "    ")
    doc.append(RULE)
    if r.get("subtotal") is not None:
        doc.append(text(two_columns("Subtotal", r["subtotal"], cols)))
    for key in ("discounts", "service_lines", "tax_lines"):
        doc += amount_rows(r.get(key), cols)
    doc.append(text(two_columns("TOTAL", r["total"], large), "large", True))
    if r.get("rounding"):  # cash counted in the smallest coin
        doc.append(text(two_columns("Cash rounding", r["rounding"], cols)))
    doc.append(RULE)
    for p in r.get("payments") or []:
        doc.append(text(two_columns(p["label"], p["amount"], cols)))
        if p.get("reference"):
            doc.append(text(wrapped(str(p["reference"]), cols, "  ")))
        if p.get("tip"):  # under its tender: the charge is the part of the check plus the tip
            doc.append(text(two_columns("  incl. tip", p["tip"], cols)))
    if r.get("tip") and not any(p.get("tip") for p in r.get("payments") or []):
        doc.append(text(two_columns("Tip", r["tip"], cols)))
    if r.get("change"):
        doc.append(text(two_columns("Change", r["change"], cols)))
    if r.get("footer"):
        doc += [{"type": "feed", "lines": 1}, centered(r["footer"], cols)]
    if r.get("visit_url"):
        doc += [{"type": "feed", "lines": 1}, centered("掃碼查看訂單 Scan for your order", cols),
                {"type": "qr", "data": r["visit_url"], "size": QR_MODULE_DOTS}]
    doc += [{"type": "feed", "lines": 3}, {"type": "cut"}]
    return doc


def qr_slip(d: dict, paper_mm: int = 80) -> list[dict]:
    """The slip handed to the next party: table name, its new ordering QR code, a line of help.
    d = {"restaurant", "table", "url", "printed_at"}"""
    cols, large = columns_for(paper_mm, "normal"), columns_for(paper_mm, "large")
    return [
        text(wrapped(d["restaurant"], large), "large", True, "center"),
        text(wrapped(str(d["table"]), columns_for(paper_mm, "xlarge")), "xlarge", True, "center"),
        {"type": "qr", "data": d["url"], "size": QR_MODULE_DOTS},
        centered("掃碼點餐 Scan to order", cols),
        centered(d["printed_at"], cols),
        centered("This code works until the table is paid and closed.", cols),
        {"type": "feed", "lines": 3}, {"type": "cut"},
    ]
