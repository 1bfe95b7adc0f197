"""The kitchen's plan kept current: every open item's fire and due time, recomputed by
kitchen.sequencing in the transaction of each change (an order, a start, a bump, a
recall, a void, a rush), and prep times learned from the kitchen's starts and bumps."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from core.context import Context
from kitchen import prep_learning, sequencing
from kitchen.model import PrepEstimate
from menu.model import Dish, localized
from pos.orders.model import Order, OrderItem
from pos.orders.status import COOKED, PREPARING, ItemStatus

# A plan time that moved by less than the plan's finishing tolerance (at most this) is not
# rewritten nor re-sent to screens: a dish due to fire moves with the clock, and screens
# need not hear of every second of it. Capped so a card's "fire now" is never late by more
# than the screens' fire-now grace (kitchen.sequencing.FIRE_GRACE_S).
MAX_UNCHANGED_S = sequencing.FIRE_GRACE_S


def _ts(dt: datetime | None) -> float | None:
    return dt.timestamp() if dt is not None else None


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(round(ts), timezone.utc)


def learned_seconds(ctx: Context, s: Session, dish_ids: set[int]) -> dict[int, int]:
    """Dish id -> learned prep seconds, for the dishes that have enough measurements
    (nothing when learning is off in config)."""
    if not ctx.settings.kitchen.learn_prep_times or not dish_ids:
        return {}
    rows = s.execute(select(PrepEstimate.dish_id, PrepEstimate.seconds)
                     .where(PrepEstimate.dish_id.in_(dish_ids), PrepEstimate.seconds.is_not(None)))
    return dict(rows.all())


# What the plan reads of each open item: plain rows, not ORM objects (a busy kitchen has
# hundreds of open items and this runs in every order's transaction).
_PLAN_COLUMNS = (OrderItem.id, OrderItem.order_id, OrderItem.ticket_id, OrderItem.dish_id, OrderItem.station,
                 OrderItem.prep_seconds, OrderItem.extra_prep_seconds, OrderItem.course, OrderItem.status,
                 OrderItem.started_at, OrderItem.fire_at, OrderItem.due_at, Order.created_at, Order.rush)


@dataclass
class Moved:
    """What a replan moved, for the caller to publish. Station screens show when to fire:
    fires holds, per station, the items whose fire time moved (as plain times, sent as one
    small "plan" event per station rather than every ticket again). The pass and the
    diners show when dishes will be ready: orders whose ready or fire times moved. (A dish
    nobody started keeps "fire now" while its ready time slips with the clock: its order
    is re-sent, its card is not.)"""
    fires: dict[str, list[dict]] = field(default_factory=dict)  # station -> [{id, ticket_id, fire_at, due_at}]
    orders: set[int] = field(default_factory=set)

    @property
    def tickets(self) -> set[int]:
        return {c["ticket_id"] for changes in self.fires.values() for c in changes}


def replan(ctx: Context, s: Session) -> Moved:
    """Recompute the plan of every open item and store the times that moved."""
    k = ctx.settings.kitchen
    s.flush()  # the change being planned for is in the rows below
    rows = s.connection().execute(select(*_PLAN_COLUMNS).join(Order, Order.id == OrderItem.order_id)
                                  .where(OrderItem.status.in_(PREPARING))).all()
    learned = learned_seconds(ctx, s, {r.dish_id for r in rows})
    inputs, by_id = [], {}
    for r in rows:
        by_id[r.id] = r
        prep = prep_learning.expected_prep(r.prep_seconds, r.extra_prep_seconds, learned.get(r.dish_id))
        inputs.append(sequencing.Item(
            id=r.id, order_id=r.order_id, station=r.station, prep_s=float(prep),
            ordered_at=r.created_at.timestamp(), course=r.course, rush=r.rush,
            started_at=_ts(r.started_at) if r.status == ItemStatus.COOKING else None))
    now = ctx.clock.now().timestamp()
    plan = sequencing.plan(now, ctx.settings.station_cooks, inputs,
                           tolerance_s=k.finish_tolerance_seconds, course_gap_s=k.course_gap_seconds)
    unchanged = min(max(1.0, k.finish_tolerance_seconds), MAX_UNCHANGED_S)
    moved, changes = Moved(), []
    for item_id, p in plan.items.items():
        r = by_id[item_id]
        old_fire, old_due = _ts(r.fire_at), _ts(r.due_at)
        fire_moved = old_fire is None or (abs(old_fire - p.fire_at) >= unchanged
                                          and not (old_fire <= now and p.fire_at <= now))  # fire now, still
        if fire_moved or old_due is None or abs(old_due - p.ready_at) >= unchanged:
            # A fire time that did not move is kept as stored: it is what the screens show.
            change = {"id": item_id, "fire_at": _dt(p.fire_at) if fire_moved else r.fire_at,
                      "due_at": _dt(p.ready_at)}
            changes.append(change)
            if fire_moved and r.ticket_id is not None:
                moved.fires.setdefault(r.station, []).append({
                    "id": item_id, "ticket_id": r.ticket_id,
                    "fire_at": change["fire_at"].isoformat(), "due_at": change["due_at"].isoformat()})
            moved.orders.add(r.order_id)
    if changes:
        s.execute(update(OrderItem), changes)  # one UPDATE per row, by primary key, as one batch
        for c in changes:  # items this session already holds see their new times too
            item = s.identity_map.get(identity_key(OrderItem, c["id"]))
            if item is not None:
                set_committed_value(item, "fire_at", c["fire_at"])
                set_committed_value(item, "due_at", c["due_at"])
    return moved


def plan_new_order(ctx: Context, s: Session, order: Order) -> Moved:
    """Plan a newly accepted order: a full replan, except behind a long backlog of young
    orders still to be started. There the new order, last in priority, is placed on top
    of the stored plan: only the first OVERTAKE_HEADS young orders with dishes to start
    can be passed, each by the OVERTAKE_LOOKAHEAD orders after it, so a full replan would
    almost always give it the same place. It differs by the clock's drift since the last
    full replan and, rarely, by an overtaking the new order would have won; the scheduler
    replans in full every kitchen.late_check_seconds. Its cost no longer grows with the
    backlog."""
    if order.rush:
        return replan(ctx, s)
    s.flush()
    young_since = ctx.clock.now() - timedelta(seconds=sequencing.OVERTAKE_AGE_S)
    open_orders = (select(OrderItem.order_id).join(Order, Order.id == OrderItem.order_id)
                   .where(OrderItem.status == ItemStatus.QUEUED, OrderItem.order_id != order.id,
                          Order.created_at > young_since).distinct())
    ahead = s.connection().execute(
        select(func.count()).select_from(open_orders.limit(BACKLOG_ORDERS).subquery())).scalar_one()
    if ahead < BACKLOG_ORDERS:
        return replan(ctx, s)
    return _place_on_stored_plan(ctx, s, order)


# Young orders with dishes to start, ahead of a new one, beyond which it is placed on the stored plan.
BACKLOG_ORDERS = sequencing.OVERTAKE_HEADS + sequencing.OVERTAKE_LOOKAHEAD + 1


def _place_on_stored_plan(ctx: Context, s: Session, order: Order) -> Moved:
    """The stored plan's items occupy their cooks as a full replan would count them: a
    cooking dish until its due time (an overdue one until OVERRUN_S from now), a queued
    one for its planned span, moved to start now when its fire time has passed; the new
    order's items are planned around them."""
    k = ctx.settings.kitchen
    now = ctx.clock.now().timestamp()
    rows = s.connection().execute(
        select(OrderItem.station, OrderItem.status, OrderItem.started_at, OrderItem.fire_at, OrderItem.due_at)
        .where(OrderItem.status.in_(PREPARING), OrderItem.order_id != order.id, OrderItem.due_at.is_not(None))).all()
    busy: dict[str, list] = {}
    for r in rows:
        due = r.due_at.timestamp()
        if r.status == ItemStatus.COOKING and r.started_at is not None:
            span = (r.started_at.timestamp(), max(due, now + sequencing.OVERRUN_S))
        else:
            fire = r.fire_at.timestamp()
            span = (fire, due) if fire >= now else (now, now + (due - fire))
        busy.setdefault(r.station, []).append(span)
    learned = learned_seconds(ctx, s, {i.dish_id for i in order.items})
    new = [sequencing.Item(id=i.id, order_id=order.id, station=i.station,
                           prep_s=float(prep_learning.expected_prep(i.prep_seconds, i.extra_prep_seconds,
                                                                    learned.get(i.dish_id))),
                           ordered_at=order.created_at.timestamp(), course=i.course)
           for i in order.items if i.status in PREPARING]
    plan = sequencing.plan(now, ctx.settings.station_cooks, new,
                           tolerance_s=k.finish_tolerance_seconds, course_gap_s=k.course_gap_seconds, busy=busy)
    for i in order.items:
        if i.id in plan.items:
            i.fire_at, i.due_at = _dt(plan.items[i.id].fire_at), _dt(plan.items[i.id].ready_at)
    s.flush()
    return Moved(orders={order.id})  # nothing else moved; the new tickets are sent whole


def promise(ctx: Context, order: Order) -> datetime:
    """The time promised to the diner: when the order's last item is planned to be ready,
    plus the configured margin, rounded up to the minute."""
    due = max((i.due_at for i in order.items if i.due_at is not None), default=order.created_at)
    at = due + timedelta(minutes=ctx.settings.kitchen.promise_margin_minutes)
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return at


# -- prep-time learning ---------------------------------------------------------

def record_measurement(item: OrderItem) -> None:
    """At a bump: the seconds since a cook started the item, without the modifiers' extra
    prep (prep_learning.measurement); nothing when it was bumped without a start, cooked
    again after a recall, or the time is no plausible cooking time."""
    if item.timed and item.started_at is not None and item.ready_at is not None:
        item.cook_seconds = prep_learning.measurement((item.ready_at - item.started_at).total_seconds(),
                                                      item.extra_prep_seconds)
    else:
        item.cook_seconds = None
    item.timed = False


def refresh_estimates(ctx: Context, s: Session, dish_ids: set[int]) -> None:
    """Recompute the learned prep time of these dishes from their last measurements."""
    k = ctx.settings.kitchen
    s.flush()
    for dish_id in dish_ids:
        recent = list(s.scalars(
            select(OrderItem.cook_seconds).where(OrderItem.dish_id == dish_id, OrderItem.cook_seconds.is_not(None),
                                                 OrderItem.status.in_(COOKED))
            .order_by(OrderItem.ready_at.desc(), OrderItem.id.desc()).limit(k.learn_window)))
        est = prep_learning.estimate(recent, k.learn_min_samples)
        row = s.get(PrepEstimate, dish_id) or PrepEstimate(dish_id=dish_id)
        row.seconds, row.samples, row.outliers, row.recent = est.seconds, est.samples, est.outliers, recent
        row.updated_at = ctx.clock.now()
        s.add(row)


def prep_times(ctx: Context) -> dict:
    """Every dish's prep time on the menu next to the one the kitchen really takes."""
    lang = ctx.settings.restaurant.kitchen_lang
    with ctx.db.read() as s:
        estimates = {e.dish_id: e for e in s.scalars(select(PrepEstimate))}
        dishes = s.scalars(select(Dish).where(Dish.active.is_(True)).order_by(Dish.station, Dish.sort)).all()
        out = []
        for d in dishes:
            e = estimates.get(d.id)
            out.append({"dish_id": d.id, "name": localized(d.names, lang, ctx.settings.restaurant.languages),
                        "station": d.station, "menu_seconds": d.prep_seconds,
                        "learned_seconds": e.seconds if e else None, "samples": e.samples if e else 0,
                        "outliers": e.outliers if e else 0, "recent": list(e.recent) if e else []})
        return {"learning": ctx.settings.kitchen.learn_prep_times,
                "window": ctx.settings.kitchen.learn_window,
                "min_samples": ctx.settings.kitchen.learn_min_samples, "dishes": out}
