"""Use cases of the pass: whole orders across stations, serving them, rushing them, and
finding the orders that are late for what the diner was promised."""
from __future__ import annotations

from sqlalchemy import exists, select

from app.context import Context
from app.errors import Conflict, NotFound
from kitchen import services as tickets
from pos.model import Order, OrderItem

IN_KITCHEN = ("queued", "cooking", "ready")


def expo_orders(ctx: Context) -> dict:
    """Orders with something not yet served, oldest first (rush first), with the outbox seq."""
    with ctx.db.read() as s:
        seq = ctx.realtime.current_seq(s)
        pending = exists().where(OrderItem.order_id == Order.id, OrderItem.status.in_(IN_KITCHEN))
        orders = s.scalars(tickets.order_query().where(pending).order_by(Order.rush.desc(), Order.id)).all()
        return {"seq": seq, "now": ctx.clock.now().isoformat(),
                "orders": [tickets.expo_order_dict(ctx, o) for o in orders]}


def _order(s, order_id: int) -> Order:
    order = s.scalar(tickets.order_query().where(Order.id == order_id))
    if order is None:
        raise NotFound(f"There is no order {order_id}.", code="unknown_order")
    return order


def serve_order(ctx: Context, order_id: int) -> dict:
    """The expeditor sends a ready order out: its items are served."""
    with ctx.db.write() as s:
        order = _order(s, order_id)
        live = [i for i in order.items if i.status != "voided"]
        if order.served_at is not None or (live and all(i.status == "served" for i in live)):
            raise Conflict("This order has already been served.", code="already_served")
        waiting = [i.id for i in live if i.status not in ("ready", "served")]
        if waiting:
            raise Conflict("Some dishes of this order are not ready yet.", code="not_ready",
                           details={"items": waiting})
        now = ctx.clock.now()
        for i in live:
            i.status = "served"
        order.served_at = now
        tickets.publish(ctx, s, {i.ticket_id for i in live if i.ticket_id}, {order.id}, tables=True)
        return tickets.expo_order_dict(ctx, order)


def set_rush(ctx: Context, order_id: int, rush: bool) -> dict:
    """Flag an order rush (planned before every other) or take the flag off."""
    with ctx.db.write() as s:
        order = _order(s, order_id)
        if not any(i.status in ("queued", "cooking") for i in order.items):
            raise Conflict("Nothing of this order is left to cook.", code="nothing_to_cook")
        order.rush = rush
        tickets.replan_and_publish(ctx, s, {i.ticket_id for i in order.items if i.ticket_id}, {order.id})
        return tickets.expo_order_dict(ctx, order)


def flag_late_orders(ctx: Context) -> list[int]:
    """Orders past their promised time with dishes still to cook: flag them once, tell
    the kitchen, the pass and the cashier (the table's tile), and show the diner the apology."""
    with ctx.db.write() as s:
        now = ctx.clock.now()
        cooking = exists().where(OrderItem.order_id == Order.id, OrderItem.status.in_(("queued", "cooking")))
        late = s.scalars(select(Order).where(Order.late_at.is_(None), Order.promised_at.is_not(None),
                                             Order.promised_at < now, cooking).order_by(Order.id)).all()
        for order in late:
            order.late_at = now
        if late:
            ids = {o.id for o in late}
            ticket_ids = set(s.scalars(select(OrderItem.ticket_id).where(OrderItem.order_id.in_(ids),
                                                                         OrderItem.ticket_id.is_not(None))))
            tickets.publish(ctx, s, ticket_ids, ids, tables=True)  # the cashier's tile says LATE
        return [o.id for o in late]
