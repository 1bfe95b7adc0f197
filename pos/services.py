"""Use cases of the dining room: table visits and their links, orders, the check,
cash payments and closing a table."""
from __future__ import annotations

import hashlib
import json
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.context import Context
from app.errors import Conflict, DomainError, Forbidden
from kitchen import services as kitchen
from menu import services as menu
from pos import cashier, receipts
from pos.checks import (VISIT_LOADS, check_dict, load_visit, money, order_dict, summary_of, table_summary,
                        visit_bill, visit_url)
from pos.model import DiningTable, Order, OrderCounter, OrderItem, Visit
from pos.ordering import OrderRejected, RequestedLine, price_lines
from pos.tokens import read_token


# -- visits and links --------------------------------------------------------

def open_visit(ctx: Context, session: Session, table_id: int) -> Visit:
    visit = Visit(table_id=table_id, nonce=secrets.token_urlsafe(16), opened_at=ctx.clock.now())
    session.add(visit)
    session.flush()
    return visit


def visit_for_token(ctx: Context, session: Session, token: str, *, lock: bool = False,
                    closed_ok: bool = False) -> Visit:
    """The open visit a diner's token names; refuses forged tokens and (unless closed_ok)
    closed visits. lock=True holds the visit's row lock, so an order cannot slip in while
    the check closes."""
    parsed = read_token(ctx.secret, token)
    if parsed is None:
        raise Forbidden("This table link is not valid.", code="invalid_token")
    if not 0 < parsed[0] < 2**31:
        raise Forbidden("This table link is not valid.", code="invalid_token")
    visit = session.get(Visit, parsed[0], with_for_update=lock or None, populate_existing=lock)
    if visit is None or not secrets.compare_digest(visit.nonce, parsed[1]):
        raise Forbidden("This table link is not valid.", code="invalid_token")
    if not visit.is_open and not closed_ok:
        raise Forbidden("This table has been closed. Scan the code on your table again.",
                        code="visit_closed")
    return visit


def current_visits(ctx: Context) -> list[dict]:
    """Every table with its open visit's link (for QR codes)."""
    with ctx.db.read() as s:
        rows = s.execute(select(DiningTable, Visit).join(Visit, Visit.table_id == DiningTable.id)
                         .where(Visit.closed_at.is_(None)).order_by(DiningTable.sort, DiningTable.id)).all()
        return [{"table_id": t.id, "table": t.name, "seats": t.seats, "visit_id": v.id,
                 "url": visit_url(ctx, v)} for t, v in rows]


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
            existing = s.scalar(select(Order).where(Order.visit_id == visit.id,
                                                    Order.idempotency_key == idempotency_key))
            if existing is not None:
                return _replay(ctx, s, existing, digest), False
            try:
                priced = price_lines(menu.catalogue(s, {i.dish_id for i in items}), items)
            except OrderRejected as e:
                status = 409 if e.code == "sold_out" else 422
                raise DomainError("Some items cannot be ordered.", code=e.code, status=status,
                                  details=e.problems) from None
            now = ctx.clock.now()
            day = now.astimezone(ctx.settings.restaurant.tz).date()
            order = Order(visit=visit, number=_next_order_number(s, day), business_day=day, source=source,
                          idempotency_key=idempotency_key, request_hash=digest, created_at=now)
            order.items = [OrderItem(dish_id=p.dish_id, names=p.names, quantity=p.quantity,
                                     unit_price=p.unit_price, modifiers=p.modifiers, note=p.note,
                                     station=p.station, prep_seconds=p.prep_seconds,
                                     extra_prep_seconds=p.extra_prep_seconds, course=p.course, status="queued")
                           for p in priced]
            s.add(order)
            s.flush()
            kitchen.accept_order(ctx, s, order)
            data = order_dict(ctx, order)
            ctx.publish(s, f"visit:{visit.id}", "order", data)
            ctx.publish(s, "pos", "table", table_summary(ctx, s, visit))
            return data, True
    except IntegrityError:
        # Two submits with one key raced (PostgreSQL): the other one won; return its order.
        with ctx.db.read() as s:
            visit = visit_for_token(ctx, s, token)
            existing = s.scalar(select(Order).where(Order.visit_id == visit.id,
                                                    Order.idempotency_key == idempotency_key))
            if existing is None:
                raise
            return _replay(ctx, s, existing, digest), False


def _replay(ctx: Context, s: Session, order: Order, digest: str) -> dict:
    if order.request_hash != digest:
        raise Conflict("This idempotency key was used for a different order.", code="idempotency_key_reused")
    return order_dict(ctx, order)


# -- the check ---------------------------------------------------------------

def diner_view(ctx: Context, token: str, lang: str) -> dict:
    with ctx.db.read() as s:
        visit = load_visit(s, visit_for_token(ctx, s, token).id)
        return check_dict(ctx, visit, lang)


def closed_receipt(ctx: Context, token: str, lang: str) -> dict:
    """The receipt of the visit a token names, once its table is closed: the QR code on the
    paper receipt (and a diner's bookmarked link) keeps showing what was ordered and paid."""
    with ctx.db.read() as s:
        visit = load_visit(s, visit_for_token(ctx, s, token, closed_ok=True).id)
        if visit.is_open:
            raise Conflict("This table is still open.", code="visit_open")
        return receipts.receipt_data(ctx, visit, lang)


def floor(ctx: Context) -> list[dict]:
    with ctx.db.read() as s:
        visits = s.scalars(select(Visit).join(DiningTable).where(Visit.closed_at.is_(None))
                           .order_by(DiningTable.sort, DiningTable.id).options(*VISIT_LOADS)).all()
        return [summary_of(ctx, v) for v in visits]


def bill_of(ctx: Context, visit_id: int):
    """The check's arithmetic (pos.billing.Bill), for splitting it."""
    with ctx.db.read() as s:
        return visit_bill(ctx, load_visit(s, visit_id))


def open_check(ctx: Context, visit_id: int) -> dict:
    with ctx.db.read() as s:
        return check_dict(ctx, load_visit(s, visit_id))


def pay_cash(ctx: Context, visit_id: int, tendered: int, staff_id: int | None) -> dict:
    """Take cash for the open check; the change is what was handed over beyond what is due."""
    return cashier.pay(ctx, visit_id, tender="cash", amount=None, tendered=tendered,
                       staff={"id": staff_id} if staff_id else None)


def close_visit(ctx: Context, visit_id: int, staff_id: int | None) -> dict:
    """Close a paid (or empty) check and open the table's next visit: the old link
    stops working and the table gets a new QR link."""
    with ctx.db.write() as s:
        visit = load_visit(s, visit_id, lock=True)
        if not visit.is_open:
            raise Conflict("This check is already closed.", code="check_closed")
        t = visit_bill(ctx, visit)
        if t.due > 0:
            raise Conflict("This check still has money due.", code="unpaid",
                           details={"due": t.due, "due_formatted": money(ctx, t.due)})
        visit.closed_at = ctx.clock.now()
        visit.closed_by = staff_id
        s.flush()
        nxt = open_visit(ctx, s, visit.table_id)
        receipts.queue_qr_slip(ctx, s, visit.table.name, visit_url(ctx, nxt))
        ctx.publish(s, f"visit:{visit.id}", "visit_closed", {"visit_id": visit.id})
        ctx.publish(s, "pos", "table", table_summary(ctx, s, nxt))
        return {"closed_visit_id": visit.id, "next_visit_id": nxt.id, "table_id": visit.table_id,
                "url": visit_url(ctx, nxt)}
