"""The kitchen's plan kept current: every open item's fire and due time, recomputed by
kitchen.sequencing in the transaction of each change (an order, a start, a bump, a
recall, a void, a rush), and prep times learned from the kitchen's starts and bumps."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.context import Context
from kitchen import prep_learning, sequencing
from kitchen.model import PrepEstimate
from menu.model import Dish, localized
from pos.model import Order, OrderItem

OPEN = ("queued", "cooking")
# A plan time that moved by less than this is not rewritten nor re-sent to screens (a
# dish due to fire moves with the clock; screens need not hear of every second of it).
# It is the plan's own finishing tolerance, so stored times stay within it.


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


def replan(ctx: Context, s: Session) -> tuple[set[int], set[int]]:
    """Recompute the plan of every open item and store the times that moved.
    Returns (ticket ids, order ids) whose plan changed, for the caller to publish."""
    k = ctx.settings.kitchen
    s.flush()  # the change being planned for is in the rows below
    rows = s.connection().execute(select(*_PLAN_COLUMNS).join(Order, Order.id == OrderItem.order_id)
                                  .where(OrderItem.status.in_(OPEN))).all()
    learned = learned_seconds(ctx, s, {r.dish_id for r in rows})
    inputs, by_id = [], {}
    for r in rows:
        by_id[r.id] = r
        prep = r.prep_seconds
        if r.dish_id in learned:
            prep = prep_learning.expected_prep(r.prep_seconds, r.extra_prep_seconds, learned[r.dish_id])
        inputs.append(sequencing.Item(
            id=r.id, order_id=r.order_id, station=r.station, prep_s=float(prep),
            ordered_at=r.created_at.timestamp(), course=r.course, rush=r.rush,
            started_at=_ts(r.started_at) if r.status == "cooking" else None))
    now = ctx.clock.now().timestamp()
    plan = sequencing.plan(now, ctx.settings.station_cooks, inputs,
                           tolerance_s=k.finish_tolerance_seconds, course_gap_s=k.course_gap_seconds)
    unchanged = max(1.0, k.finish_tolerance_seconds)
    tickets, orders, changes = set(), set(), []
    for item_id, p in plan.items.items():
        r = by_id[item_id]
        old_fire, old_due = _ts(r.fire_at), _ts(r.due_at)
        fire_moved = old_fire is None or (abs(old_fire - p.fire_at) >= unchanged
                                          and not (old_fire <= now and p.fire_at <= now))  # fire now, still
        if fire_moved or old_due is None or abs(old_due - p.ready_at) >= unchanged:
            changes.append({"id": item_id, "fire_at": _dt(p.fire_at), "due_at": _dt(p.ready_at)})
            if r.ticket_id is not None:
                tickets.add(r.ticket_id)
            orders.add(r.order_id)
    if changes:
        s.execute(update(OrderItem), changes)  # one UPDATE per row, by primary key, as one batch
        for c in changes:  # items this session already holds see their new times too
            item = s.identity_map.get(identity_key(OrderItem, c["id"]))
            if item is not None:
                set_committed_value(item, "fire_at", c["fire_at"])
                set_committed_value(item, "due_at", c["due_at"])
    return tickets, orders


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
    prep; nothing when it was bumped without a start or cooked again after a recall."""
    if item.timed and item.started_at is not None and item.ready_at is not None and item.ready_at > item.started_at:
        item.cook_seconds = round((item.ready_at - item.started_at).total_seconds()) - item.extra_prep_seconds
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
                                                 OrderItem.status.in_(("ready", "served")))
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
