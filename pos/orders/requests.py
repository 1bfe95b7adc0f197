"""Diners asking from their phone: call a waiter, ask for the bill, or report a problem
with a dish (the item, a reason, optional text). A request rings on the cashier's
terminal (room "pos") until someone acknowledges it, and stays listed until resolved;
the diner's page hears each step (room "visit:<id>").

Pressing "call a waiter" twice while the first call is still open is one request, a
visit has at most MAX_OPEN open requests, and at most diner.max_requests new ones per
diner.rate_window_seconds: a phone cannot flood the terminal."""
from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import InstrumentedAttribute

from core.context import Context
from core.errors import Conflict, NotFound, RateLimited, TooMany, Unprocessable
from pos.orders.model import OrderItem, ServiceRequest, Visit
from pos.orders.signals import check_changed
from pos.orders.visits import table_link_only, visit_for_token

KINDS = ("waiter", "bill", "problem")
PROBLEM_REASONS = ("wrong_dish", "cold", "taste", "foreign_object", "missing", "slow", "other")
MAX_OPEN = 5


def request_dict(r: ServiceRequest, visit: Visit, item: OrderItem | None = None) -> dict:
    return {"id": r.id, "visit_id": r.visit_id, "table": visit.label, "kind": r.kind, "item_id": r.item_id,
            "item": (item.names if item is not None else None), "reason": r.reason, "text": r.text,
            "created_at": r.created_at.isoformat(),
            "acknowledged_at": r.acknowledged_at.isoformat() if r.acknowledged_at else None,
            "resolved_at": r.resolved_at.isoformat() if r.resolved_at else None, "resolution": r.resolution}


def _publish(ctx: Context, s: Session, r: ServiceRequest) -> dict:
    visit = s.get(Visit, r.visit_id)
    data = request_dict(r, visit, s.get(OrderItem, r.item_id) if r.item_id else None)
    ctx.publish(s, ["pos", f"visit:{r.visit_id}"], "request", data)
    s.flush()
    check_changed.send(ctx, session=s, visit=visit)  # the tile shows a table asking for its bill
    return data


def limit_rate(ctx: Context, s: Session, created_at: InstrumentedAttribute, *where, limit: int,
               message: str) -> None:
    """Refuse (429 rate_limited, nothing written) when ``limit`` rows matching ``where``
    were created within the last diner.rate_window_seconds by the injected clock. Counted
    in the database inside the caller's transaction, after it has locked the visit, so the
    limit holds across processes. ``retry_after`` is when enough of them have left the
    window for one more (the limit-th newest leaves; seconds, rounded up)."""
    window = timedelta(seconds=ctx.settings.diner.rate_window_seconds)
    now = ctx.clock.now()
    newest = s.scalars(select(created_at).where(*where, created_at > now - window)
                       .order_by(created_at.desc()).limit(limit)).all()
    if len(newest) < limit:
        return
    retry_after = max(1, math.ceil((newest[-1] + window - now).total_seconds()))
    raise RateLimited(message, retry_after=retry_after,
                      details={"limit": limit, "window_seconds": ctx.settings.diner.rate_window_seconds})


def ask(ctx: Context, s: Session, visit: Visit, kind: str, item_id: int | None = None, reason: str | None = None,
        text: str | None = None) -> tuple[dict, bool]:
    """A diner's request on their (locked, open) visit, in the caller's transaction.
    Returns (request, created)."""
    if kind not in KINDS:
        raise Unprocessable(f"Ask for one of {', '.join(KINDS)}.", code="unknown_request")
    open_ = s.scalars(select(ServiceRequest).where(ServiceRequest.visit_id == visit.id,
                                                   ServiceRequest.resolved_at.is_(None))).all()
    if kind in ("waiter", "bill"):
        same = next((r for r in open_ if r.kind == kind and r.acknowledged_at is None), None)
        if same is not None:  # already ringing: the same call, nothing new to tell
            return request_dict(same, visit, None), False
    else:
        if reason not in PROBLEM_REASONS:
            raise Unprocessable(f"Choose a reason: {', '.join(PROBLEM_REASONS)}.", code="unknown_reason")
        item = s.get(OrderItem, item_id) if item_id else None
        if item is None or item.order.visit_id != visit.id:
            raise NotFound("Choose a dish from this table's orders.", code="unknown_item")
        same = next((r for r in open_ if r.kind == "problem" and r.acknowledged_at is None and
                     (r.item_id, r.reason, r.text) == (item_id, reason, text)), None)
        if same is not None:  # the same report again (a double tap, a retry after a lost answer)
            return request_dict(same, visit, item), False
    if len(open_) >= MAX_OPEN:
        raise TooMany("Staff already have your requests; they are on their way.", code="too_many_requests")
    limit_rate(ctx, s, ServiceRequest.created_at, ServiceRequest.visit_id == visit.id,
               limit=ctx.settings.diner.max_requests,
               message="This table has sent many requests in the last few minutes; please wait a moment "
                       "or wave to a member of staff.")
    r = ServiceRequest(visit_id=visit.id, kind=kind, item_id=item_id if kind == "problem" else None,
                       reason=reason if kind == "problem" else None, text=text if kind == "problem" else None,
                       created_at=ctx.clock.now())
    s.add(r)
    s.flush()
    return _publish(ctx, s, r), True


def _load(s: Session, request_id: int) -> ServiceRequest:
    r = s.get(ServiceRequest, request_id, with_for_update=True)
    if r is None:
        raise NotFound(f"There is no request {request_id}.", code="unknown_request")
    return r


def acknowledge(ctx: Context, request_id: int, staff_id: int | None) -> dict:
    """Someone is on it: the terminal stops ringing; the diner sees it is seen."""
    with ctx.db.write() as s:
        r = _load(s, request_id)
        if r.acknowledged_at is None:
            r.acknowledged_at, r.acknowledged_by = ctx.clock.now(), staff_id
        return _publish(ctx, s, r)


def resolve(ctx: Context, request_id: int, staff_id: int | None, resolution: str | None = None) -> dict:
    """Done (the bill brought, the dish replaced): it leaves the terminal's list."""
    with ctx.db.write() as s:
        r = _load(s, request_id)
        if r.resolved_at is not None:
            raise Conflict("This request is already resolved.", code="already_resolved")
        now = ctx.clock.now()
        r.acknowledged_at = r.acknowledged_at or now
        r.acknowledged_by = r.acknowledged_by or staff_id
        r.resolved_at, r.resolved_by, r.resolution = now, staff_id, resolution
        return _publish(ctx, s, r)


def open_requests(ctx: Context) -> list[dict]:
    """Every request not yet resolved, oldest first (what the terminal lists)."""
    with ctx.db.read() as s:
        rows = s.scalars(select(ServiceRequest).where(ServiceRequest.resolved_at.is_(None))
                         .order_by(ServiceRequest.id)).all()
        return [request_dict(r, s.get(Visit, r.visit_id), s.get(OrderItem, r.item_id) if r.item_id else None)
                for r in rows]


def close_with_visit(ctx: Context, s: Session, visit_id: int, staff_id: int | None) -> None:
    """The check is closed: its open requests are done (they leave the terminals' list)."""
    for r in s.scalars(select(ServiceRequest).where(ServiceRequest.visit_id == visit_id,
                                                    ServiceRequest.resolved_at.is_(None))):
        now = ctx.clock.now()
        r.acknowledged_at = r.acknowledged_at or now
        r.resolved_at, r.resolved_by, r.resolution = now, staff_id, "check closed"
        ctx.publish(s, ["pos", f"visit:{visit_id}"], "request",
                    request_dict(r, s.get(Visit, visit_id), s.get(OrderItem, r.item_id) if r.item_id else None))


def ask_staff(ctx: Context, token: str, kind: str, item_id: int | None, reason: str | None,
              text: str | None) -> tuple[dict, bool]:
    """A diner's request from the phone, on their open visit."""
    with ctx.db.write() as s:
        visit = visit_for_token(ctx, s, token, lock=True)
        table_link_only(visit)
        return ask(ctx, s, visit, kind, item_id, reason, text)
