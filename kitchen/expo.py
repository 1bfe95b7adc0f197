"""Use cases of the pass: whole orders across stations, serving them, rushing them, and
finding the orders that are late for what the diner was promised."""
from __future__ import annotations

from sqlalchemy import exists, select

from core.context import Context
from core.errors import Conflict, NotFound
from kitchen import services as tickets
from kitchen.presenters import expo_order_dict, expo_status, servable
from pos.orders.model import Order, OrderItem
from pos.orders.status import IN_KITCHEN, PREPARING, ItemStatus, PassStatus



def expo_orders(ctx: Context) -> dict:
    """Orders with something not yet served, oldest first (rush first), with the outbox seq."""
    with ctx.db.read() as s:
        seq = ctx.realtime.current_seq(s)
        pending = exists().where(OrderItem.order_id == Order.id, OrderItem.status.in_(IN_KITCHEN))
        orders = s.scalars(tickets.order_query().where(pending).order_by(Order.rush.desc(), Order.id)).all()
        return {"seq": seq, "now": ctx.clock.now().isoformat(),
                "orders": [expo_order_dict(ctx, o) for o in orders]}


def _order(s, order_id: int) -> Order:
    order = s.scalar(tickets.order_query().where(Order.id == order_id))
    if order is None:
        raise NotFound(f"There is no order {order_id}.", code="unknown_order")
    return order


def serve_order(ctx: Context, order_id: int) -> dict:
    """The expeditor sends out what is ready of an order: every course whose dishes are all
    ready (the whole order once everything is), and ready drinks."""
    with ctx.db.write() as s:
        order = _order(s, order_id)
        status = expo_status(order)
        if status == PassStatus.SERVED:
            raise Conflict("This order has already been served.", code="already_served")
        if status == PassStatus.VOIDED:
            raise Conflict("Every dish of this order was voided.", code="nothing_to_serve")
        out = servable(order)
        if not out:
            waiting = [i.id for i in order.items if i.status in PREPARING]
            raise Conflict("No course of this order is ready yet.", code="not_ready", details={"items": waiting})
        for i in out:
            i.status = ItemStatus.SERVED
        if expo_status(order) == PassStatus.SERVED:
            order.served_at = ctx.clock.now()
        tickets.publish(ctx, s, {i.ticket_id for i in out if i.ticket_id}, {order.id}, tables={order.id})
        return expo_order_dict(ctx, order)


def set_rush(ctx: Context, order_id: int, rush: bool) -> dict:
    """Flag an order rush (planned before every other) or take the flag off."""
    with ctx.db.write() as s:
        order = _order(s, order_id)
        if not any(i.status in PREPARING for i in order.items):
            raise Conflict("Nothing of this order is left to cook.", code="nothing_to_cook")
        order.rush = rush
        tickets.replan_and_publish(ctx, s, {i.ticket_id for i in order.items if i.ticket_id}, {order.id})
        return expo_order_dict(ctx, order)


def flag_late_orders(ctx: Context) -> list[int]:
    """Orders past their promised time with dishes not yet served: flag them once, tell
    the kitchen, the pass and the cashier (the table's tile), and show the diner the apology."""
    now = ctx.clock.now()
    waiting = exists().where(OrderItem.order_id == Order.id, OrderItem.status.in_(IN_KITCHEN))
    overdue = select(Order).where(Order.late_at.is_(None), Order.promised_at.is_not(None),
                                  Order.promised_at < now, waiting).order_by(Order.id)
    with ctx.db.read() as s:  # most of the time nothing is late: no write lock for that
        if s.scalar(overdue.with_only_columns(Order.id).limit(1)) is None:
            return []
    with ctx.db.write() as s:
        late = s.scalars(overdue).all()
        for order in late:
            order.late_at = now
        if late:
            ids = {o.id for o in late}
            ticket_ids = set(s.scalars(select(OrderItem.ticket_id).where(OrderItem.order_id.in_(ids),
                                                                         OrderItem.ticket_id.is_not(None))))
            tickets.publish(ctx, s, ticket_ids, ids, tables=ids)  # the cashier's tile says LATE
        return [o.id for o in late]
