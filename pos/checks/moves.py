"""Where a check sits: moving a party to another table, merging two checks, seating a
party, and the floor plan a manager arranges."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.context import Actor, Context
from core.errors import Conflict, NotFound
from pos.checks import receipts
from pos.checks.audit import audit
from pos.checks.summary import changed, floor, load_visit, lock_check, publish_summary
from pos.checks.signals import check_moved
from pos.orders.model import DiningTable, ServiceRequest, Visit
from pos.orders.visits import new_visit, visit_url


def _table_visit(s: Session, table_id: int) -> Visit:
    visit_id = s.scalar(select(Visit.id).where(Visit.table_id == table_id, Visit.closed_at.is_(None)))
    if visit_id is None:
        raise NotFound(f"There is no table {table_id}.", code="unknown_table")
    return lock_check(s, visit_id, open_only=False)


def move_check(ctx: Context, visit_id: int, to_table_id: int, actor: Actor) -> dict:
    """The party moves to another (free) table with its whole check and its phones' link.
    The free table's unused visit is closed; the table left behind gets a new visit. Both
    tables get a fresh QR slip, so the paper code on each table is that table's check."""
    with ctx.db.write() as s:
        visit = lock_check(s, visit_id)
        if visit.table_id is None:
            raise Conflict("A takeaway or counter check has no table to move from.", code="not_a_table")
        target = _table_visit(s, to_table_id)
        if target.id == visit.id:
            raise Conflict("The check is already at that table.", code="same_table")
        if target.orders or target.payments or target.adjustments:
            raise Conflict("That table has a check of its own: merge instead.", code="table_taken")
        source_table = visit.table_id
        target.closed_at = ctx.clock.now()  # nobody used it; its link stops working
        s.flush()
        visit.table_id = to_table_id
        s.flush()
        s.expire(visit, ["table"])
        left = new_visit(ctx, s, source_table)
        for v in (visit, left):
            receipts.queue_qr_slip(ctx, s, v.label, visit_url(ctx, v))
        audit(ctx, s, "check_moved", staff_id=actor.id, visit_id=visit.id,
              from_table=source_table, to_table=to_table_id)
        check_moved.send(ctx, session=s, visit=visit)
        publish_summary(ctx, s, left)
        return changed(ctx, s, visit)


def merge_checks(ctx: Context, from_visit_id: int, into_visit_id: int, actor: Actor) -> dict:
    """Two tables become one check: the orders, payments, discounts and requests of one move
    to the other, nothing goes to the kitchen again, and the emptied table gets its next
    visit and QR link (its old link stops working)."""
    if from_visit_id == into_visit_id:
        raise Conflict("A check cannot be merged into itself.", code="same_check")
    with ctx.db.write() as s:
        # Lock both in id order, so two merges the other way round cannot deadlock.
        first, second = sorted((from_visit_id, into_visit_id))
        locked = {first: lock_check(s, first), second: lock_check(s, second)}
        source, into = locked[from_visit_id], locked[into_visit_id]
        if any(a.item_id is None and a.removed_at is None for a in source.adjustments):
            # A check discount was given (and approved) for that check alone.
            raise Conflict("Take this check's whole-check discounts off before merging it.",
                           code="check_discounts")
        if source.covers or into.covers:
            into.covers = (into.covers or 0) + (source.covers or 0)
        for o in list(source.orders):
            o.visit_id = into.id
        for p in list(source.payments):
            p.visit_id = into.id
        for a in list(source.adjustments):
            a.visit_id = into.id
        for r in s.scalars(select(ServiceRequest).where(ServiceRequest.visit_id == source.id)):
            r.visit_id = into.id
        source.closed_at = ctx.clock.now()
        source.closed_by = actor.id
        s.flush()
        s.expire_all()
        into = load_visit(s, into.id)
        audit(ctx, s, "checks_merged", staff_id=actor.id, visit_id=into.id,
              merged_visit=source.id)
        ctx.publish(s, f"visit:{source.id}", "visit_closed", {"visit_id": source.id, "merged_into": into.id})
        check_moved.send(ctx, session=s, visit=into)
        if source.table_id is not None:
            nxt = new_visit(ctx, s, source.table_id)
            receipts.queue_qr_slip(ctx, s, nxt.label, visit_url(ctx, nxt))
            publish_summary(ctx, s, nxt)
        else:
            publish_summary(ctx, s, source)  # the takeaway card leaves the terminals
        return changed(ctx, s, into)


def seat_party(ctx: Context, visit_id: int, covers: int, actor: Actor) -> dict:
    """A party sits down: the table shows "seated" and the day counts its covers."""
    with ctx.db.write() as s:
        visit = lock_check(s, visit_id)
        visit.covers = covers
        return changed(ctx, s, visit)


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
