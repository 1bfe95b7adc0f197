"""The cashier's operations over HTTP: discounts and comps with their approval threshold,
voids (the kitchen hears and prints them), payments by any tender with tips, refunds,
splits and the audit log; every refusal is a clear 4xx that writes nothing.

Demo prices: 2 x Kung Pao Chicken = HK$176.00, a milk tea (iced) HK$27.00; service 10 %,
prices include tax (0 %)."""
import threading

import pytest
from core.context import NOBODY
from sqlalchemy import select

from app.factory import socketio_of
from pos.checks import payments
from pos.checks import audit
from printers.model import PrintJob
from tests.conftest import DEMO_PINS
from tests.helpers import KUNG_PAO, MILK_TEA, order, row_counts, token_of, visit_of

MANAGER = {"manager_id": DEMO_PINS["manager"][0], "pin": DEMO_PINS["manager"][1]}


@pytest.fixture
def table(ctx):
    """T2 with 2 Kung Pao Chicken and a milk tea: HK$203.00 + 10 % = HK$223.30."""
    token = token_of(ctx, "T2")
    order(ctx, token, KUNG_PAO, MILK_TEA)
    return visit_of(ctx, "T2")


def items_of(check):
    return {i["dish_id"]: i for o in check["orders"] for i in o["items"]}


def test_a_small_discount_needs_no_manager_and_is_audited(client, sign_in, ctx, table):
    sign_in(client, "cashier")
    r = client.post(f"/api/pos/visits/{table}/adjustments", json={"kind": "discount", "percent": "10",
                                                                   "reason": "regular guest"})
    assert r.status_code == 201, r.get_json()
    t = r.get_json()["totals"]
    assert (t["subtotal"], t["discounts"], t["service_charge"], t["total"]) == (20300, 2030, 1827, 20097)
    [entry] = audit.audit_log(ctx)
    assert (entry["action"], entry["staff"], entry["approver"], entry["reason"]) == (
        "discount", "Ling 阿玲", None, "regular guest")
    assert entry["amount"] == 22330 - 20097


def test_a_big_discount_needs_a_managers_pin_and_a_refusal_writes_nothing(client, sign_in, ctx, table):
    sign_in(client, "cashier")
    body = {"kind": "discount", "amount": 10000, "reason": "birthday"}  # 49 % of the check: above 20 %
    before = row_counts(ctx.db)
    r = client.post(f"/api/pos/visits/{table}/adjustments", json=body)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "approval_required"
    r = client.post(f"/api/pos/visits/{table}/adjustments",
                    json={**body, "approval": {**MANAGER, "pin": "0000"}})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "wrong_pin"
    r = client.post(f"/api/pos/visits/{table}/adjustments",
                    json={**body, "approval": {"manager_id": DEMO_PINS["cashier"][0], "pin": "2222"}})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "not_a_manager"
    after = row_counts(ctx.db)
    assert {k: v for k, v in after.items() if k != "pin_failures"} == \
        {k: v for k, v in before.items() if k != "pin_failures"}  # only the wrong PIN was counted
    r = client.post(f"/api/pos/visits/{table}/adjustments", json={**body, "approval": MANAGER})
    assert r.status_code == 201 and r.get_json()["totals"]["discounts"] == 10000
    [entry] = audit.audit_log(ctx, action="discount")
    assert entry["approver"] == "May 美姐"


def test_bad_adjustments_are_refused_with_their_reason(client, sign_in, ctx, table):
    sign_in(client, "cashier")
    before = row_counts(ctx.db)
    url = f"/api/pos/visits/{table}/adjustments"
    for body, status, code in [
        ({"kind": "discount", "percent": "10", "amount": 100, "reason": "x"}, 422, "validation_error"),
        ({"kind": "discount", "percent": "120", "reason": "x"}, 422, "validation_error"),
        ({"kind": "discount", "percent": "10"}, 422, "validation_error"),  # no reason
        ({"kind": "comp", "reason": "x", "approval": MANAGER}, 422, "validation_error"),  # a comp names an item
        ({"kind": "discount", "item_id": 999, "amount": 100, "reason": "x"}, 404, "unknown_item"),
    ]:
        r = client.post(url, json=body)
        assert (r.status_code, r.get_json()["error"]["code"]) == (status, code), body
    assert row_counts(ctx.db) == before


def test_a_comp_is_approved_reported_and_can_be_taken_off(client, sign_in, ctx, table):
    sign_in(client, "manager")  # a manager signed in approves by themselves
    tea = items_of(client.get(f"/api/pos/visits/{table}").get_json())[28]
    r = client.post(f"/api/pos/visits/{table}/adjustments", json={"kind": "comp", "item_id": tea["id"],
                                                                   "reason": "spilt"})
    assert r.status_code == 201 and r.get_json()["totals"]["comps"] == 2700
    assert r.get_json()["totals"]["total"] == 19360
    [entry] = audit.audit_log(ctx, action="comp")
    adj = entry["details"]["adjustment_id"]
    r = client.delete(f"/api/pos/visits/{table}/adjustments/{adj}")
    assert r.status_code == 200 and r.get_json()["totals"]["total"] == 22330
    assert [e["action"] for e in audit.audit_log(ctx)] == ["comp_removed", "comp"]


def test_a_void_needs_a_manager_reaches_the_kitchen_and_prints_a_void_ticket(app, client, sign_in, ctx, table):
    sign_in(client, "cashier")
    wok = socketio_of(app).test_client(app, flask_test_client=client)
    wok.emit("join", {"rooms": ["station:wok"], "after": 0, "token": None}, callback=True)
    wok.get_received()  # the order's ticket, replayed
    kp = items_of(client.get(f"/api/pos/visits/{table}").get_json())[11]
    before = row_counts(ctx.db)
    r = client.post(f"/api/pos/items/{kp['id']}/void", json={"reason": "guest changed mind"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "approval_required"
    assert row_counts(ctx.db) == before
    r = client.post(f"/api/pos/items/{kp['id']}/void", json={"reason": "guest changed mind", "approval": MANAGER})
    assert r.status_code == 200
    check = r.get_json()
    assert items_of(check)[11]["status"] == "voided" and check["totals"]["total"] == 2970  # the tea + 10 %
    tickets = [e["args"][0]["data"] for e in wok.get_received() if e["name"] == "update"
               and e["args"][0]["kind"] == "ticket"]
    assert tickets and tickets[-1]["status"] == "done" and tickets[-1]["items"][0]["status"] == "voided"
    with ctx.db.read() as s:
        void = s.scalars(select(PrintJob).where(PrintJob.kind == "kitchen_ticket").order_by(PrintJob.id)).all()[-1]
    assert void.document["void"] is True and void.document["reason"] == "guest changed mind"
    assert [i["name"] for i in void.document["items"]] == ["宮保雞丁"]
    r = client.post(f"/api/pos/items/{kp['id']}/void", json={"reason": "again", "approval": MANAGER})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "already_voided"
    [entry] = audit.audit_log(ctx, action="void")
    assert (entry["amount"], entry["approver"]) == (17600, "May 美姐")


def test_several_tenders_with_a_tip_settle_a_check(client, sign_in, ctx, table):
    sign_in(client, "cashier")
    url = f"/api/pos/visits/{table}/payments"
    before = row_counts(ctx.db)
    for body, status, code in [
        ({"tender": "card", "amount": 10000}, 422, "reference_required"),
        ({"tender": "bitcoin", "amount": 100}, 422, "unknown_tender"),
        ({"tender": "card", "amount": 30000, "reference": "A1"}, 409, "overpay"),
        ({"tender": "card", "amount": 0, "reference": "A1"}, 422, "validation_error"),
    ]:
        r = client.post(url, json=body)
        assert (r.status_code, r.get_json()["error"]["code"]) == (status, code), body
    assert row_counts(ctx.db) == before
    r = client.post(url, json={"tender": "card", "amount": 12330, "tip": 1500, "reference": "AUTH 4242"})
    assert r.status_code == 201
    card = r.get_json()
    assert (card["amount"], card["tip"], card["tendered"], card["change"]) == (12330, 1500, 13830, 0)
    assert card["check"]["totals"]["due"] == 10000
    r = client.post(url, json={"tender": "cash", "tendered": 50000})
    assert r.status_code == 201
    cash = r.get_json()
    assert (cash["amount"], cash["change"], cash["check"]["totals"]["due"]) == (10000, 40000, 0)
    assert cash["check"]["totals"]["tips"] == 1500
    r = client.post(url, json={"tender": "cash", "tendered": 100})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "nothing_due"
    with ctx.db.read() as s:
        kinds = [j.kind for j in s.scalars(select(PrintJob).where(PrintJob.printer == "receipt"))]
    assert kinds == ["drawer", "receipt"]  # cash opens the drawer; paid in full: the receipt
    assert [e["action"] for e in audit.audit_log(ctx)] == ["drawer_open"]


def test_a_refund_needs_a_manager_and_never_exceeds_the_payment(client, sign_in, ctx, table):
    sign_in(client, "cashier")
    paid = client.post(f"/api/pos/visits/{table}/payments", json={"tender": "cash", "tendered": 30000}).get_json()
    url = f"/api/pos/payments/{paid['payment_id']}/refund"
    before = row_counts(ctx.db)
    r = client.post(url, json={"amount": 2700, "reason": "cold tea"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "approval_required"
    r = client.post(url, json={"amount": 30000, "reason": "x", "approval": MANAGER})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "over_refund"
    assert r.get_json()["error"]["details"]["refundable"] == 22330
    assert {k: v for k, v in row_counts(ctx.db).items() if k != "pin_failures"} == \
        {k: v for k, v in before.items() if k != "pin_failures"}
    r = client.post(url, json={"amount": 2700, "reason": "cold tea", "approval": MANAGER})
    assert r.status_code == 201 and r.get_json()["refundable"] == 22330 - 2700
    assert [e["action"] for e in audit.audit_log(ctx)][:2] == ["drawer_open", "refund"]
    check = client.get(f"/api/pos/visits/{table}").get_json()
    assert [(p["kind"], p["amount"]) for p in check["payments"]] == [("payment", 22330), ("refund", 2700)]


def test_splits_always_add_up(client, sign_in, ctx, table):
    sign_in(client, "cashier")
    r = client.get(f"/api/pos/visits/{table}/split?by=equal&n=3")
    assert r.status_code == 200
    assert [p["amount"] for p in r.get_json()["parts"]] == [7444, 7443, 7443]
    ids = [i["id"] for i in items_of(client.get(f"/api/pos/visits/{table}").get_json()).values()]
    r = client.post(f"/api/pos/visits/{table}/split", json={"groups": [[ids[0]], [ids[1]]]})
    assert [p["amount"] for p in r.get_json()["parts"]] == [19360, 2970]
    r = client.post(f"/api/pos/visits/{table}/split", json={"groups": [[ids[0]]]})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "bad_split"  # the tea is in no group
    assert client.get(f"/api/pos/visits/{table}/split?by=equal&n=0").status_code == 422


def test_a_closed_check_cannot_change(client, sign_in, ctx, table):
    sign_in(client, "manager")
    client.post(f"/api/pos/visits/{table}/payments", json={"tender": "cash", "tendered": 30000})
    assert client.post(f"/api/pos/visits/{table}/close").status_code == 200
    before = row_counts(ctx.db)
    r = client.post(f"/api/pos/visits/{table}/adjustments", json={"kind": "discount", "amount": 100, "reason": "x"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "check_closed"
    kp = items_of(client.get(f"/api/pos/visits/{table}").get_json())[11]
    r = client.post(f"/api/pos/items/{kp['id']}/void", json={"reason": "x"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "check_closed"
    assert row_counts(ctx.db) == before


def test_the_audit_log_is_for_managers_and_filters(client, sign_in, ctx, table):
    sign_in(client, "cashier")
    client.post(f"/api/pos/visits/{table}/adjustments", json={"kind": "discount", "amount": 100, "reason": "x"})
    client.post(f"/api/pos/visits/{table}/payments", json={"tender": "cash", "tendered": 30000})
    r = client.get("/api/pos/audit")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "insufficient_role"
    sign_in(client, "manager")
    assert [e["action"] for e in client.get("/api/pos/audit").get_json()] == ["drawer_open", "discount"]
    assert [e["action"] for e in client.get("/api/pos/audit?action=discount").get_json()] == ["discount"]
    assert client.get(f"/api/pos/audit?staff_id={DEMO_PINS['manager'][0]}").get_json() == []
    assert client.get("/api/pos/audit?since=yesterday").status_code == 422


def test_racing_card_payments_never_overpay(ctx, table):
    due = 22330
    outcomes, barrier = [], threading.Barrier(6)

    def pay(i):
        barrier.wait()
        try:
            payments.pay(ctx, table, tender="card", amount=due, reference=f"R{i}", actor=NOBODY)
            outcomes.append("ok")
        except Exception as e:  # noqa: BLE001 - the refusal's code is what is checked
            outcomes.append(getattr(e, "code", repr(e)))

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["nothing_due"] * 5 + ["ok"]
    with ctx.db.read() as s:
        from pos.checks.model import Payment
        assert [p.amount for p in s.scalars(select(Payment))] == [due]


@pytest.mark.parametrize("method,url,body", [
    ("GET", "/api/pos/audit", None),
    ("PUT", "/api/pos/floor", {"tables": [{"table_id": 1, "x": 0, "y": 0}]}),
])
def test_manager_only_operations_refuse_cashiers(client, sign_in, ctx, method, url, body):
    sign_in(client, "cashier")
    before = row_counts(ctx.db)
    r = client.open(url, method=method, json=body)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "insufficient_role"
    assert row_counts(ctx.db) == before


def test_small_discounts_stacked_up_need_the_manager_like_one_big_one(client, sign_in, ctx, table):
    sign_in(client, "cashier")
    url = f"/api/pos/visits/{table}/adjustments"
    assert client.post(url, json={"kind": "discount", "percent": "15", "reason": "a"}).status_code == 201
    r = client.post(url, json={"kind": "discount", "percent": "15", "reason": "b"})  # 27.75 % in all
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "approval_required"
    kp = items_of(client.get(f"/api/pos/visits/{table}").get_json())[11]
    r = client.post(url, json={"kind": "discount", "item_id": kp["id"], "amount": 5000, "reason": "c"})
    assert r.status_code == 403  # 28 % of that dish


def test_an_empty_check_cannot_carry_a_discount_to_what_is_ordered_or_merged_later(client, sign_in, ctx, table):
    sign_in(client, "manager")
    empty = visit_of(ctx, "T3")
    before = row_counts(ctx.db)
    r = client.post(f"/api/pos/visits/{empty}/adjustments", json={"kind": "discount", "percent": "100", "reason": "x"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "nothing_to_discount"
    assert row_counts(ctx.db) == before
    order(ctx, token_of(ctx, "T3"), MILK_TEA)
    assert client.post(f"/api/pos/visits/{empty}/adjustments",
                       json={"kind": "discount", "percent": "50", "reason": "friend"}).status_code == 201
    r = client.post(f"/api/pos/visits/{empty}/merge", json={"into_visit_id": table})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "check_discounts"


def test_a_paid_check_cannot_shrink_below_what_was_paid(client, sign_in, ctx, table):
    sign_in(client, "manager")
    client.post(f"/api/pos/visits/{table}/payments", json={"tender": "card", "reference": "R1"})  # all of it
    kp = items_of(client.get(f"/api/pos/visits/{table}").get_json())[11]
    before = row_counts(ctx.db)
    for url, body in [(f"/api/pos/items/{kp['id']}/void", {"reason": "x"}),
                      (f"/api/pos/visits/{table}/adjustments", {"kind": "discount", "percent": "10", "reason": "x"}),
                      (f"/api/pos/items/{kp['id']}/price", {"unit_price": 100, "reason": "x"})]:
        r = client.post(url, json=body)
        assert r.status_code == 409 and r.get_json()["error"]["code"] == "refund_first", url
    assert row_counts(ctx.db) == before
