"""The end-of-day Z report (pure, like printers/layout.py)."""
from __future__ import annotations

from .blocks import RULE, amount_rows, centered, text
from .wrapping import columns_for, table_rows, two_columns, wrapped

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
    doc = [text(wrapped(d["restaurant"], large), "large", True, "center"),
           centered("Z REPORT", xlarge, "xlarge", True), centered("日結報表", large, "large", True), RULE]
    for key, label in (("register", "Register"), ("business_date", "Business date"), ("opened_at", "Opened"),
                       ("closed_at", "Closed"), ("printed_at", "Printed")):
        if d.get(key) is not None:
            doc.append(text(two_columns(label, str(d[key]), cols)))

    def section(title: str, blocks: list[dict]) -> None:
        if blocks:
            doc.extend([RULE, text(wrapped(title, cols), bold=True), *blocks])

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
    section("TAXES", amount_rows(d.get("taxes"), cols))
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
            movements.append(text(wrapped(str(m["reason"]), cols, "      ")))
    section("CASH MOVEMENTS", movements)
    doc += [RULE, {"type": "feed", "lines": 2}, text("Signature " + "_" * (cols - 10)),
            centered("END OF Z REPORT", cols), {"type": "feed", "lines": 3}, {"type": "cut"}]
    return doc
