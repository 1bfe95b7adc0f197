"""Taking orders: a diner's from their table's link, the till's for a table, a takeaway or
the counter. Each is priced on the server and written with its idempotency key in one
transaction; the kitchen hears of it (order_accepted) and the till of the changed check
(check_changed) in that same transaction."""
from __future__ import annotations

import hashlib
import json
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.context import Context
from core.errors import Conflict, DomainError, NotFound
from core.time import business_day
from menu import services as menu
from pos.orders import requests
from pos.orders.model import Order, OrderCounter, OrderItem, Visit
from pos.orders.ordering import OrderRejected, RequestedLine, price_lines
from pos.orders.presenters import order_dict
from pos.orders.signals import check_changed, order_accepted
from pos.orders.visits import lock_visit, table_link_only, visit_for_token, visit_url
from pos.orders.status import ItemStatus


# -- orders ------------------------------------------------------------------

def _next_order_number(session: Session, day) -> int:
    dialect = session.bind.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OrderCounter).values(day=day, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=[OrderCounter.day],
                                      set_={"last": OrderCounter.last + 1}).returning(OrderCounter.last)
    return session.execute(stmt).scalar_one()


def _request_hash(items: list[RequestedLine]) -> str:
    canon = json.dumps([[i.dish_id, i.quantity, sorted(i.option_ids), i.note or ""] for i in items])
    return hashlib.sha256(canon.encode()).hexdigest()


def place_order(ctx: Context, token: str, idempotency_key: str, items: list[RequestedLine],
                source: str = "diner") -> tuple[dict, bool]:
    """Price the items on the server, write the order, its kitchen tickets and print
    jobs in one transaction. Returns (order, created); a repeated idempotency key
    returns the first order with created=False."""
    digest = _request_hash(items)
    try:
        with ctx.db.write() as s:
            visit = visit_for_token(ctx, s, token, lock=True)
            table_link_only(visit)
            return _add_order(ctx, s, visit, idempotency_key, digest, items, source)
    except IntegrityError:
        # Two submits with one key raced (PostgreSQL): the other one won; return its order.
        with ctx.db.read() as s:
            return _replay(ctx, s, _order_by_key(s, visit_for_token(ctx, s, token).id, idempotency_key), digest), False


def _order_by_key(s: Session, visit_id: int, key: str) -> Order:
    existing = s.scalar(select(Order).where(Order.visit_id == visit_id, Order.idempotency_key == key))
    if existing is None:
        raise Conflict("The order could not be saved; send it again.", code="concurrent_change")
    return existing


def _add_order(ctx: Context, s: Session, visit: Visit, key: str, digest: str, items: list[RequestedLine],
               source: str, seats: list[int | None] | None = None) -> tuple[dict, bool]:
    """The order on a locked, open visit (or the first one sent with this key)."""
    existing = s.scalar(select(Order).where(Order.visit_id == visit.id, Order.idempotency_key == key))
    if existing is not None:  # a replay is answered even over the limit below
        return _replay(ctx, s, existing, digest), False
    if source == "diner":  # the phones' orders; the till's are not limited
        requests.limit_rate(ctx, s, Order.created_at, Order.visit_id == visit.id, Order.source == "diner",
                            limit=ctx.settings.diner.max_orders,
                            message="This table has sent many orders in the last few minutes; please wait "
                                    "a moment or order from a member of staff.")
    try:
        priced = price_lines(menu.catalogue(s, {i.dish_id for i in items}), items)
    except OrderRejected as e:
        status = 409 if e.code == "sold_out" else 422
        raise DomainError("Some items cannot be ordered.", code=e.code, status=status,
                          details=e.problems) from None
    now = ctx.clock.now()
    day = business_day(now, ctx.settings.restaurant.tz)
    order = Order(visit=visit, number=_next_order_number(s, day), business_day=day, source=source,
                  idempotency_key=key, request_hash=digest, created_at=now)
    order.items = [OrderItem(dish_id=p.dish_id, names=p.names, quantity=p.quantity,
                             unit_price=p.unit_price, modifiers=p.modifiers, note=p.note,
                             station=p.station, prep_seconds=p.prep_seconds, seat=seat,
                             extra_prep_seconds=p.extra_prep_seconds, course=p.course, status=ItemStatus.QUEUED)
                   for p, seat in zip(priced, seats or [None] * len(priced))]
    s.add(order)
    s.flush()
    order_accepted.send(ctx, session=s, order=order)
    data = order_dict(ctx, order)
    ctx.publish(s, f"visit:{visit.id}", "order", data)
    check_changed.send(ctx, session=s, visit=visit)
    return data, True


def place_staff_order(ctx: Context, *, kind: str, table_id: int | None, pickup: str | None, key: str,
                      items: list[RequestedLine], seats: list[int | None], covers: int | None = None,
                      visit_id: int | None = None) -> tuple[dict, bool]:
    """An order entered at the terminal: for a table (its open check), or a takeaway or
    counter order, which opens a check of its own under a pickup name or number. It goes
    through the same kitchen and printer path as a diner's. Returns (order with its
    visit's id and link, created)."""
    digest = _request_hash(items)
    with ctx.db.write() as s:
        if visit_id is not None:  # another round on an open check
            visit = lock_visit(s, visit_id)
            if not visit.is_open:
                raise Conflict("This check is closed.", code="check_closed")
        elif kind == "table":
            visit = s.scalar(select(Visit).where(Visit.table_id == table_id, Visit.closed_at.is_(None)))
            if visit is None:
                raise NotFound(f"There is no table {table_id}.", code="unknown_table")
            visit = lock_visit(s, visit.id)
        else:
            # A retry of the same counter order (same key) finds its check instead of opening another.
            previous = s.scalar(select(Order).join(Visit).where(Order.idempotency_key == key,
                                                                Visit.kind == kind, Visit.table_id.is_(None)))
            if previous is not None:
                visit = lock_visit(s, previous.visit_id)
            else:
                visit = Visit(kind=kind, pickup=pickup, nonce=secrets.token_urlsafe(16), opened_at=ctx.clock.now())
                s.add(visit)
                s.flush()
        if covers is not None:
            visit.covers = covers
        data, created = _add_order(ctx, s, visit, key, digest, items,
                                   visit.kind if visit.kind != "table" else "staff", seats)
        return {**data, "label": visit.label, "url": visit_url(ctx, visit)}, created


def _replay(ctx: Context, s: Session, order: Order, digest: str) -> dict:
    if order.request_hash != digest:
        raise Conflict("This idempotency key was used for a different order.", code="idempotency_key_reused")
    return order_dict(ctx, order)
