"""Table visits and their links: a new visit for a table, the visit a diner's token
names, the lock that serialises changes to one visit."""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.context import Context
from core.errors import Forbidden, NotFound
from pos.orders.model import DiningTable, Order, Visit
from pos.orders.tokens import make_token, read_token


def visit_token(ctx: Context, visit: Visit) -> str:
    return make_token(ctx.secret, visit.id, visit.nonce)


def visit_url(ctx: Context, visit: Visit) -> str:
    """The diner's page of this visit: what its table's QR code and its receipt link to."""
    return f"{ctx.settings.server.public_base_url}/v/{visit_token(ctx, visit)}"


def new_visit(ctx: Context, session: Session, table_id: int) -> Visit:
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
    try:
        visit = lock_visit(session, parsed[0], loads=()) if lock else session.get(Visit, parsed[0])
    except NotFound:
        visit = None
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


def table_link_only(visit: Visit) -> None:
    """A takeaway or counter check's link (on its receipt) only follows the order: more is
    ordered and asked for at the counter."""
    if visit.table_id is None:
        raise Forbidden("This link follows a takeaway order; please order at the counter.",
                        code="follow_only")


ORDER_LOADS = (selectinload(Visit.orders).selectinload(Order.items), selectinload(Visit.table))


def lock_visit(s: Session, visit_id: int, loads=ORDER_LOADS) -> Visit:
    """The visit (with its orders, items and table, or the given loads) under the row lock
    that serialises everything that changes one visit: its orders and its check (on SQLite
    BEGIN IMMEDIATE already does). The one place a visit is locked."""
    visit = s.scalar(select(Visit).where(Visit.id == visit_id).with_for_update()
                     .execution_options(populate_existing=True).options(*loads))
    if visit is None:
        raise NotFound(f"There is no visit {visit_id}.", code="unknown_visit")
    return visit
