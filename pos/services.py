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

from core.context import Context
from core.errors import Conflict, DomainError, Forbidden, NotFound
from kitchen import services as kitchen
from menu import services as menu
from pos import cashier, receipts, requests
from pos.checks import (VISIT_LOADS, check_dict, load_visit, money, order_dict, publish_summary, summary_of,
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
            _table_link_only(visit)
            return _add_order(ctx, s, visit, idempotency_key, digest, items, source)
    except IntegrityError:
        # Two submits with one key raced (PostgreSQL): the other one won; return its order.
        with ctx.db.read() as s:
            return _replay(ctx, s, _order_by_key(s, visit_for_token(ctx, s, token).id, idempotency_key), digest), False


def _table_link_only(visit: Visit) -> None:
    """A takeaway or counter check's link (on its receipt) only follows the order: more is
    ordered and asked for at the counter."""
    if visit.table_id is None:
        raise Forbidden("This link follows a takeaway order; please order at the counter.",
                        code="follow_only")


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
    day = now.astimezone(ctx.settings.restaurant.tz).date()
    order = Order(visit=visit, number=_next_order_number(s, day), business_day=day, source=source,
                  idempotency_key=key, request_hash=digest, created_at=now)
    order.items = [OrderItem(dish_id=p.dish_id, names=p.names, quantity=p.quantity,
                             unit_price=p.unit_price, modifiers=p.modifiers, note=p.note,
                             station=p.station, prep_seconds=p.prep_seconds, seat=seat,
                             extra_prep_seconds=p.extra_prep_seconds, course=p.course, status="queued")
                   for p, seat in zip(priced, seats or [None] * len(priced))]
    s.add(order)
    s.flush()
    kitchen.accept_order(ctx, s, order)
    data = order_dict(ctx, order)
    ctx.publish(s, f"visit:{visit.id}", "order", data)
    publish_summary(ctx, s, visit)
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
            visit = load_visit(s, visit_id, lock=True)
            if not visit.is_open:
                raise Conflict("This check is closed.", code="check_closed")
        elif kind == "table":
            visit = s.scalar(select(Visit).where(Visit.table_id == table_id, Visit.closed_at.is_(None)))
            if visit is None:
                raise NotFound(f"There is no table {table_id}.", code="unknown_table")
            visit = load_visit(s, visit.id, lock=True)
        else:
            # A retry of the same counter order (same key) finds its check instead of opening another.
            previous = s.scalar(select(Order).join(Visit).where(Order.idempotency_key == key,
                                                                Visit.kind == kind, Visit.table_id.is_(None)))
            if previous is not None:
                visit = load_visit(s, previous.visit_id, lock=True)
            else:
                visit = Visit(kind=kind, pickup=pickup, nonce=secrets.token_urlsafe(16), opened_at=ctx.clock.now())
                s.add(visit)
                s.flush()
        if covers is not None:
            visit.covers = covers
        data, created = _add_order(ctx, s, visit, key, digest, items,
                                   visit.kind if visit.kind != "table" else "staff", seats)
        return {**data, "label": visit.label, "url": visit_url(ctx, visit)}, created


def open_checks(ctx: Context) -> list[dict]:
    """The open takeaway and counter checks (tables are on the floor)."""
    with ctx.db.read() as s:
        visits = s.scalars(select(Visit).where(Visit.closed_at.is_(None), Visit.table_id.is_(None))
                           .order_by(Visit.id).options(*VISIT_LOADS)).all()
        return [summary_of(ctx, v) for v in visits]


def _replay(ctx: Context, s: Session, order: Order, digest: str) -> dict:
    if order.request_hash != digest:
        raise Conflict("This idempotency key was used for a different order.", code="idempotency_key_reused")
    return order_dict(ctx, order)


# -- the check ---------------------------------------------------------------

def diner_view(ctx: Context, token: str, lang: str) -> dict:
    """The check as the diner's phone shows it: staff-only details (card references,
    discount reasons) left out."""
    with ctx.db.read() as s:
        visit = load_visit(s, visit_for_token(ctx, s, token).id)
        check = check_dict(ctx, visit, lang)
        for p in check["payments"]:
            p["reference"] = None
        for a in check["adjustments"]:
            a["reason"] = ""
        return check


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
        requests.close_with_visit(ctx, s, visit.id, staff_id)
        s.flush()
        ctx.publish(s, f"visit:{visit.id}", "visit_closed", {"visit_id": visit.id})
        if visit.table_id is None:  # a takeaway or counter check: no next party
            publish_summary(ctx, s, visit)
            return {"closed_visit_id": visit.id, "next_visit_id": None, "table_id": None, "url": None}
        nxt = open_visit(ctx, s, visit.table_id)
        receipts.queue_qr_slip(ctx, s, visit.table.name, visit_url(ctx, nxt))
        publish_summary(ctx, s, nxt)
        return {"closed_visit_id": visit.id, "next_visit_id": nxt.id, "table_id": visit.table_id,
                "url": visit_url(ctx, nxt)}


# -- diners asking ------------------------------------------------------------

def ask_staff(ctx: Context, token: str, kind: str, item_id: int | None, reason: str | None,
              text: str | None) -> tuple[dict, bool]:
    """A diner's request from the phone (pos.requests), on their open visit."""
    with ctx.db.write() as s:
        visit = visit_for_token(ctx, s, token, lock=True)
        _table_link_only(visit)
        return requests.ask(ctx, s, visit, kind, item_id, reason, text)


# -- the floor plan -----------------------------------------------------------

def arrange_floor(ctx: Context, placements: list[dict]) -> list[dict]:
    """A manager moves tables on the floor plan: [{table_id, x, y, shape?}]; every table
    named must exist, and two tables may not share a cell."""
    with ctx.db.write() as s:
        tables = {t.id: t for t in s.scalars(select(DiningTable))}
        unknown = [p["table_id"] for p in placements if p["table_id"] not in tables]
        if unknown:
            raise NotFound(f"There is no table {unknown[0]}.", code="unknown_table", details={"table_ids": unknown})
        for p in placements:
            t = tables[p["table_id"]]
            t.x, t.y = p["x"], p["y"]
            t.shape = p.get("shape") or t.shape
        cells = [(t.x, t.y) for t in tables.values() if t.x is not None]
        if len(cells) != len(set(cells)):
            raise Conflict("Two tables would stand in the same place.", code="overlap")
        moved = {p["table_id"] for p in placements}
        for v in s.scalars(select(Visit).where(Visit.closed_at.is_(None), Visit.table_id.in_(moved))):
            publish_summary(ctx, s, v)  # only the tiles that moved
    return floor(ctx)
