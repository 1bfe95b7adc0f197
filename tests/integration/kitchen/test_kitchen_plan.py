"""The kitchen's plan, prep-time learning, recall, expo and late orders, through the
services against the real database (SQLite, and PostgreSQL in the second pass), with an
injected clock."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.errors import Conflict
from core.realtime import OutboxEvent
from kitchen import expo, planner
from kitchen import services as kitchen
from kitchen.model import PrepEstimate
from pos.checks import summary
from pos.diner import services as diner
from pos.orders.model import OrderItem
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of, visit_of

BBQ_PORK = {"dish_id": 6, "quantity": 1, "options": [5]}  # grill, 6 min, regular size
CUCUMBER = {"dish_id": 1, "quantity": 1}  # cold starter, 3 min
MANGO_PUDDING = {"dish_id": 25, "quantity": 1}  # cold dessert, 2 min
KP_ALONE = {**KUNG_PAO, "quantity": 1}  # wok, 8 min


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _items(ctx, order_id: int) -> dict[int, dict]:
    with ctx.db.read() as s:
        rows = s.scalars(select(OrderItem).where(OrderItem.order_id == order_id)).all()
        return {i.dish_id: {"fire_at": i.fire_at, "due_at": i.due_at, "status": i.status, "id": i.id,
                            "ticket_id": i.ticket_id} for i in rows}


def _ticket(ctx, station: str, order_id: int | None = None) -> dict:
    return next(t for t in kitchen.open_tickets(ctx, station)["tickets"]
                if order_id is None or t["order_id"] == order_id)


def test_longest_dish_fires_now_the_shorter_one_is_held_to_finish_together(ctx, clock):
    now = clock.now()
    data, _ = order(ctx, token_of(ctx), KP_ALONE, BBQ_PORK)
    items = _items(ctx, data["id"])
    assert items[11]["fire_at"] == now and items[11]["due_at"] == now + timedelta(seconds=480)
    assert items[6]["fire_at"] == now + timedelta(seconds=120)
    assert items[6]["due_at"] == items[11]["due_at"]
    # The diner is promised the planned time plus the margin, rounded up to the minute.
    assert _at(data["promised_at"]) == now + timedelta(minutes=8 + 5)
    grill = _ticket(ctx, "grill")
    assert grill["fire_at"] == (now + timedelta(seconds=120)).isoformat()


def test_a_busy_station_delays_the_hold_instead_of_starting_too_early(ctx, clock):
    now = clock.now()
    first, _ = order(ctx, token_of(ctx, "T1"), BBQ_PORK)  # the one grill cook: busy now..+360
    second, _ = order(ctx, token_of(ctx, "T2"), KP_ALONE, BBQ_PORK)
    first_items, items = _items(ctx, first["id"]), _items(ctx, second["id"])
    assert first_items[6]["fire_at"] == now
    # The grill is free at +360, so the pork finishes at +720; the wok waits to match.
    assert items[6]["fire_at"] == now + timedelta(seconds=360)
    assert items[11]["due_at"] == items[6]["due_at"] == now + timedelta(seconds=720)
    assert items[11]["fire_at"] == now + timedelta(seconds=240)


def test_courses_starters_then_mains_after_the_gap_drinks_at_once(ctx, clock, settings):
    now = clock.now()
    data, _ = order(ctx, token_of(ctx), CUCUMBER, KP_ALONE, MILK_TEA)
    items = _items(ctx, data["id"])
    gap = timedelta(seconds=settings.kitchen.course_gap_seconds)
    assert items[28]["fire_at"] == now  # a drink is not held for the food
    assert items[11]["due_at"] - items[1]["due_at"] >= gap
    assert items[1]["fire_at"] >= now


def test_start_on_a_held_card_starts_what_is_due_or_everything_when_all_is_held(ctx, clock):
    data, _ = order(ctx, token_of(ctx), KP_ALONE, BBQ_PORK)
    grill = _ticket(ctx, "grill")
    started = kitchen.start_ticket(ctx, grill["id"])  # all held: the cook overrides
    assert started["status"] == "cooking" and started["items"][0]["status"] == "cooking"
    with pytest.raises(Conflict) as exc:
        kitchen.start_ticket(ctx, grill["id"])
    assert exc.value.code == "already_started"


def test_items_start_and_bump_one_by_one_and_the_ticket_follows(ctx, clock):
    data, _ = order(ctx, token_of(ctx), KP_ALONE, {"dish_id": 14, "quantity": 1})  # + garlic choy sum (wok, 5 min)
    wok = _ticket(ctx, "wok")
    kp, greens = wok["items"]
    assert kitchen.start_item(ctx, kp["id"])["status"] == "cooking"
    clock.advance(seconds=180)
    t = kitchen.start_item(ctx, greens["id"])
    clock.advance(seconds=300)
    t = kitchen.bump_item(ctx, kp["id"])
    assert t["status"] == "cooking" and [i["status"] for i in t["items"]] == ["ready", "cooking"]
    with pytest.raises(Conflict) as exc:
        kitchen.bump_item(ctx, kp["id"])
    assert exc.value.code == "already_bumped"
    t = kitchen.bump_item(ctx, greens["id"])
    assert t["status"] == "done"
    with ctx.db.read() as s:
        assert {i.dish_id: i.cook_seconds for i in s.scalars(select(OrderItem))} == {11: 480, 14: 300}


def test_recall_undoes_the_last_bump_only(ctx, clock):
    order(ctx, token_of(ctx, "T1"), KP_ALONE)
    clock.advance(seconds=1)
    order(ctx, token_of(ctx, "T2"), KP_ALONE)
    first, second = kitchen.open_tickets(ctx, "wok")["tickets"]
    kitchen.bump_ticket(ctx, first["id"])
    clock.advance(seconds=5)
    kitchen.bump_ticket(ctx, second["id"])
    assert kitchen.open_tickets(ctx, "wok")["tickets"] == []
    back = kitchen.recall_last(ctx, "wok")
    assert back["id"] == second["id"] and back["status"] == "cooking"
    assert [t["id"] for t in kitchen.open_tickets(ctx, "wok")["tickets"]] == [second["id"]]
    assert kitchen.recall_last(ctx, "wok")["id"] == first["id"]
    with pytest.raises(Conflict) as exc:
        kitchen.recall_last(ctx, "wok")
    assert exc.value.code == "nothing_to_recall"


def test_learned_prep_time_replaces_the_menus_after_enough_cooks(ctx, clock, settings):
    n = settings.kitchen.learn_min_samples
    for k in range(n):
        data, _ = order(ctx, token_of(ctx), KP_ALONE)
        t = _ticket(ctx, "wok", data["id"])
        kitchen.start_ticket(ctx, t["id"])
        clock.advance(seconds=400 + (k % 2) * 20)  # 400 or 420 s; the menu says 480
        kitchen.bump_ticket(ctx, t["id"])
    # One forgotten bump: an outlier, not a measurement of the dish.
    data, _ = order(ctx, token_of(ctx), KP_ALONE)
    t = _ticket(ctx, "wok", data["id"])
    kitchen.start_ticket(ctx, t["id"])
    clock.advance(minutes=45)
    kitchen.bump_ticket(ctx, t["id"])
    with ctx.db.read() as s:
        est = s.get(PrepEstimate, 11)
        assert (est.seconds, est.samples, est.outliers) == (400 if n % 2 else 410, n + 1, 1)
    now = clock.now()
    data, _ = order(ctx, token_of(ctx), KP_ALONE)
    assert _items(ctx, data["id"])[11]["due_at"] == now + timedelta(seconds=est.seconds)
    rows = {d["dish_id"]: d for d in planner.prep_times(ctx)["dishes"]}
    assert rows[11]["learned_seconds"] == est.seconds and rows[11]["menu_seconds"] == 480


def test_learning_off_plans_with_the_menus_times(ctx, clock):
    with ctx.db.write() as s:
        s.add(PrepEstimate(dish_id=11, seconds=200, samples=9, outliers=0, recent=[200] * 9, updated_at=clock.now()))
    object.__setattr__(ctx, "settings", ctx.settings.model_copy(update={
        "kitchen": ctx.settings.kitchen.model_copy(update={"learn_prep_times": False})}))
    now = clock.now()
    data, _ = order(ctx, token_of(ctx), KP_ALONE)
    assert _items(ctx, data["id"])[11]["due_at"] == now + timedelta(seconds=480)


def test_rush_moves_an_order_ahead_and_replans_the_others(ctx, clock):
    now = clock.now()
    first, _ = order(ctx, token_of(ctx, "T1"), BBQ_PORK)
    second, _ = order(ctx, token_of(ctx, "T2"), BBQ_PORK)
    assert _items(ctx, second["id"])[6]["fire_at"] == now + timedelta(seconds=360)
    expo.set_rush(ctx, second["id"], True)
    assert _items(ctx, second["id"])[6]["fire_at"] == now
    assert _items(ctx, first["id"])[6]["fire_at"] == now + timedelta(seconds=360)
    # Every grill screen hears of both: the rushed ticket whole, the other's new fire time.
    with ctx.db.read() as s:
        ticket_event, plan_event = s.scalars(select(OutboxEvent).where(OutboxEvent.room == "station:grill")
                                             .order_by(OutboxEvent.seq.desc()).limit(2)).all()
    assert ticket_event.kind == "ticket" and ticket_event.data["order_id"] == second["id"]
    assert ticket_event.data["rush"] is True
    first_item = _items(ctx, first["id"])[6]
    assert plan_event.kind == "plan" and plan_event.data["items"] == [{
        "id": first_item["id"], "ticket_id": first_item["ticket_id"],
        "fire_at": first_item["fire_at"].isoformat(), "due_at": first_item["due_at"].isoformat()}]


def test_expo_serves_only_a_ready_order_and_the_diner_sees_it(ctx, clock):
    token = token_of(ctx)
    data, _ = order(ctx, token, KP_ALONE, BBQ_PORK)
    with pytest.raises(Conflict) as exc:
        expo.serve_order(ctx, data["id"])
    assert exc.value.code == "not_ready" and len(exc.value.details["items"]) == 2
    for station in ("wok", "grill"):
        kitchen.bump_ticket(ctx, _ticket(ctx, station)["id"])
    [o] = expo.expo_orders(ctx)["orders"]
    assert o["status"] == "ready"
    served = expo.serve_order(ctx, data["id"])
    assert served["status"] == "served" and {i["status"] for i in served["items"]} == {"served"}
    assert expo.expo_orders(ctx)["orders"] == []
    view = diner.diner_view(ctx, token, "en")
    assert {i["status"] for i in view["orders"][0]["items"]} == {"served"}
    with pytest.raises(Conflict) as exc:
        expo.serve_order(ctx, data["id"])
    assert exc.value.code == "already_served"


def test_an_order_past_its_promise_is_flagged_once_and_the_diner_is_told(ctx, clock):
    token = token_of(ctx)
    data, _ = order(ctx, token, KP_ALONE)
    done, _ = order(ctx, token_of(ctx, "T2"), BBQ_PORK)
    kitchen.bump_ticket(ctx, _ticket(ctx, "grill")["id"])
    expo.serve_order(ctx, done["id"])  # served in time: never late
    clock.advance(minutes=13)
    assert expo.flag_late_orders(ctx) == []  # exactly at the promise: not late yet
    clock.advance(seconds=1)
    assert expo.flag_late_orders(ctx) == [data["id"]]
    assert expo.flag_late_orders(ctx) == []
    view = diner.diner_view(ctx, token, "en")
    assert view["orders"][0]["late"] is True
    with ctx.db.read() as s:
        events = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq.desc()).limit(6)).all()
    rooms = {(e.room, e.kind) for e in events}
    assert {(f"visit:{data['visit_id']}", "items"), ("pos", "table"), ("expo", "order"), ("station:wok", "ticket")} <= rooms
    late_items = next(e for e in events if e.room == f"visit:{data['visit_id']}")
    assert late_items.data["late"] is True
    assert _ticket(ctx, "wok")["late"] is True
    tiles = {t["table"]: t["late"] for t in summary.floor(ctx)}
    assert tiles["T1"] is True and tiles["T2"] is False  # the cashier's floor shows it
    # Once the late order is served, the table is no longer late.
    kitchen.bump_ticket(ctx, _ticket(ctx, "wok")["id"])
    expo.serve_order(ctx, data["id"])
    assert {t["table"]: t["late"] for t in summary.floor(ctx)}["T1"] is False


def test_a_dish_nobody_started_in_time_moves_the_rest_of_its_order(ctx, clock):
    now = clock.now()
    data, _ = order(ctx, token_of(ctx), KP_ALONE, BBQ_PORK)  # KP fires now, the pork at +120
    assert kitchen.refresh_plan(ctx) == 0  # nothing moved on the clock yet
    clock.advance(seconds=90)  # the wok has not started the Kung Pao
    assert kitchen.refresh_plan(ctx) == 1  # the pork's card is held longer; the Kung Pao's still says fire now
    items = _items(ctx, data["id"])
    assert items[11]["fire_at"] == now  # still "fire now": kept as the screens show it
    assert items[6]["fire_at"] == now + timedelta(seconds=210)  # still held to finish with it
    assert items[6]["due_at"] == items[11]["due_at"] == now + timedelta(seconds=570)


def test_an_action_republishes_only_what_it_changed_not_every_dish_due_to_fire(ctx, clock):
    for table in ("T1", "T2", "T3", "T4", "T5", "T6"):
        order(ctx, token_of(ctx, table), BBQ_PORK)  # one grill cook: a queue of six
    clock.advance(minutes=40)  # nobody has cooked anything: every dish is overdue
    kitchen.refresh_plan(ctx)
    with ctx.db.read() as s:
        before = s.scalar(select(OutboxEvent.seq).order_by(OutboxEvent.seq.desc()).limit(1))
    clock.advance(seconds=2)
    first = _ticket(ctx, "grill")
    kitchen.start_ticket(ctx, first["id"])
    with ctx.db.read() as s:
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.seq > before)).all()
    # The started ticket (its station's room), its order (expo + diner) and its table tile;
    # the other five move by two seconds only, within the plan's tolerance: not re-sent.
    assert sorted((e.room, e.kind) for e in events) == sorted([
        ("station:grill", "ticket"), ("expo", "order"),
        (f"visit:{visit_of(ctx, 'T1')}", "items"), ("pos", "table")])


def test_a_dessert_is_its_own_card_and_is_not_bumped_with_the_starter(ctx, clock):
    data, _ = order(ctx, token_of(ctx), CUCUMBER, MANGO_PUDDING)
    cards = kitchen.open_tickets(ctx, "cold")["tickets"]
    assert [[i["course"] for i in t["items"]] for t in cards] == [[1], [3]]  # in fire order
    kitchen.bump_ticket(ctx, cards[0]["id"])
    [left] = kitchen.open_tickets(ctx, "cold")["tickets"]
    assert left["items"][0]["status"] == "queued" and left["items"][0]["course"] == 3


def test_a_recalled_dish_is_not_measured_again(ctx, clock):
    order(ctx, token_of(ctx), KP_ALONE)
    t = _ticket(ctx, "wok")
    kitchen.bump_ticket(ctx, t["id"])  # bumped without a start: no measurement
    clock.advance(seconds=1000)
    kitchen.recall_ticket(ctx, t["id"])
    clock.advance(seconds=60)
    kitchen.bump_ticket(ctx, t["id"])  # cooked again since an unknown time: no measurement
    with ctx.db.read() as s:
        assert [i.cook_seconds for i in s.scalars(select(OrderItem))] == [None]
    kitchen.recall_ticket(ctx, t["id"])
    clock.advance(seconds=30)
    kitchen.bump_ticket(ctx, t["id"])
    with ctx.db.read() as s:
        assert [i.cook_seconds for i in s.scalars(select(OrderItem))] == [None]


def test_the_pass_serves_each_course_when_it_is_ready(ctx, clock):
    data, _ = order(ctx, token_of(ctx), CUCUMBER, KP_ALONE, MILK_TEA)
    with pytest.raises(Conflict) as exc:
        expo.serve_order(ctx, data["id"])
    assert exc.value.code == "not_ready"
    kitchen.bump_ticket(ctx, _ticket(ctx, "bar")["id"])
    assert expo.expo_orders(ctx)["orders"][0]["status"] == "part_ready"  # the drink can go out
    out = expo.serve_order(ctx, data["id"])
    assert {i["course"]: i["status"] for i in out["items"]} == {1: "queued", 2: "queued", 0: "served"}
    kitchen.bump_ticket(ctx, _ticket(ctx, "cold")["id"])
    out = expo.serve_order(ctx, data["id"])
    assert {i["course"]: i["status"] for i in out["items"]} == {1: "served", 2: "queued", 0: "served"}
    assert out["status"] == "cooking" and out["served_at"] is None  # under way: the main is still to come
    kitchen.bump_ticket(ctx, _ticket(ctx, "wok")["id"])
    out = expo.serve_order(ctx, data["id"])
    assert out["status"] == "served" and out["served_at"] == clock.now().isoformat()


def test_voided_dishes_cannot_be_cooked_and_an_all_void_order_cannot_be_served(ctx, clock):
    data, _ = order(ctx, token_of(ctx), KP_ALONE)
    with ctx.db.write() as s:  # what a cashier's void (issue 5) leaves behind
        for i in s.scalars(select(OrderItem)):
            i.status = "voided"
    item_id = data["items"][0]["id"]
    for action in (kitchen.start_item, kitchen.bump_item):
        with pytest.raises(Conflict) as exc:
            action(ctx, item_id)
        assert exc.value.code == "voided"
    with pytest.raises(Conflict) as exc:
        expo.serve_order(ctx, data["id"])
    assert exc.value.code == "nothing_to_serve"


def test_rushing_an_order_reaches_the_pass_even_when_its_plan_does_not_move(ctx, clock):
    data, _ = order(ctx, token_of(ctx), KP_ALONE)  # alone in the kitchen: rush moves nothing
    with ctx.db.read() as s:
        before = s.scalar(select(OutboxEvent.seq).order_by(OutboxEvent.seq.desc()).limit(1))
    expo.set_rush(ctx, data["id"], True)
    with ctx.db.read() as s:
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.seq > before)).all()
    [on_pass] = [e for e in events if e.room == "expo"]
    assert on_pass.data["rush"] is True
    assert [e.data["rush"] for e in events if e.room == "station:wok"] == [True]


def test_behind_a_long_backlog_a_new_order_is_placed_on_the_stored_plan(ctx, clock, monkeypatch):
    tokens = [token_of(ctx, f"T{n}") for n in range(1, 13)]
    for n in range(planner.BACKLOG_ORDERS):
        order(ctx, tokens[n % 12], BBQ_PORK if n % 2 else KP_ALONE)
    full = []
    monkeypatch.setattr(planner, "replan", lambda *a, **k: full.append(1) or REPLAN(*a, **k))
    data, _ = order(ctx, tokens[0], KP_ALONE, BBQ_PORK)
    assert full == []  # placed on the stored plan, not replanned in full
    items = _items(ctx, data["id"])
    assert items[11]["due_at"] == items[6]["due_at"] > clock.now()
    monkeypatch.undo()
    # What a full replan at the same moment gives: the same plan, nothing moves.
    assert kitchen.refresh_plan(ctx) == 0
    assert _items(ctx, data["id"]) == items


REPLAN = planner.replan
