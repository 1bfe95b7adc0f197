"""The Z report as a pure function (pos.register.report.z_report) and its paper and CSV
shapes (pos.register.export): rows built by hand, no database.

The checks' figures come from pos.checks.billing.bill, the way pos.checks.summary.visit_bill
makes them (voided items are not on the bill), so the report adds up real bills."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from pos.checks import billing
from pos.register.export import csv_rows, csv_text, print_layout
from pos.register.report import (
    CheckRow,
    ItemRow,
    MovementRow,
    PaymentRow,
    ReportSettings,
    SessionRow,
    drawer,
    tender_rows,
    z_report,
)

HK = timezone(timedelta(hours=8))
OPENED = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # 11:00 in Hong Kong
NOW = datetime(2026, 11, 27, 14, 30, tzinfo=timezone.utc)  # 22:30
SETTINGS = ReportSettings(currency="HKD", minor_unit=2, tz=HK, tax_rate=Decimal("5"), prices_include_tax=False,
                          service_charge=Decimal("10"), tenders=(("card", "Card 信用卡"), ("octopus", "Octopus 八達通")))
SESSION = SessionRow(id=7, business_day=date(2026, 11, 27), opened_at=OPENED, float_amount=50000, opened_by="May 美姐")

MAINS, DRINKS = (10, "Mains 主菜", 2), (20, "Drinks 飲品", 1)
KUNG_PAO, MILK_TEA, SOUP = (1, "宮保雞丁", 8800, MAINS), (2, "奶茶", 2700, DRINKS), (3, "例湯", 4500, MAINS)


def check(visit_id: int, covers: int | None, items: list[tuple], adjustments: tuple = (),
          settings: ReportSettings = SETTINGS) -> CheckRow:
    """A check row: items are (key, dish, quantity, voided); adjustments billing.Adjustments."""
    lines = [billing.Line(key, dish[2] * qty) for key, dish, qty, voided in items if not voided]
    b = billing.bill(lines, adjustments, service_pct=settings.service_charge, tax_pct=settings.tax_rate,
                     prices_include_tax=settings.prices_include_tax)
    net = {ln.key: ln.net for ln in b.lines}
    rows = tuple(ItemRow(dish_id=dish[0], name=dish[1], quantity=qty, unit_price=dish[2], net=net.get(key, 0),
                         voided=voided, category_id=dish[3][0], category=dish[3][1], category_sort=dish[3][2])
                 for key, dish, qty, voided in items)
    return CheckRow(visit_id=visit_id, covers=covers, gross=b.subtotal, discounts=b.discounts, comps=b.comps,
                    net=b.net, service_charge=b.service_charge, tax=b.tax, total=b.total,
                    discount_count=sum(1 for a in adjustments if a.kind == "discount"),
                    comp_count=sum(1 for a in adjustments if a.kind == "comp"), items=rows)


def day() -> tuple[list[CheckRow], list[PaymentRow], list[MovementRow]]:
    """Two checks (a 10 % discount, a comp, a voided soup), paid by card with a tip (part of
    it refunded) and in cash with a tip; HK$100 put in, HK$30 taken out."""
    first = check(11, 2, [(1, KUNG_PAO, 2, False), (2, MILK_TEA, 1, False), (3, SOUP, 1, True)],
                  (billing.Adjustment("discount", 1, percent=Decimal("10"), reason="regular"),))
    second = check(12, None, [(4, MILK_TEA, 2, False), (5, KUNG_PAO, 1, False)],
                   (billing.Adjustment("comp", 4, reason="birthday"),))
    payments = [PaymentRow("payment", "card", 21414, 2000), PaymentRow("payment", "cash", 10164, 500),
                PaymentRow("refund", "card", 1000)]
    movements = [MovementRow(1, OPENED + timedelta(hours=1), "in", 10000, "change", "May 美姐"),
                 MovementRow(2, OPENED + timedelta(hours=5), "out", 3000, "ice", None)]
    return [first, second], payments, movements


def test_the_bills_add_up_to_the_sales():
    checks, payments, movements = day()
    # First: 176.00 + 27.00 (+ the voided 45.00 soup), 10 % off the chicken (17.60): net 185.40,
    # service 18.54, tax 5 % of 203.94 = 10.197 -> 10.20, total 214.14.
    # Second: 54.00 of milk tea comped + 88.00: net 88.00, service 8.80, tax 4.84, total 101.64.
    assert [(c.gross, c.net, c.service_charge, c.tax, c.total) for c in checks] == [
        (20300, 18540, 1854, 1020, 21414), (14200, 8800, 880, 484, 10164)]
    r = z_report(SESSION, checks, payments, movements, SETTINGS, now=NOW, open_checks=[{"visit_id": 20 + n} for n in range(3)])
    assert r["sales"] == {"gross": 34500, "discounts": 1760, "comps": 5400, "net": 27340, "service_charge": 2734,
                          "tax": 1504, "total": 31578, "tips": 2500, "payments": 31578, "rounding": 0, "refunds": 1000,
                          "average_check": 15789}
    assert r["sales"]["gross"] - r["sales"]["discounts"] - r["sales"]["comps"] == r["sales"]["net"]
    assert r["sales"]["net"] + r["sales"]["service_charge"] + r["sales"]["tax"] == r["sales"]["total"]
    assert r["formatted"]["total"] == "HK$315.78" and r["formatted"]["average_check"] == "HK$157.89"
    assert (r["checks"], r["open_checks"], r["visit_ids"]) == (2, 3, [11, 12])
    assert (r["covers"], r["covers_basis"]) == (3, "mixed")  # the second check counts as one guest
    assert r["discounts"] == {"count": 1, "amount": 1760, "amount_formatted": "HK$17.60"}
    assert r["comps"] == {"count": 1, "amount": 5400, "amount_formatted": "HK$54.00"}
    assert r["taxes"] == [{"label": "Tax 5%", "rate": "5", "included": False, "amount": 1504,
                           "amount_formatted": "HK$15.04"}]
    assert r["service"] == {"label": "Service 10%", "rate": "10", "amount": 2734, "amount_formatted": "HK$27.34"}


def test_sales_by_dish_and_category_add_up_to_the_net_and_leave_voids_out():
    checks, payments, movements = day()
    r = z_report(SESSION, checks, payments, movements, SETTINGS, now=NOW)
    assert [(d["name"], d["category"], d["qty"], d["amount"]) for d in r["sales_by_dish"]] == [
        ("宮保雞丁", "Mains 主菜", 3, 15840 + 8800), ("奶茶", "Drinks 飲品", 3, 2700)]  # the comped teas count, at 0
    assert [(c["name"], c["qty"], c["amount"]) for c in r["sales_by_category"]] == [
        ("Drinks 飲品", 3, 2700), ("Mains 主菜", 3, 24640)]  # in the menu's order
    assert sum(c["amount"] for c in r["sales_by_category"]) == r["sales"]["net"]
    assert sum(d["amount"] for d in r["sales_by_dish"]) == r["sales"]["net"]
    assert r["voids"] == {"count": 1, "amount": 4500, "amount_formatted": "HK$45.00"}
    assert r["sales_by_dish"][1]["amount_formatted"] == "HK$27.00"


def test_tenders_tips_and_a_card_refund():
    checks, payments, movements = day()
    r = z_report(SESSION, checks, payments, movements, SETTINGS, now=NOW)
    cash, card = r["tenders"]
    assert {k: cash[k] for k in ("tender", "label", "count", "amount", "tips", "refund_count", "refunds", "net")} == \
        {"tender": "cash", "label": "Cash 現金", "count": 1, "amount": 10164, "tips": 500, "refund_count": 0,
         "refunds": 0, "net": 10164}
    assert {k: card[k] for k in ("tender", "label", "count", "amount", "tips", "refund_count", "refunds", "net")} == \
        {"tender": "card", "label": "Card 信用卡", "count": 1, "amount": 21414, "tips": 2000, "refund_count": 1,
         "refunds": 1000, "net": 20414}
    assert card["formatted"] == {"amount": "HK$214.14", "tips": "HK$20.00", "refunds": "HK$10.00", "net": "HK$204.14"}
    assert r["refunds"] == {"count": 1, "amount": 1000, "amount_formatted": "HK$10.00"}
    assert sum(t["amount"] for t in r["tenders"]) == r["sales"]["payments"]
    assert sum(t["tips"] for t in r["tenders"]) == r["sales"]["tips"]
    # The card refund went back to the card: the drawer does not pay it.
    assert r["cash"]["cash_refunds"] == 0


def test_the_drawer_and_the_count_at_closing():
    checks, payments, movements = day()
    r = z_report(SESSION, checks, payments, movements, SETTINGS, now=NOW, counted=67000, closed_by="Ann",
                 approved_by="May 美姐")
    # 500.00 float + 101.64 cash sales + 5.00 cash tip + 100.00 in - 30.00 out
    assert {k: v for k, v in r["cash"].items() if k != "formatted"} == {
        "float": 50000, "cash_sales": 10164, "cash_tips": 500, "cash_refunds": 0, "cash_in": 10000, "cash_out": 3000,
        "expected": 67664, "counted": 67000, "difference": -664}
    assert r["cash"]["formatted"]["difference"] == "-HK$6.64"
    assert (r["status"], r["closed_at"], r["closed_local"]) == ("closed", NOW.isoformat(), "2026-11-27 22:30")
    assert (r["opened_by"], r["closed_by"], r["approved_by"]) == ("May 美姐", "Ann", "May 美姐")
    assert r["opened_local"] == "2026-11-27 11:00" and r["generated_at"] == NOW.isoformat()
    assert [(m["time"], m["label"], m["amount_formatted"], m["staff"]) for m in r["cash_movements"]] == [
        ("12:00", "Paid in", "HK$100.00", "May 美姐"), ("16:00", "Paid out", "HK$30.00", None)]


def test_a_cash_refund_comes_out_of_the_drawer():
    payments = [PaymentRow("payment", "cash", 10000, 300), PaymentRow("refund", "cash", 2500)]
    r = z_report(SESSION, [], payments, [], SETTINGS, now=NOW)
    assert (r["cash"]["cash_sales"], r["cash"]["cash_tips"], r["cash"]["cash_refunds"]) == (10000, 300, 2500)
    assert r["cash"]["expected"] == 50000 + 10000 + 300 - 2500
    assert r["sales"]["refunds"] == 2500 and r["tenders"][0]["net"] == 7500


def test_an_empty_session():
    r = z_report(SESSION, [], [], [], SETTINGS, now=NOW)
    assert r["status"] == "open" and r["closed_at"] is None and r["closed_local"] is None
    assert r["sales"] == dict.fromkeys(("gross", "discounts", "comps", "net", "service_charge", "tax", "total", "tips",
                                        "payments", "rounding", "refunds", "average_check"), 0)
    assert (r["checks"], r["covers"], r["covers_basis"], r["visit_ids"]) == (0, 0, "recorded", [])
    assert r["sales_by_dish"] == r["sales_by_category"] == r["cash_movements"] == []
    assert [(t["tender"], t["count"], t["amount"]) for t in r["tenders"]] == [("cash", 0, 0)]  # cash always shows
    assert r["cash"]["expected"] == 50000 and r["cash"]["counted"] is None and r["cash"]["difference"] is None
    assert r["cash"]["formatted"]["counted"] is None and r["cash"]["formatted"]["float"] == "HK$500.00"
    assert r["voids"]["count"] == r["refunds"]["count"] == 0


def test_a_check_voided_entirely_is_counted_with_nothing_sold():
    voided = check(21, 4, [(1, SOUP, 2, True), (2, MILK_TEA, 1, True)])
    r = z_report(SESSION, [voided], [], [], SETTINGS, now=NOW)
    assert (r["checks"], r["covers"], r["sales"]["total"], r["sales"]["average_check"]) == (1, 4, 0, 0)
    assert r["voids"] == {"count": 2, "amount": 9000 + 2700, "amount_formatted": "HK$117.00"}
    assert r["sales_by_dish"] == []


def test_tenders_list_cash_then_the_configured_ones_then_others_by_name():
    payments = [PaymentRow("payment", t, 100) for t in ("zzz", "octopus", "card", "aaa")]
    rows = tender_rows(payments, SETTINGS)
    assert [(t["tender"], t["label"]) for t in rows] == [
        ("cash", "Cash 現金"), ("card", "Card 信用卡"), ("octopus", "Octopus 八達通"), ("aaa", "aaa"), ("zzz", "zzz")]


def test_the_drawer_is_the_same_from_rows_or_from_their_sums():
    rows = [PaymentRow("payment", "cash", 1000, 100), PaymentRow("payment", "cash", 2000, 0),
            PaymentRow("refund", "cash", 500), PaymentRow("payment", "card", 9999, 999)]
    summed = [PaymentRow("payment", "cash", 3000, 100), PaymentRow("refund", "cash", 500),
              PaymentRow("payment", "card", 9999, 999)]
    assert drawer(100, rows, cash_in=50, cash_out=20) == drawer(100, summed, cash_in=50, cash_out=20) == {
        "float": 100, "cash_sales": 3000, "cash_tips": 100, "cash_refunds": 500, "cash_in": 50, "cash_out": 20,
        "expected": 100 + 3000 + 100 - 500 + 50 - 20}


@pytest.mark.parametrize("minor_unit, currency, text", [(2, "HKD", "HK$315.78"), (0, "JPY", "¥31,578")])
def test_money_is_formatted_in_the_settings_currency(minor_unit, currency, text):
    checks, payments, movements = day()
    settings = ReportSettings(currency=currency, minor_unit=minor_unit, tz=HK, tax_rate=Decimal("5"),
                              prices_include_tax=False, service_charge=Decimal("10"))
    r = z_report(SESSION, checks, payments, movements, settings, now=NOW)
    assert r["formatted"]["total"] == text and (r["currency"], r["minor_unit"]) == (currency, minor_unit)
    assert [t["label"] for t in r["tenders"]] == ["Cash 現金", "card"]  # not configured here: its name


def test_paper_shows_what_comes_off_negative():
    checks, payments, movements = day()
    r = z_report(SESSION, checks, payments, movements, SETTINGS, now=NOW, counted=67000)
    p = print_layout(r, restaurant="Golden Dragon", printed_at="2026-11-27 22:31", currency="HKD", minor_unit=2)
    assert (p["restaurant"], p["register"], p["printed_at"], p["covers"]) == \
        ("Golden Dragon", "#7", "2026-11-27 22:31", "3 (est.)")
    assert p["discounts"] == {"count": 1, "amount": "-HK$17.60"} and p["refunds"] == {"count": 1, "amount": "-HK$10.00"}
    assert p["voids"] == {"count": 1, "amount": "HK$45.00"}
    assert p["cash"]["cash_out"] == "-HK$30.00" and p["cash"]["difference"] == "-HK$6.64"
    assert [m["amount"] for m in p["cash_movements"]] == ["HK$100.00", "-HK$30.00"]


def test_the_csv_has_every_figure_once():
    checks, payments, movements = day()
    r = z_report(SESSION, checks, payments, movements, SETTINGS, now=NOW)
    rows = csv_rows(r)
    assert ("sales", "Total", "", 31578) in rows and ("guests", "Covers (mixed)", 3, None) in rows
    assert ("register", "Still open", "", None) in rows
    assert not [row for row in rows if row[0] == "cash" and row[1] in ("Counted", "Difference")]
    text = csv_text(r)
    assert text.startswith("section,name,count,amount\r\n") and "sales,Total,,315.78\r\n" in text
