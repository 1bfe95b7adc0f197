"""The durable print queue: jobs are rows written in the caller's transaction; the
print worker claims them atomically, prints, and records the outcome.

A printer prints its jobs strictly in order, one at a time, whichever process's
worker does it: a job is claimed only when it is the printer's oldest waiting job
and no other job of that printer is being printed. When the printer cannot be
reached, the head job's ``next_attempt_at`` is the printer's backoff, kept in the
database, so every process waits for it."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.context import Context
from app.database import after_commit
from printers.model import PrintJob

STALE_CLAIM = timedelta(seconds=120)


def enqueue(ctx: Context, s: Session, printer: str, kind: str, document: list, ticket_id: int | None = None) -> None:
    now = ctx.clock.now()
    s.add(PrintJob(printer=printer, kind=kind, document=document, ticket_id=ticket_id, status="pending",
                   attempts=0, next_attempt_at=now, created_at=now))
    after_commit(s, lambda: ctx.wake_printers(printer))


def claim_next(ctx: Context, printer: str, worker_id: str) -> PrintJob | None:
    """Claim this printer's oldest waiting job if it is due and nothing else of the
    printer is in flight. The conditional UPDATE makes the claim atomic, so several
    workers or processes never print the same job twice."""
    now = ctx.clock.now()
    with ctx.db.write() as s:
        # Claims left behind by a worker that died mid-job go back to the queue.
        s.execute(update(PrintJob).where(PrintJob.printer == printer, PrintJob.status == "printing",
                                         PrintJob.claimed_at < now - STALE_CLAIM)
                  .values(status="pending", claimed_by=None, maybe_delivered=True))  # it may have been sent
        if s.scalar(select(PrintJob.id).where(PrintJob.printer == printer, PrintJob.status == "printing").limit(1)):
            return None
        head = s.execute(select(PrintJob.id, PrintJob.next_attempt_at)
                         .where(PrintJob.printer == printer, PrintJob.status == "pending")
                         .order_by(PrintJob.id).limit(1)).first()
        if head is None or head.next_attempt_at > now:
            return None
        claimed = s.execute(update(PrintJob).where(PrintJob.id == head.id, PrintJob.status == "pending")
                            .values(status="printing", claimed_at=now, claimed_by=worker_id,
                                    attempts=PrintJob.attempts + 1)).rowcount
        if claimed != 1:
            return None
        return s.get(PrintJob, head.id)


def mark_printed(ctx: Context, job_id: int, worker_id: str) -> None:
    with ctx.db.write() as s:
        s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.claimed_by == worker_id)
                  .values(status="printed", printed_at=ctx.clock.now(), last_error=None))


def mark_unreachable(ctx: Context, job_id: int, worker_id: str, error: str, retry_at: datetime,
                     maybe_delivered: bool = False) -> None:
    """The printer did not (confirm it) take the job: it stays first in line, due again at
    retry_at; maybe_delivered (the bytes may have arrived) makes every later attempt a REPRINT."""
    with ctx.db.write() as s:
        s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.claimed_by == worker_id)
                  .values(status="pending", claimed_by=None, last_error=error[:500], next_attempt_at=retry_at,
                          maybe_delivered=PrintJob.maybe_delivered | maybe_delivered))


def mark_failed(ctx: Context, job_id: int, worker_id: str, error: str) -> None:
    """The job cannot be printed at all (its document does not render): set it aside as
    failed so the printer's other jobs go on; it stays visible with its error."""
    with ctx.db.write() as s:
        s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.claimed_by == worker_id)
                  .values(status="failed", claimed_by=None, last_error=error[:500]))


def next_due(ctx: Context, printer: str) -> datetime | None:
    """When this printer's head job is due (None when nothing waits)."""
    with ctx.db.read() as s:
        return s.scalar(select(PrintJob.next_attempt_at).where(
            PrintJob.printer == printer, PrintJob.status == "pending").order_by(PrintJob.id).limit(1))


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
