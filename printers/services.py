"""The durable print queue: jobs are rows written in the caller's transaction; the
print worker claims them atomically, prints, and records the outcome."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from app.context import Context
from app.database import after_commit
from printers.model import PrintJob

STALE_CLAIM = timedelta(seconds=120)


def enqueue(ctx: Context, s: Session, printer: str, kind: str, document: list, ticket_id: int | None = None) -> None:
    now = ctx.clock.now()
    s.add(PrintJob(printer=printer, kind=kind, document=document, ticket_id=ticket_id, status="pending",
                   attempts=0, next_attempt_at=now, created_at=now))
    after_commit(s, ctx.wake_printers)


def claim_next(ctx: Context, printer: str, worker_id: str) -> PrintJob | None:
    """Claim the oldest due job of this printer. The conditional UPDATE makes the claim
    atomic, so several workers or processes never print the same job twice."""
    now = ctx.clock.now()
    with ctx.db.write() as s:
        # Claims left behind by a worker that died mid-job go back to the queue.
        s.execute(update(PrintJob).where(PrintJob.printer == printer, PrintJob.status == "printing",
                                         PrintJob.claimed_at < now - STALE_CLAIM)
                  .values(status="pending", claimed_by=None))
        job_id = s.scalar(select(PrintJob.id).where(PrintJob.printer == printer, PrintJob.status == "pending",
                                                    PrintJob.next_attempt_at <= now)
                          .order_by(PrintJob.id).limit(1))
        if job_id is None:
            return None
        claimed = s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.status == "pending")
                            .values(status="printing", claimed_at=now, claimed_by=worker_id,
                                    attempts=PrintJob.attempts + 1)).rowcount
        if claimed != 1:
            return None
        return s.get(PrintJob, job_id)


def mark_printed(ctx: Context, job_id: int, worker_id: str) -> None:
    with ctx.db.write() as s:
        s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.claimed_by == worker_id)
                  .values(status="printed", printed_at=ctx.clock.now(), last_error=None))


def mark_failed(ctx: Context, job_id: int, worker_id: str, error: str, *, retry_at: datetime,
                give_up: bool = False) -> None:
    """Put the job back in the queue (due at retry_at), or mark it failed for good."""
    with ctx.db.write() as s:
        job = s.get(PrintJob, job_id)
        if job.claimed_by == worker_id:
            job.status, job.claimed_by = ("failed" if give_up else "pending"), None
            job.last_error = error[:500]
            job.next_attempt_at = retry_at


def next_due(ctx: Context, printer: str) -> datetime | None:
    with ctx.db.read() as s:
        return s.scalar(select(func.min(PrintJob.next_attempt_at)).where(
            PrintJob.printer == printer, or_(PrintJob.status == "pending",
                                             and_(PrintJob.status == "printing",
                                                  PrintJob.claimed_at < ctx.clock.now() - STALE_CLAIM))))


def queue_status(ctx: Context) -> list[dict]:
    """Per printer: jobs waiting, last error (for the cashier and the API)."""
    with ctx.db.read() as s:
        rows = s.execute(select(PrintJob.printer, func.count(PrintJob.id))
                         .where(PrintJob.status.in_(("pending", "printing"))).group_by(PrintJob.printer)).all()
        depth = dict(rows)
        out = []
        for p in ctx.settings.printers:
            last = s.scalar(select(PrintJob).where(PrintJob.printer == p.name)
                            .order_by(PrintJob.id.desc()).limit(1))
            out.append({"name": p.name, "enabled": p.enabled, "queue_depth": depth.get(p.name, 0),
                        "last_error": last.last_error if last and last.status != "printed" else None,
                        "last_printed_at": last.printed_at.isoformat() if last and last.printed_at else None})
        return out
