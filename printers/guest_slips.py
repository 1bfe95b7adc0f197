"""What the guest takes away: the receipt and the QR ordering slip (pure, like printers/layout.py)."""
from __future__ import annotations

from .blocks import QR_MODULE_DOTS, RULE, centered, text
from .wrapping import columns_for, display_width, two_columns, wrapped


# The paper's words for the fixed lines (a discount's own label is the guest's, from the till).
WORDS = {"subtotal": "Subtotal 小計", "discount": "Discount 折扣", "comp": "Complimentary 招待",
         "service": "Service {rate}% 服務費", "tax": "Tax {rate}% 稅", "tax_included": "incl. Tax {rate}% 含稅",
         "total": "TOTAL 合計", "rounding": "Cash rounding 現金調整", "tip": "incl. tip 小費", "change": "Change 找續",
         "refund": "Refund 退款 {tender}"}


def reduction_label(r: dict) -> str:
    """A discount's or comp's words: the guest's label (or the paper's word) and its percent."""
    word = WORDS["comp"] if r.get("kind") == "comp" else r.get("label") or WORDS["discount"]
    return word + (f" {r['percent']}%" if r.get("percent") else "")


def receipt(r: dict, paper_mm: int = 80) -> list[dict]:
    """Customer receipt (or bill): item lines at full price with their own discounts or comp
    under them, the subtotal they add up to, the check's discounts, service and tax, the
    total large, cash rounding, then each payment with its tip, the change and refunds. Every
    amount is a normal-size right-aligned column except the total's.

    r = {"restaurant", "header_lines"? [str], "table"? (None for takeaway), "pickup"? (name),
    "check_number", "closed_at", "served_by"?,
    "lines": [{"qty", "name", "amount", "modifiers"? [str], "reductions"? [{"kind", "label"?,
    "percent"?, "amount"}]}], "subtotal", "discounts"? [{"label"?, "percent"?, "amount"}]
    (check level), "service_lines"? [{"rate", "amount"}], "tax_lines"? [{"rate", "included",
    "amount"}], "total", "rounding"?, "payments"? [{"label", "amount", "reference"?, "tip"?}],
    "change"?, "refunds"? [{"label", "amount"}], "footer"?, "visit_url"?}
    (pos.checks.presentation.receipt_lines). Amounts are printed as given (a discount as
    e.g. "-$2.00"). REPRINT: see build().
    """
    cols, large = columns_for(paper_mm, "normal"), columns_for(paper_mm, "large")

    def row(label: str, amount: str, prefix: str = "") -> dict:
        return text(two_columns(label, amount, cols, prefix), amounts=True)

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
        doc.append(row(ln["name"], ln["amount"], f"{ln['qty']} x "))
        doc += [text(wrapped(mod, cols, "    + ")) for mod in ln.get("modifiers") or []]
        doc += [row(reduction_label(x), x["amount"], "    ") for x in ln.get("reductions") or []]
    doc.append(RULE)
    doc.append(row(WORDS["subtotal"], r["subtotal"]))
    doc += [row(reduction_label(d), d["amount"]) for d in r.get("discounts") or []]
    doc += [row(WORDS["service"].format(rate=s["rate"]), s["amount"]) for s in r.get("service_lines") or []]
    doc += [row(WORDS["tax_included" if t.get("included") else "tax"].format(rate=t["rate"]), t["amount"])
            for t in r.get("tax_lines") or []]
    total = WORDS["total"] if display_width(WORDS["total"] + r["total"]) < large else "TOTAL"  # 58 mm: one line
    doc.append(text(two_columns(total, r["total"], large), "large", True, amounts=True))
    if r.get("rounding"):  # cash counted in the smallest coin
        doc.append(row(WORDS["rounding"], r["rounding"]))
    if r.get("payments"):
        doc.append(RULE)
    for p in r.get("payments") or []:
        doc.append(row(p["label"], p["amount"]))
        if p.get("reference"):
            doc.append(text(wrapped(str(p["reference"]), cols, "  ")))
        if p.get("tip"):  # under its tender: the charge is the part of the check plus the tip
            doc.append(row(WORDS["tip"], p["tip"], "  "))
    if r.get("change"):
        doc.append(row(WORDS["change"], r["change"]))
    doc += [row(WORDS["refund"].format(tender=x["label"]), x["amount"]) for x in r.get("refunds") or []]
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
