"""The audit log: every void, comp, discount, refund, price override, move and drawer
opening, with who did it and who approved it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.context import Context
from pos.checks.summary import money
from pos.checks.model import AuditEntry
from staff.model import StaffUser


def audit(ctx: Context, s: Session, action: str, *, staff_id: int | None, approved_by: int | None = None,
          visit_id: int | None = None, item_id: int | None = None, amount: int | None = None,
          reason: str | None = None, **details) -> None:
    s.add(AuditEntry(at=ctx.clock.now(), action=action, staff_id=staff_id, approved_by=approved_by,
                     visit_id=visit_id, item_id=item_id, amount=amount, reason=reason, details=details))


def audit_log(ctx: Context, *, action: str | None = None, staff_id: int | None = None,
              since: datetime | None = None, until: datetime | None = None, limit: int = 200) -> list[dict]:
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        q = q.where(AuditEntry.action == action)
    if staff_id:
        q = q.where((AuditEntry.staff_id == staff_id) | (AuditEntry.approved_by == staff_id))
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at < until)
    with ctx.db.read() as s:
        names = dict(s.execute(select(StaffUser.id, StaffUser.name)).all())
        return [{"id": e.id, "at": e.at.isoformat(), "action": e.action, "staff_id": e.staff_id,
                 "staff": names.get(e.staff_id), "approved_by": e.approved_by,
                 "approver": names.get(e.approved_by), "visit_id": e.visit_id, "item_id": e.item_id,
                 "amount": e.amount, "amount_formatted": money(ctx, e.amount) if e.amount is not None else None,
                 "reason": e.reason, "details": e.details} for e in s.scalars(q)]
