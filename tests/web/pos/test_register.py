"""The day at the till over HTTP: open the register with a float, cash in and out, close with
the counted cash (a manager approves), and the Z report as JSON, CSV and paper. Every
refusal is a 4xx with a code that writes nothing; racing openings make one register.

Demo prices: Kung Pao Chicken HK$88.00 (2 of them: HK$176.00), a milk tea (iced) HK$27.00;
service 10 %, prices include tax (0 %). The clock starts at 2026-11-27 12:00 in Hong Kong."""
import csv
import io

import pytest
from sqlalchemy import select

from core.api import api
from pos.checks.model import AuditEntry, RegisterSession
from pos.orders.model import Visit
from printers.layout import build
from printers.model import PrintJob
from tests.conftest import DEMO_PINS
from tests.helpers import KUNG_PAO, MILK_TEA, order, row_counts, token_of, visit_of

MANAGER = {"manager_id": DEMO_PINS["manager"][0], "pin": DEMO_PINS["manager"][1]}
CASHIER_AS_APPROVER = {"manager_id": DEMO_PINS["cashier"][0], "pin": DEMO_PINS["cashier"][1]}


@pytest.fixture(autouse=True)
def day_not_open(ctx):
    """The demo restaurant starts with its register open; these tests open their own day."""
    with ctx.db.write() as s:
        for r in s.scalars(select(RegisterSession)):
            s.delete(r)


def call(resp, path: str, method: str = "GET"):
    """The response's JSON, after checking it against the shape the route declares."""
    [route] = [r for r in api.routes if r.path == path and r.method == method]
    assert resp.status_code in route.ok, resp.get_json()
    route.response.model_validate(resp.get_json())
    return resp.get_json()


def refused(resp, status: int, code: str):
    assert (resp.status_code, (resp.get_json() or {}).get("error", {}).get("code")) == (status, code), \
        resp.get_json()


def without_pins(counts: dict) -> dict:
    return {k: v for k, v in counts.items() if k != "pin_failures"}


def seat(ctx, table: str, *lines) -> int:
    order(ctx, token_of(ctx, table), *(lines or (KUNG_PAO, MILK_TEA)))
    return visit_of(ctx, table)


def items_of(client, visit_id: int) -> dict[int, dict]:
    check = client.get(f"/api/pos/visits/{visit_id}").get_json()
    return {i["dish_id"]: i for o in check["orders"] for i in o["items"]}


def pay(client, visit_id: int, **body) -> dict:
    r = client.post(f"/api/pos/visits/{visit_id}/payments", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def close_table(client, visit_id: int) -> None:
    r = client.post(f"/api/pos/visits/{visit_id}/close")
    assert r.status_code == 200, r.get_json()


def open_day(client, float_amount: int = 50000) -> dict:
    return call(client.post("/api/pos/register/open", json={"float": float_amount}), "/api/pos/register/open",
                "POST")


def jobs(ctx, kind: str) -> list[PrintJob]:
    with ctx.db.read() as s:
        return s.scalars(select(PrintJob).where(PrintJob.kind == kind).order_by(PrintJob.id)).all()


def texts(doc) -> str:
    return "\n".join(b["text"] for b in doc if b["type"] == "text")


# -- a whole day ---------------------------------------------------------------------------------

def test_a_whole_day_from_float_to_z_report(client, sign_in, ctx, clock):
    sign_in(client, "cashier")
    assert call(client.get("/api/pos/register"), "/api/pos/register") is None
    opened = open_day(client, 50000)
    assert (opened["float"], opened["expected"], opened["business_day"], opened["opened_by"]) == (
        50000, 50000, "2026-11-27", "Ling 阿玲")
    unpaid = seat(ctx, "T6")  # a check still open and unpaid at closing is not counted
    visit_ids = trade_the_day(client, ctx, clock)
    check_the_x_report(client, opened)
    z = close_the_register(client, ctx, clock)
    check_the_z_report_figures(z, visit_ids, unpaid)
    check_the_stored_report(client, clock, opened, z)
    check_the_printed_report(ctx, opened)
    check_the_audit(ctx)
    check_the_csv(client, opened)
    check_the_reprint(client, ctx, opened)


def trade_the_day(client, ctx, clock) -> list[int]:
    """Three tables served and paid, then cash in and out of the drawer: the paid visits' ids."""
    visit_ids = [serve_t2(client, ctx, clock), serve_t3(client, ctx, clock), serve_t4(client, ctx, clock)]
    move_cash(client, clock)
    return visit_ids


def serve_t2(client, ctx, clock) -> int:
    """T2: 10 % off the check (no manager needed), paid by card with a tip; 2 guests recorded."""
    clock.advance(minutes=30)
    t2 = seat(ctx, "T2")
    with ctx.db.write() as s:
        s.get(Visit, t2).covers = 2
    r = client.post(f"/api/pos/visits/{t2}/adjustments", json={"kind": "discount", "percent": "10",
                                                                "reason": "regular guest"})
    assert r.status_code == 201 and r.get_json()["totals"]["total"] == 20097  # 20300 - 2030 + 1827
    card = pay(client, t2, tender="card", amount=20097, tip=1500, reference="AUTH 4242")
    assert card["check"]["totals"]["due"] == 0
    close_table(client, t2)
    return t2


def serve_t3(client, ctx, clock) -> int:
    """T3: the tea comped (manager), paid cash with a HK$5 tip: HK$200 handed over."""
    clock.advance(minutes=30)
    t3 = seat(ctx, "T3")
    tea = items_of(client, t3)[28]
    r = client.post(f"/api/pos/visits/{t3}/adjustments", json={"kind": "comp", "item_id": tea["id"],
                                                                "reason": "spilt", "approval": MANAGER})
    assert r.status_code == 201 and r.get_json()["totals"]["total"] == 19360  # 17600 + 1760
    cash3 = pay(client, t3, tender="cash", tendered=20000, tip=500)
    assert (cash3["amount"], cash3["tip"], cash3["change"]) == (19360, 500, 140)
    close_table(client, t3)
    return t3


def serve_t4(client, ctx, clock) -> int:
    """T4: the Kung Pao voided (manager), the tea paid cash, HK$10 of it refunded in cash."""
    clock.advance(minutes=30)
    t4 = seat(ctx, "T4")
    kp = items_of(client, t4)[11]
    r = client.post(f"/api/pos/items/{kp['id']}/void", json={"reason": "changed mind", "approval": MANAGER})
    assert r.status_code == 200 and r.get_json()["totals"]["total"] == 2970  # 2700 + 270
    cash4 = pay(client, t4, tender="cash", tendered=5000)
    assert (cash4["amount"], cash4["change"]) == (2970, 2030)
    r = client.post(f"/api/pos/payments/{cash4['payment_id']}/refund",
                    json={"amount": 1000, "reason": "cold tea", "approval": MANAGER})
    assert r.status_code == 201
    close_table(client, t4)
    return t4


def move_cash(client, clock) -> None:
    """Cash in and out, with reasons."""
    clock.advance(minutes=30)
    moved = call(client.post("/api/pos/register/cash", json={"kind": "in", "amount": 10000,
                                                            "reason": "coins from the bank"}),
                 "/api/pos/register/cash", "POST")
    assert (moved["movement"]["kind"], moved["movement"]["time"], moved["current"]["cash_in"]) == ("in", "14:00",
                                                                                                   10000)
    moved = call(client.post("/api/pos/register/cash", json={"kind": "out", "amount": 3000,
                                                            "reason": "fish market =receipt in drawer"}),
                 "/api/pos/register/cash", "POST")
    now = call(client.get("/api/pos/register"), "/api/pos/register")
    # 500.00 float + 223.30 cash sales + 5.00 cash tip - 10.00 refunded + 100.00 in - 30.00 out
    assert {k: now[k] for k in ("float", "cash_sales", "cash_tips", "cash_refunds", "cash_in", "cash_out",
                                "expected", "payments")} == {
        "float": 50000, "cash_sales": 19360 + 2970, "cash_tips": 500, "cash_refunds": 1000, "cash_in": 10000,
        "cash_out": 3000, "expected": 78830, "payments": 3}
    assert now["formatted"]["expected"] == "HK$788.30"
    assert [m["reason"] for m in now["movements"]] == ["coins from the bank", "fish market =receipt in drawer"]


def check_the_x_report(client, opened: dict) -> None:
    """While open, the report is an X report: no counted cash yet."""
    x = call(client.get(f"/api/pos/registers/{opened['id']}/report"), "/api/pos/registers/<id:register_id>/report")
    assert (x["status"], x["cash"]["expected"], x["cash"]["counted"], x["cash"]["difference"]) == (
        "open", 78830, None, None)


def close_the_register(client, ctx, clock) -> dict:
    """Closing: a manager approves; HK$785.00 counted, HK$3.30 short. The Z report it answers with."""
    clock.advance(hours=8)
    before = row_counts(ctx.db)
    refused(client.post("/api/pos/register/close", json={"counted": 78500}), 403, "approval_required")
    assert row_counts(ctx.db) == before
    closed = call(client.post("/api/pos/register/close", json={"counted": 78500, "approval": MANAGER}),
                  "/api/pos/register/close", "POST")
    assert closed["printer"] == "receipt"
    assert (closed["session"]["open"], closed["session"]["counted"], closed["session"]["expected"],
            closed["session"]["difference"]) == (False, 78500, 78830, -330)
    return closed["report"]


def check_the_z_report_figures(z: dict, visit_ids: list[int], unpaid: int) -> None:
    """The Z report: the paid checks (not the one still open), what they sold, how it was paid."""
    assert z["visit_ids"] == visit_ids and unpaid not in z["visit_ids"]
    assert (z["status"], z["business_day"], z["opened_by"], z["closed_by"], z["approved_by"]) == (
        "closed", "2026-11-27", "Ling 阿玲", "Ling 阿玲", "May 美姐")
    assert (z["opened_local"], z["closed_local"]) == ("2026-11-27 12:00", "2026-11-27 22:00")
    assert z["sales"] == {
        "gross": 20300 + 20300 + 2700,          # the voided Kung Pao is not a sale
        "discounts": 2030, "comps": 2700,
        "net": 18270 + 17600 + 2700,            # 38570
        "service_charge": 1827 + 1760 + 270,    # 3857
        "tax": 0,
        "total": 20097 + 19360 + 2970,          # 42427
        "tips": 1500 + 500,
        "payments": 20097 + 19360 + 2970,
        "rounding": 0,                          # cash paid exactly (200.97 typed), so not rounded
        "refunds": 1000,
        "average_check": 14142,                 # 42427 / 3 = 14142.33
    }
    assert z["formatted"]["total"] == "HK$424.27" and z["formatted"]["average_check"] == "HK$141.42"
    assert (z["checks"], z["covers"], z["covers_basis"]) == (3, 2 + 1 + 1, "mixed")
    # The 10 % check discount is spread over T2's lines: 1760 off the Kung Pao, 270 off the tea.
    assert [(c["name"], c["qty"], c["amount"]) for c in z["sales_by_category"]] == [
        ("小炒", 4, 15840 + 17600), ("飲品", 3, 2430 + 0 + 2700)]
    assert [(d["dish_id"], d["name"], d["category"], d["qty"], d["amount"]) for d in z["sales_by_dish"]] == [
        (11, "宮保雞丁", "小炒", 4, 33440), (28, "港式奶茶", "飲品", 3, 5130)]
    assert sum(d["amount"] for d in z["sales_by_dish"]) == z["sales"]["net"]
    assert [(t["tender"], t["count"], t["amount"], t["tips"], t["refund_count"], t["refunds"], t["net"])
            for t in z["tenders"]] == [("cash", 2, 22330, 500, 1, 1000, 21330), ("card", 1, 20097, 1500, 0, 0, 20097)]
    assert [(t["label"], t["amount"]) for t in z["taxes"]] == [("incl. Tax 0%", 0)]
    assert (z["service"]["label"], z["service"]["amount"]) == ("Service 10%", 3857)
    assert {k: (z[k]["count"], z[k]["amount"]) for k in ("discounts", "comps", "voids", "refunds")} == {
        "discounts": (1, 2030), "comps": (1, 2700), "voids": (1, 17600), "refunds": (1, 1000)}
    assert {k: v for k, v in z["cash"].items() if k != "formatted"} == {
        "float": 50000, "cash_sales": 22330, "cash_tips": 500, "cash_refunds": 1000, "cash_in": 10000,
        "cash_out": 3000, "expected": 78830, "counted": 78500, "difference": -330}
    assert z["cash"]["formatted"]["difference"] == "-HK$3.30"
    assert [(m["time"], m["kind"], m["amount"]) for m in z["cash_movements"]] == [("14:00", "in", 10000),
                                                                              ("14:00", "out", 3000)]


def check_the_stored_report(client, clock, opened: dict, z: dict) -> None:
    """The stored report is what the API serves from now on, even if the clock moves on."""
    clock.advance(days=1)
    again = call(client.get(f"/api/pos/registers/{opened['id']}/report"), "/api/pos/registers/<id:register_id>/report")
    assert again == z
    assert call(client.get("/api/pos/register"), "/api/pos/register") is None


def check_the_printed_report(ctx, opened: dict) -> None:
    """The Z report printed on the receipt printer, laid out for 80 and 58 mm."""
    [job] = jobs(ctx, "day_report")
    assert job.printer == "receipt" and not job.document.get("reprint")
    doc = job.document
    assert (doc["business_date"], doc["register"], doc["gross"], doc["net"], doc["service"], doc["tips"],
            doc["checks"], doc["covers"], doc["average_check"]) == (
        "2026-11-27", f"#{opened['id']}", "HK$433.00", "HK$385.70", "HK$38.57", "HK$20.00", 3, "4 (est.)",
        "HK$141.42")
    assert doc["cash"] == {"float": "HK$500.00", "cash_sales": "HK$223.30", "cash_tips": "HK$5.00",
                           "cash_in": "HK$100.00", "cash_out": "-HK$30.00", "refunds": "-HK$10.00",
                           "expected": "HK$788.30", "counted": "HK$785.00", "difference": "-HK$3.30"}
    assert doc["voids"] == {"count": 1, "amount": "HK$176.00"} and doc["comps"] == {"count": 1, "amount": "-HK$27.00"}
    assert doc["tenders"] == [{"label": "Cash 現金", "count": 2, "amount": "HK$223.30"},
                              {"label": "Card 信用卡", "count": 1, "amount": "HK$200.97"}]
    paper = texts(build("day_report", doc, 80))
    for needle in ("Z REPORT", "宮保雞丁", "Expected in drawer", "HK$788.30", "-HK$3.30", "fish market"):
        assert needle in paper, needle
    assert "宮保雞丁" in texts(build("day_report", doc, 58))


def check_the_audit(ctx) -> None:
    """Every drawer opening is audited: the opening, two cash payments, the cash refund, in, out."""
    with ctx.db.read() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        close_entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "register_close")).one()
    assert actions.count("drawer_open") == 6 == len(jobs(ctx, "drawer"))
    assert ["register_open", "cash_in", "cash_out", "register_close"] == [
        a for a in actions if a in ("register_open", "cash_in", "cash_out", "register_close")]
    assert (close_entry.amount, close_entry.approved_by, close_entry.details["difference"]) == (
        78500, DEMO_PINS["manager"][0], -330)


def check_the_csv(client, opened: dict) -> None:
    """The CSV: one flat table whose parts add up to the report's totals."""
    r = client.get(f"/api/pos/registers/{opened['id']}/report.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == f'attachment; filename="z-report-2026-11-27-{opened["id"]}.csv"'
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert list(rows[0]) == ["section", "name", "count", "amount"]

    def amounts(section):
        return {row["name"]: row["amount"] for row in rows if row["section"] == section}

    def cents(text):
        return round(float(text) * 100)

    assert sum(cents(a) for a in amounts("dish").values()) == 38570 == cents(amounts("sales")["Net sales"])
    assert sum(cents(a) for a in amounts("category").values()) == 38570
    assert sum(cents(a) for a in amounts("tender").values()) == 42427 == cents(amounts("sales")["Total"])
    cash = {k: cents(v) for k, v in amounts("cash").items()}
    assert cash["Opening float"] + cash["Cash sales"] + cash["Cash tips"] - cash["Cash refunds"] + \
        cash["Paid in"] - cash["Paid out"] == cash["Expected in drawer"] == 78830
    assert cash["Counted"] - cash["Expected in drawer"] == cash["Difference"] == -330
    assert amounts("dish") == {"宮保雞丁": "334.40", "港式奶茶": "51.30"}
    assert [(row["name"], row["count"]) for row in rows if row["section"] == "adjustments"] == [
        ("Discounts", "1"), ("Comps", "1"), ("Voids", "1"), ("Refunds", "1")]
    assert any(row["section"] == "cash_movement" and row["name"] == "14:00 Paid out: fish market =receipt in drawer"
               for row in rows)


def check_the_reprint(client, ctx, opened: dict) -> None:
    """Printed again on request, marked REPRINT."""
    r = call(client.post(f"/api/pos/registers/{opened['id']}/print"), "/api/pos/registers/<id:register_id>/print",
             "POST")
    assert r == {"queued": True, "printer": "receipt"}
    assert jobs(ctx, "day_report")[-1].document["reprint"] is True

    history = call(client.get("/api/pos/registers"), "/api/pos/registers")
    assert [(h["id"], h["open"], h["difference"]) for h in history] == [(opened["id"], False, -330)]


def test_a_check_paid_across_a_close_counts_once_in_the_session_that_closes_it(client, sign_in, ctx, clock):
    sign_in(client, "manager")
    first = open_day(client, 10000)
    t2 = seat(ctx, "T2")
    pay(client, t2, tender="card", amount=10000, reference="A1")  # part of HK$223.30
    call(client.post("/api/pos/register/close", json={"counted": 10000}), "/api/pos/register/close", "POST")
    clock.advance(hours=20)
    second = open_day(client, 10000)
    assert second["business_day"] == "2026-11-28"
    order(ctx, token_of(ctx, "T2"), MILK_TEA)  # a round after the first close: HK$29.70 more
    pay(client, t2, tender="cash", tendered=15300)
    close_table(client, t2)
    z1 = client.get(f"/api/pos/registers/{first['id']}/report").get_json()
    z2 = client.get(f"/api/pos/registers/{second['id']}/report").get_json()
    assert (z1["checks"], z1["sales"]["total"], z1["sales"]["payments"], z1["open_checks"]) == (0, 0, 10000, 1)
    [still_open] = z1["open_check_list"]  # listed at the close with what was paid and what was not
    assert (still_open["visit_id"], still_open["label"], still_open["paid"], still_open["due"]) == (t2, "T2", 10000, 12330)
    assert still_open["formatted"] == {"total": "HK$223.30", "paid": "HK$100.00", "due": "HK$123.30"}
    assert (z2["checks"], z2["sales"]["total"], z2["sales"]["payments"], z2["open_checks"]) == (1, 25300, 15300, 0)
    assert z1["sales"]["payments"] + z2["sales"]["payments"] == z2["sales"]["total"]  # every cent in one report
    assert (z2["cash"]["cash_sales"], z2["cash"]["expected"]) == (15300, 25300)


def test_a_fully_comped_check_closed_in_the_session_is_counted(client, sign_in, ctx):
    sign_in(client, "manager")
    opened = open_day(client, 0)
    t2 = seat(ctx, "T2", MILK_TEA)
    tea = items_of(client, t2)[28]
    client.post(f"/api/pos/visits/{t2}/adjustments", json={"kind": "comp", "item_id": tea["id"], "reason": "vip"})
    close_table(client, t2)
    z = client.get(f"/api/pos/registers/{opened['id']}/report").get_json()
    assert (z["visit_ids"], z["checks"], z["comps"]["amount"], z["sales"]["total"]) == ([t2], 1, 2700, 0)
    assert z["sales_by_dish"][0]["qty"] == 1 and z["sales_by_dish"][0]["amount"] == 0


# -- refusals -----------------------------------------------------------------------------------------


# -- races ----------------------------------------------------------------------------------------


# -- the page -----------------------------------------------------------------------------------------

