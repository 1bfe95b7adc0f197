"""The day at the till refuses what it must: bad amounts, too low a role, a second open
register, money moving while the register is closed; racing openings and closings; the
/pos/day page."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from core.context import NOBODY, Actor
from pos.checks.model import Payment, RegisterSession
from pos.register import services as register
from tests.conftest import DEMO_PINS
from tests.helpers import row_counts
from tests.web.pos.test_register import (  # noqa: F401  (day_not_open: the same autouse fixture)
    CASHIER_AS_APPROVER, MANAGER, day_not_open, jobs, open_day, pay, refused, seat, without_pins)


def test_refusals_are_clear_and_write_nothing(client, sign_in, ctx):
    sign_in(client, "cashier")
    before = row_counts(ctx.db)
    refused(client.post("/api/pos/register/cash", json={"kind": "in", "amount": 100, "reason": "x"}),
            409, "register_closed")
    refused(client.post("/api/pos/register/close", json={"counted": 0, "approval": MANAGER}), 409, "register_closed")
    refused(client.post("/api/pos/registers/999/print"), 404, "unknown_register")
    refused(client.get("/api/pos/registers/999/report"), 404, "unknown_register")
    refused(client.get("/api/pos/registers/999/report.csv"), 404, "unknown_register")
    for body in ({"float": -1}, {"float": "100"}, {"float": 1.5}, {"float": 10**10}, {}, {"float": 100, "x": 1}):
        refused(client.post("/api/pos/register/open", json=body), 422, "validation_error")
    refused(client.post("/api/pos/register/open", data="{", content_type="application/json"), 400, "bad_json")
    assert row_counts(ctx.db) == before

    opened = open_day(client, 20000)
    before = row_counts(ctx.db)
    refused(client.post("/api/pos/register/open", json={"float": 20000}), 409, "register_open")
    for body in ({"kind": "in", "amount": 0, "reason": "x"}, {"kind": "in", "amount": -5, "reason": "x"},
                 {"kind": "in", "amount": 10**10, "reason": "x"}, {"kind": "sideways", "amount": 5, "reason": "x"},
                 {"kind": "in", "amount": 5, "reason": ""}, {"kind": "in", "amount": 5, "reason": "   "},
                 {"kind": "in", "amount": 5}, {"kind": "out", "amount": 5, "reason": "bad\u202etext"}):
        refused(client.post("/api/pos/register/cash", json=body), 422, "validation_error")
    r = client.post("/api/pos/register/cash", json={"kind": "out", "amount": 20001, "reason": "more than there is"})
    refused(r, 409, "not_enough_cash")
    assert r.get_json()["error"]["details"] == {"expected": 20000}
    refused(client.post(f"/api/pos/registers/{opened['id']}/print"), 409, "register_open")
    refused(client.post("/api/pos/register/close", json={"counted": -1, "approval": MANAGER}), 422,
            "validation_error")
    refused(client.post("/api/pos/register/close", json={"counted": 100}), 403, "approval_required")
    refused(client.post("/api/pos/register/close", json={"counted": 100, "approval": {**MANAGER, "pin": "0000"}}),
            401, "wrong_pin")
    refused(client.post("/api/pos/register/close", json={"counted": 100, "approval": CASHIER_AS_APPROVER}),
            403, "not_a_manager")
    assert without_pins(row_counts(ctx.db)) == without_pins(before)  # only the wrong PIN was counted
    assert client.get("/api/pos/register").get_json()["id"] == opened["id"]


def test_the_register_is_for_cashiers_and_up(client, sign_in, ctx):
    before = row_counts(ctx.db)
    refused(client.post("/api/pos/register/open", json={"float": 100}), 401, "not_signed_in")
    refused(client.get("/api/pos/register"), 401, "not_signed_in")
    sign_in(client, "cook")
    refused(client.post("/api/pos/register/open", json={"float": 100}), 403, "insufficient_role")
    refused(client.get("/api/pos/registers"), 403, "insufficient_role")
    assert row_counts(ctx.db) == before
    assert client.get("/pos/day").status_code == 302  # to the PIN screen


def test_services_refuse_bad_amounts_too(ctx):
    before = row_counts(ctx.db)
    for bad in (-1, 1.5, "10", True, None, 10**10):
        with pytest.raises(Exception) as e:
            register.open_register(ctx, bad, actor=NOBODY)
        assert (e.value.status, e.value.code) == (422, "bad_amount")
    register.open_register(ctx, 100, actor=NOBODY)
    with pytest.raises(Exception) as e:
        register.cash_movement(ctx, "in", 0, "x", actor=NOBODY)
    assert e.value.code == "bad_amount"
    with pytest.raises(Exception) as e:
        register.cash_movement(ctx, "in", 5, "  ", actor=NOBODY)
    assert e.value.code == "reason_required"
    with pytest.raises(Exception) as e:
        register.cash_movement(ctx, "sideways", 5, "x", actor=NOBODY)
    assert e.value.code == "bad_kind"
    assert row_counts(ctx.db)["cash_movements"] == before["cash_movements"] == 0


def race(n, fn):
    outcomes, barrier = [], threading.Barrier(n)

    def run(i):
        barrier.wait()
        try:
            fn(i)
            outcomes.append("ok")
        except Exception as e:  # noqa: BLE001 - the refusal's code is what is checked
            outcomes.append(getattr(e, "code", repr(e)))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return sorted(outcomes)


def test_racing_openings_make_one_register(ctx):
    assert race(6, lambda i: register.open_register(ctx, 1000 * (i + 1), actor=NOBODY)) == ["ok"] + ["register_open"] * 5
    with ctx.db.read() as s:
        assert len(s.scalars(select(RegisterSession)).all()) == 1
    assert len(jobs(ctx, "drawer")) == 1


def test_the_unique_open_marker_refuses_a_second_open_register(ctx, monkeypatch):
    """Should the check ever miss an open register (another process, another code path), the
    database still refuses a second one, and the refusal is the same 409."""
    register.open_register(ctx, 100, actor=NOBODY)
    before = row_counts(ctx.db)
    monkeypatch.setattr(register, "_open_register", lambda s, lock=False: None)
    with pytest.raises(Exception) as e:
        register.open_register(ctx, 100, actor=NOBODY)
    assert (e.value.status, e.value.code) == (409, "register_open")
    assert row_counts(ctx.db) == before


def test_racing_closings_close_once(ctx):
    register.open_register(ctx, 1000, actor=NOBODY)
    manager = Actor(DEMO_PINS["manager"][0], "manager")
    assert race(4, lambda i: register.close_register(ctx, 1000 + i, actor=manager)) == \
        ["ok"] + ["register_closed"] * 3
    assert len(jobs(ctx, "day_report")) == 1
    [h] = register.history(ctx)
    assert h["open"] is False and h["counted"] in (1000, 1001, 1002, 1003)


def test_no_money_moves_while_the_register_is_closed(client, sign_in, ctx):
    # Every payment and refund must be in some Z report: with the day closed they are refused.
    sign_in(client, "cashier")
    t2 = seat(ctx, "T2")
    before = row_counts(ctx.db)
    refused(client.post(f"/api/pos/visits/{t2}/payments", json={"tender": "cash", "tendered": 30000}),
            409, "register_closed")
    refused(client.post(f"/api/pos/visits/{t2}/payments", json={"tender": "card", "reference": "A1"}),
            409, "register_closed")
    assert row_counts(ctx.db) == before
    opened = open_day(client, 0)
    pay(client, t2, tender="cash", tendered=30000)
    with ctx.db.read() as s:
        assert [p.register_id for p in s.scalars(select(Payment))] == [opened["id"]]


def test_the_day_page(client, sign_in, ctx):
    sign_in(client, "cashier")
    r = client.get("/pos/day")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert '<script type="module" src="/static/till/day.js"></script>' in page
    assert "May 美姐" in page  # a cashier closing the day picks the approving manager
    assert "Content-Security-Policy" in r.headers
    assert client.get("/static/till/day.js").status_code == 200
