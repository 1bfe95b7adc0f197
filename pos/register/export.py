"""The Z report (pos.register.report's dict) shaped for paper and for a spreadsheet: the
receipt printer's layout data and the CSV. Pure: no database, no framework."""
from __future__ import annotations

import csv
import io

from pos.checks.money import format_money


def csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is quoted with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def decimal_text(minor: int, minor_unit: int) -> str:
    """Minor units as a plain decimal number (no currency sign, no thousands separator)."""
    sign = "-" if minor < 0 else ""
    if not minor_unit:
        return f"{sign}{abs(minor)}"
    units, cents = divmod(abs(minor), 10 ** minor_unit)
    return f"{sign}{units}.{cents:0{minor_unit}d}"


# -- paper ------------------------------------------------------------------------------------------

def print_layout(report: dict, *, restaurant: str, printed_at: str | None, currency: str, minor_unit: int) -> dict:
    """printers.layout.day_report's data for a report (amounts as formatted text in this
    currency; what is taken off the sales and out of the drawer shown negative)."""
    f, cash = report["formatted"], report["cash"]

    def money(minor: int) -> str:
        return format_money(minor, currency, minor_unit)

    def neg(figure: dict) -> dict:
        return {"count": figure["count"], "amount": money(-figure["amount"])}

    covers = str(report["covers"]) if report["covers_basis"] == "recorded" else f"{report['covers']} (est.)"
    cash_rows = {"float": cash["float"], "cash_sales": cash["cash_sales"], "cash_tips": cash["cash_tips"],
                 "cash_in": cash["cash_in"], "cash_out": -cash["cash_out"], "refunds": -cash["cash_refunds"],
                 "expected": cash["expected"], "counted": cash["counted"], "difference": cash["difference"]}
    return {
        "restaurant": restaurant, "business_date": report["business_day"],
        "printed_at": printed_at, "register": f"#{report['register_id']}",
        "opened_at": report["opened_local"], "closed_at": report["closed_local"],
        "gross": f["gross"], "net": f["net"], "service": f["service_charge"], "tips": f["tips"],
        "covers": covers, "checks": report["checks"], "average_check": f["average_check"],
        "discounts": neg(report["discounts"]), "comps": neg(report["comps"]),
        "voids": {"count": report["voids"]["count"], "amount": report["voids"]["amount_formatted"]},
        "refunds": neg(report["refunds"]),
        "taxes": [{"label": t["label"], "amount": t["amount_formatted"]} for t in report["taxes"]],
        "tenders": [{"label": t["label"], "count": t["count"], "amount": t["formatted"]["amount"]}
                    for t in report["tenders"]],
        "sales_by_category": [{"name": c["name"], "qty": c["qty"], "amount": c["amount_formatted"]}
                              for c in report["sales_by_category"]],
        "sales_by_dish": [{"name": d["name"], "qty": d["qty"], "amount": d["amount_formatted"]}
                          for d in report["sales_by_dish"]],
        "cash": {k: money(v) for k, v in cash_rows.items() if v is not None},
        "cash_movements": [{"time": m["time"], "label": m["label"],
                            "amount": money(m["amount"] if m["kind"] == "in" else -m["amount"]),
                            "reason": m["reason"]} for m in report["cash_movements"]],
    }


# -- the spreadsheet ----------------------------------------------------------------------------------

def _header_rows(report: dict) -> list[tuple]:
    opened_by = f" by {report['opened_by']}" if report["opened_by"] else ""
    closed_by = f" by {report['closed_by']}" if report["closed_by"] else ""
    return [
        ("register", f"Register #{report['register_id']}", "", None),
        ("register", f"Business day {report['business_day']}", "", None),
        ("register", f"Opened {report['opened_local']}" + opened_by, "", None),
        ("register", f"Closed {report['closed_local']}" + closed_by if report["closed_local"] else "Still open", "",
         None),
    ]


def csv_rows(report: dict) -> list[tuple]:
    """The report as a flat table (section, name, count, amount), amounts in minor units."""
    rows = _header_rows(report)
    sales = report["sales"]
    rows += [("sales", label, "", sales[key]) for key, label in (
        ("gross", "Gross sales"), ("discounts", "Discounts"), ("comps", "Comps"), ("net", "Net sales"),
        ("service_charge", "Service charge"), ("tax", "Tax"), ("total", "Total"), ("tips", "Tips"),
        ("payments", "Payments taken"), ("rounding", "Cash rounding"), ("refunds", "Refunds"))]
    rows += [("guests", "Checks", report["checks"], None),
             ("guests", f"Covers ({report['covers_basis']})", report["covers"], None),
             ("guests", "Average check", "", sales["average_check"])]
    rows += [("category", c["name"], c["qty"], c["amount"]) for c in report["sales_by_category"]]
    rows += [("dish", d["name"], d["qty"], d["amount"]) for d in report["sales_by_dish"]]
    for t in report["tenders"]:
        rows += [("tender", t["label"], t["count"], t["amount"]), ("tender_tips", t["label"], "", t["tips"]),
                 ("tender_refunds", t["label"], t["refund_count"], t["refunds"])]
    rows += [("tax", t["label"], "", t["amount"]) for t in report["taxes"]]
    rows += [("service", report["service"]["label"], "", report["service"]["amount"])]
    rows += [("adjustments", label, report[key]["count"], report[key]["amount"])
             for key, label in (("discounts", "Discounts"), ("comps", "Comps"), ("voids", "Voids"),
                                ("refunds", "Refunds"))]
    cash = report["cash"]
    rows += [("cash", label, "", cash[key]) for key, label in (
        ("float", "Opening float"), ("cash_sales", "Cash sales"), ("cash_tips", "Cash tips"),
        ("cash_refunds", "Cash refunds"), ("cash_in", "Paid in"), ("cash_out", "Paid out"),
        ("expected", "Expected in drawer"), ("counted", "Counted"), ("difference", "Difference"))
        if cash[key] is not None]
    rows += [("cash_movement", f"{m['time']} {m['label']}: {m['reason']}", "", m["amount"])
             for m in report["cash_movements"]]
    return rows


def csv_text(report: dict) -> str:
    """The report as CSV: a header row, then one row per figure (section, name, count,
    amount), amounts as plain decimal numbers of the currency."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("section", "name", "count", "amount"))
    unit = report["minor_unit"]
    for section, name, count, amount in csv_rows(report):
        writer.writerow((section, csv_safe(name), count, decimal_text(amount, unit) if amount is not None else ""))
    return out.getvalue()
