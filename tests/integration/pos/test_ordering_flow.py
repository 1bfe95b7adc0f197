"""Services against the real database (SQLite, and PostgreSQL in the second pass)."""
import threading

import pytest
from core.context import NOBODY
from sqlalchemy import select

from core.errors import Conflict, DomainError, Forbidden
from kitchen import services as kitchen
from pos.checks import payments
from pos.orders import visits
from pos.checks import summary
from printers.model import PrintJob
from tests.helpers import KUNG_PAO, MILK_TEA, order, row_counts, token_of, visit_of


def test_an_order_becomes_priced_items_tickets_per_station_print_jobs_and_events(ctx):
    data, created = order(ctx, token_of(ctx), KUNG_PAO, MILK_TEA)
    assert created and data["number"] == 1
    kp, tea = data["items"]
    assert kp["unit_price"] == 8800 and kp["amount"] == 17600 and kp["modifiers"] == ["小辣", "例牌"]
    assert tea["unit_price"] == 2400 + 300
    state = kitchen.open_tickets(ctx)
    assert sorted(t["station"] for t in state["tickets"]) == ["bar", "wok"]
    assert all(t["table"] == "T1" and t["order_number"] == 1 for t in state["tickets"])
    with ctx.db.read() as s:
        jobs = s.scalars(select(PrintJob)).all()
        assert [(j.printer, j.kind, j.status) for j in jobs] == [("kitchen", "kitchen_ticket", "pending")] * 2
    counts = row_counts(ctx.db)
    # order event for the visit, table event for the pos, one ticket event per station,
    # the order on the expo screen
    assert counts["outbox"] == 1 + 1 + 2 + 1


def test_same_idempotency_key_makes_one_order_and_a_different_body_is_refused(ctx):
    token = token_of(ctx)
    first, created = order(ctx, token, KUNG_PAO, key="same-key-123")
    again, created_again = order(ctx, token, KUNG_PAO, key="same-key-123")
    assert created and not created_again and again["id"] == first["id"]
    with pytest.raises(Conflict) as exc:
        order(ctx, token, MILK_TEA, key="same-key-123")
    assert exc.value.code == "idempotency_key_reused"
    assert row_counts(ctx.db)["orders"] == 1


def test_concurrent_submits_with_one_key_make_one_order(ctx):
    token, results, errors = token_of(ctx), [], []
    barrier = threading.Barrier(6)

    def submit():
        barrier.wait()
        try:
            results.append(order(ctx, token, KUNG_PAO, key="double-tap-key"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert len({r[0]["id"] for r in results}) == 1
    assert sum(created for _, created in results) == 1
    assert row_counts(ctx.db)["orders"] == 1


def test_concurrent_orders_get_distinct_consecutive_numbers(ctx):
    tokens = [token_of(ctx, f"T{i}") for i in range(1, 9)]
    numbers, errors = [], []
    barrier = threading.Barrier(len(tokens))

    def submit(tok):
        barrier.wait()
        try:
            for _ in range(3):
                numbers.append(order(ctx, tok, MILK_TEA)[0]["number"])
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=submit, args=(t,)) for t in tokens]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert sorted(numbers) == list(range(1, 25))


def test_order_numbers_restart_each_business_day(ctx, clock):
    token = token_of(ctx)
    assert order(ctx, token, MILK_TEA)[0]["number"] == 1
    assert order(ctx, token, MILK_TEA)[0]["number"] == 2
    clock.advance(days=1)
    assert order(ctx, token, MILK_TEA)[0]["number"] == 1


def test_a_rejected_order_writes_nothing(ctx):
    before = row_counts(ctx.db)
    with pytest.raises(DomainError) as exc:
        order(ctx, token_of(ctx), KUNG_PAO, {"dish_id": 11, "quantity": 1, "options": []})
    assert exc.value.status == 422 and exc.value.details[0]["code"] == "missing_required_option"
    assert row_counts(ctx.db) == before


def test_start_then_bump_moves_items_and_a_second_bump_is_refused(ctx, clock):
    order(ctx, token_of(ctx), KUNG_PAO)
    [ticket] = kitchen.open_tickets(ctx, "wok")["tickets"]
    clock.advance(minutes=1)
    started = kitchen.start_ticket(ctx, ticket["id"])
    assert started["status"] == "cooking" and started["items"][0]["status"] == "cooking"
    with pytest.raises(Conflict):
        kitchen.start_ticket(ctx, ticket["id"])
    clock.advance(minutes=7)
    bumped = kitchen.bump_ticket(ctx, ticket["id"])
    assert bumped["status"] == "done" and bumped["items"][0]["status"] == "ready"
    with pytest.raises(Conflict) as exc:
        kitchen.bump_ticket(ctx, ticket["id"])
    assert exc.value.code == "already_bumped"
    assert kitchen.open_tickets(ctx, "wok")["tickets"] == []


def test_two_cooks_bumping_at_once_make_one_bump(ctx):
    order(ctx, token_of(ctx), KUNG_PAO)
    [ticket] = kitchen.open_tickets(ctx, "wok")["tickets"]
    outcomes = []
    barrier = threading.Barrier(4)

    def bump():
        barrier.wait()
        try:
            kitchen.bump_ticket(ctx, ticket["id"])
            outcomes.append("bumped")
        except Conflict as e:
            outcomes.append(e.code)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert outcomes.count("bumped") == 1
    assert set(outcomes) - {"bumped"} <= {"already_bumped", "concurrent_change"}
    with ctx.db.read() as s:
        from core.realtime import OutboxEvent
        bumps = [e for e in s.scalars(select(OutboxEvent).where(OutboxEvent.room == "station:wok")).all()
                 if e.data["status"] == "done"]
    assert len(bumps) == 1


def test_pay_cash_gives_change_then_close_rotates_the_link(ctx):
    token = token_of(ctx)
    order(ctx, token, KUNG_PAO)  # 2 x 88.00 + 10% service = 193.60
    visit_id = visit_of(ctx)
    with pytest.raises(Conflict) as exc:
        payments.close_visit(ctx, visit_id, NOBODY)
    assert exc.value.code == "unpaid"
    part = payments.pay_cash(ctx, visit_id, 10000, NOBODY)
    assert part["change"] == 0 and part["check"]["totals"]["due"] == 9360
    rest = payments.pay_cash(ctx, visit_id, 10000, NOBODY)
    assert rest["amount"] == 9360 and rest["change"] == 640
    with pytest.raises(Conflict) as exc:
        payments.pay_cash(ctx, visit_id, 100, NOBODY)
    assert exc.value.code == "nothing_due"
    closed = payments.close_visit(ctx, visit_id, NOBODY)
    with pytest.raises(Forbidden) as exc:
        order(ctx, token, MILK_TEA)
    assert exc.value.code == "visit_closed"
    new_token = closed["url"].rsplit("/v/", 1)[1]
    assert new_token != token and order(ctx, new_token, MILK_TEA)[1]


def test_forged_tokens_are_refused(ctx):
    token = token_of(ctx)
    for bad in (token[:-3] + "abc", "not-a-token", token.replace(token[2], "Z" if token[2] != "Z" else "Y", 1)):
        with pytest.raises(Forbidden) as exc:
            order(ctx, bad, MILK_TEA)
        assert exc.value.code == "invalid_token"


def test_one_open_visit_per_table_is_enforced_by_the_database(ctx):
    from sqlalchemy.exc import IntegrityError
    from pos.orders.model import DiningTable
    with pytest.raises(IntegrityError):
        with ctx.db.write() as s:
            table = s.scalar(select(DiningTable).where(DiningTable.name == "T1"))
            visits.new_visit(ctx, s, table.id)


def test_settling_the_check_queues_one_receipt(ctx):
    from printers.model import PrintJob
    order(ctx, token_of(ctx), KUNG_PAO)
    visit_id = visit_of(ctx)
    payments.pay_cash(ctx, visit_id, 10000, NOBODY)
    with ctx.db.read() as s:
        assert s.scalars(select(PrintJob).where(PrintJob.kind == "receipt")).all() == []
    payments.pay_cash(ctx, visit_id, 10000, NOBODY)
    with ctx.db.read() as s:
        [job] = s.scalars(select(PrintJob).where(PrintJob.kind == "receipt")).all()
    from printers.layout import build
    texts = " ".join(b.get("text", "") for b in build(job.kind, job.document, 80))
    assert job.printer == "receipt"
    assert "宮保雞丁" in texts and "HK$193.60" in texts and "HK$6.40" in texts and "Service 10%" in texts


def _race(n, fn):
    barrier, outcomes = threading.Barrier(n), []

    def run(i):
        barrier.wait()
        try:
            outcomes.append(("ok", fn(i)))
        except DomainError as e:
            outcomes.append((e.code, None))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return outcomes


def test_racing_cash_payments_never_overpay(ctx):
    order(ctx, token_of(ctx), KUNG_PAO)
    visit_id = visit_of(ctx)
    due = summary.read_check(ctx, visit_id)["totals"]["due"]
    outcomes = _race(6, lambda i: payments.pay_cash(ctx, visit_id, due, NOBODY))
    assert [o for o, _ in outcomes].count("ok") == 1
    assert {o for o, _ in outcomes} == {"ok", "nothing_due"}
    check = summary.read_check(ctx, visit_id)
    assert check["totals"]["paid"] == due and len(check["payments"]) == 1


def test_an_order_racing_the_close_never_lands_on_a_closed_check(ctx):
    for table in ("T2", "T3", "T4"):
        token, visit_id = token_of(ctx, table), visit_of(ctx, table)
        outcomes = _race(5, lambda i: payments.close_visit(ctx, visit_id, NOBODY) if i == 0
                         else order(ctx, token, MILK_TEA))
        codes = sorted(o for o, _ in outcomes)
        check = summary.read_check(ctx, visit_id)
        if check["open"]:  # the orders won: the close was refused because money is due
            assert "unpaid" in codes and check["totals"]["due"] > 0
        else:  # the close won: every later order was refused, and the closed check owes nothing
            assert check["totals"]["due"] == 0
            assert all(c in ("ok", "visit_closed") for c in codes)


def test_closing_prints_the_next_partys_qr_slip(ctx, settings):
    from pyzbar.pyzbar import decode as zbar

    from printers.model import PrintJob
    from printers.escpos_decode import images_of
    from printers.layout import build
    from printers.render import render
    closed = payments.close_visit(ctx, visit_of(ctx, "T6"), NOBODY)
    with ctx.db.read() as s:
        [job] = s.scalars(select(PrintJob).where(PrintJob.kind == "qr_slip")).all()
    assert job.printer == "receipt"
    data = render(build(job.kind, job.document, 80), profile="TM-T20II", paper_mm=80, font_path=settings.printing.font_path,
                  font_index=settings.printing.font_index)
    found = [r.data.decode() for img in images_of(data) for r in zbar(img.convert("L"))]
    assert found == [closed["url"]]
