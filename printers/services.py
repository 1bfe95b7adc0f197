"""The durable print queue: jobs are rows written in the caller's transaction; the
print worker claims them atomically, prints, and records the outcome.

A printer prints its jobs strictly in order, one at a time, whichever process's
worker does it: a job is claimed only when it is the printer's oldest waiting job
and no other job of that printer is being printed. When the printer cannot be
reached, the head job's ``next_attempt_at`` is the printer's backoff, kept in the
database, so every process waits for it."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.context import Context
from core.database import after_commit
from core.errors import Conflict, NotFound
from core.time import SECONDS, local_text
from printers.model import QUEUED, JobStatus, PrintJob, PrinterState
from printers import device

STALE_CLAIM = timedelta(seconds=120)
# A printer that said this at its last attempt does not take another printer's jobs.
TROUBLE = frozenset({"unreachable", "offline", "paper_out"})
# Kinds that stay on their printer: the drawer is wired to it; a test page tests it.
NOT_REDIRECTED = frozenset({"drawer", "self_test"})


def enqueue(ctx: Context, s: Session, printer: str, kind: str, data: dict, ticket_id: int | None = None) -> str:
    """Queue printers.layout's `kind` layout of `data`, laid out when it prints. While the
    printer is down (failed over) the job goes straight to its backup, marked REDIRECTED,
    if the backup is working: waiting for the printer to fail three more times would hold
    a new ticket for a minute. Returns the printer the job went to."""
    now = ctx.clock.now()
    redirected_from = None
    backup = _backup_of(ctx, s, printer) if kind not in NOT_REDIRECTED else None
    if backup is not None:
        state = s.get(PrinterState, printer)
        if state is not None and state.down_since is not None:
            printer, redirected_from = backup.name, printer
    s.add(PrintJob(printer=printer, kind=kind, document=data, ticket_id=ticket_id, status=JobStatus.PENDING,
                   attempts=0, next_attempt_at=now, created_at=now, redirected_from=redirected_from))
    after_commit(s, lambda: ctx.wake_printers(printer))
    return printer


def _backup_of(ctx: Context, s: Session, printer: str):
    """The printer's backup if it is enabled and working (not down, and its last attempt
    was not in trouble): a backup that is down too would only hold the jobs hostage."""
    cfg = ctx.settings.printer(printer)
    backup = ctx.settings.printer(cfg.backup) if cfg and cfg.backup else None
    if backup is None or not backup.enabled:
        return None
    state = s.get(PrinterState, backup.name)
    if state is not None and (state.down_since is not None or state.state in TROUBLE):
        return None
    return backup


def release_dead_claims(ctx: Context, host: str, alive: Callable[[int], bool]) -> int:
    """At start-up: the jobs a dead process of this host left claimed (worker ids are
    host:pid:printer) go back to the queue at once, marked maybe delivered (so they print
    marked REPRINT), instead of after the stale-claim takeover. Claims of live processes
    (several servers on one machine) and of other hosts are left alone. Returns how many."""
    with ctx.db.write() as s:
        rows = s.execute(select(PrintJob.id, PrintJob.claimed_by).where(
            PrintJob.status == JobStatus.PRINTING, PrintJob.claimed_by.like(f"{host}:%"))).all()
        dead = [job_id for job_id, by in rows if not _claimant_alive(by, alive)]
        if dead:
            s.execute(update(PrintJob).where(PrintJob.id.in_(dead), PrintJob.status == JobStatus.PRINTING)
                      .values(status=JobStatus.PENDING, claimed_by=None, maybe_delivered=True))
        return len(dead)


def _claimant_alive(worker_id: str, alive: Callable[[int], bool]) -> bool:
    parts = worker_id.split(":")
    return len(parts) >= 3 and parts[1].isdigit() and alive(int(parts[1]))


def claim_next(ctx: Context, printer: str, worker_id: str) -> PrintJob | None:
    """Claim this printer's oldest waiting job if it is due and nothing else of the
    printer is in flight. The conditional UPDATE makes the claim atomic, so several
    workers or processes never print the same job twice."""
    now = ctx.clock.now()
    with ctx.db.write() as s:
        # Claims left behind by a worker that died mid-job go back to the queue.
        # One attempt takes at most connect, a slow printer's device.SLOW_JOB_S and a last status read.
        stale = max(STALE_CLAIM, timedelta(seconds=device.SLOW_JOB_S + 4 * ctx.settings.printing.timeout_seconds))
        s.execute(update(PrintJob).where(PrintJob.printer == printer, PrintJob.status == JobStatus.PRINTING,
                                         PrintJob.claimed_at < now - stale)
                  .values(status=JobStatus.PENDING, claimed_by=None, maybe_delivered=True))  # it may have been sent
        if s.scalar(select(PrintJob.id).where(PrintJob.printer == printer, PrintJob.status == JobStatus.PRINTING).limit(1)):
            return None
        head = s.execute(select(PrintJob.id, PrintJob.next_attempt_at)
                         .where(PrintJob.printer == printer, PrintJob.status == JobStatus.PENDING)
                         .order_by(PrintJob.id).limit(1)).first()
        if head is None or head.next_attempt_at > now:
            return None
        claimed = s.execute(update(PrintJob).where(PrintJob.id == head.id, PrintJob.status == JobStatus.PENDING)
                            .values(status=JobStatus.PRINTING, claimed_at=now, claimed_by=worker_id,
                                    attempts=PrintJob.attempts + 1)).rowcount
        if claimed != 1:
            return None
        return s.get(PrintJob, head.id)


# A delivery failure's reason (printers.device.PrinterUnavailable) -> the printer's state.
STATE_OF_REASON = {"paper_out": "paper_out", "offline": "offline"}  # anything else: unreachable


def _record_state(ctx: Context, s, printer: str, state: str, detail: str | None) -> PrinterState:
    row = s.get(PrinterState, printer) or PrinterState(printer=printer)
    row.state, row.detail, row.checked_at = state, detail, ctx.clock.now()
    if state in ("online", "paper_low") and row.down_since is not None:
        row.down_since = None  # it works: its new jobs are its own again,
        _take_back(ctx, s, printer)  # and so are those still waiting at its backup
    s.add(row)
    return row


def _take_back(ctx: Context, s, printer: str) -> None:
    """A printer that works again takes back its jobs still waiting elsewhere (not those
    being printed), in their order; they print without the REDIRECTED banner, at their own
    station, and a job that may already have printed still says REPRINT."""
    back = s.scalars(select(PrintJob).where(PrintJob.redirected_from == printer, PrintJob.status == JobStatus.PENDING)).all()
    for j in back:
        j.printer, j.redirected_from = printer, None
        j.attempts, j.next_attempt_at = 0, ctx.clock.now()
    if back:
        after_commit(s, lambda: ctx.wake_printers(printer))


def mark_printed(ctx: Context, job_id: int, worker_id: str, printer: str | None = None,
                 state: str = "online") -> None:
    """Printed and confirmed; state is what the printer reported (online or paper_low)."""
    with ctx.db.write() as s:
        s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.claimed_by == worker_id)
                  .values(status=JobStatus.PRINTED, printed_at=ctx.clock.now(), last_error=None))
        if printer:
            _record_state(ctx, s, printer, state, None)


HOLDS_JOBS = frozenset({"offline", "paper_out"})  # it answers, and keeps what it is sent until it is back


def holds_jobs(ctx: Context, printer: str) -> bool:
    """The printer last said it is offline or out of paper: it keeps what it is sent and
    prints all of it when it is back, so nothing more is sent until it says it works."""
    with ctx.db.read() as s:
        row = s.get(PrinterState, printer)
        return row is not None and row.state in HOLDS_JOBS


def is_down(ctx: Context, printer: str) -> bool:
    """Failed over to its backup and not seen working since."""
    with ctx.db.read() as s:
        row = s.get(PrinterState, printer)
        return row is not None and row.down_since is not None


def record_probe(ctx: Context, printer: str, state: str, detail: str | None = None) -> None:
    """What a status probe of a down printer found: online or paper_low bring it back."""
    with ctx.db.write() as s:
        _record_state(ctx, s, printer, state, detail)


def mark_unreachable(ctx: Context, job_id: int, worker_id: str, error: str, retry_at: datetime,
                     maybe_delivered: bool = False, printer: str | None = None, reason: str | None = None) -> None:
    """The printer did not (confirm it) take the job: it stays first in line, due again at
    retry_at; maybe_delivered (the bytes may have arrived) makes every later attempt a REPRINT."""
    with ctx.db.write() as s:
        s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.claimed_by == worker_id)
                  .values(status=JobStatus.PENDING, claimed_by=None, last_error=error[:500], next_attempt_at=retry_at,
                          maybe_delivered=PrintJob.maybe_delivered | maybe_delivered))
        if printer:
            state = _record_state(ctx, s, printer, STATE_OF_REASON.get(reason or "", "unreachable"), error[:500])
            _fail_over(ctx, s, job_id, printer, state)


def _fail_over(ctx: Context, s, job_id: int, printer: str, state: PrinterState) -> None:
    """After printing.failover_after failed attempts at its head job, a printer counts as
    down: every job waiting for it moves to its backup, marked REDIRECTED and due at once
    (ids keep their place in the backup's line). Drawer kicks stay: the drawer is wired
    to this printer. The printer is down until a probe or a print finds it working: jobs
    queued meanwhile go straight to the backup (see enqueue)."""
    backup = _backup_of(ctx, s, printer)
    job = s.get(PrintJob, job_id)
    if backup is None or job is None or job.status != JobStatus.PENDING:
        return
    if job.attempts < ctx.settings.printing.failover_after:
        return
    state.down_since = state.down_since or ctx.clock.now()
    waiting = s.scalars(select(PrintJob).where(PrintJob.printer == printer, PrintJob.status == JobStatus.PENDING,
                                               PrintJob.kind.not_in(NOT_REDIRECTED))).all()
    for j in waiting:
        # A job going home (it came from the backup) is no longer redirected.
        j.printer = backup.name
        j.redirected_from = None if j.redirected_from == backup.name else (j.redirected_from or printer)
        j.attempts, j.next_attempt_at = 0, ctx.clock.now()
    if waiting:
        after_commit(s, lambda: ctx.wake_printers(backup.name))


def mark_failed(ctx: Context, job_id: int, worker_id: str, error: str) -> None:
    """The job cannot be printed at all (its document does not render): set it aside as
    failed so the printer's other jobs go on; it stays visible with its error."""
    with ctx.db.write() as s:
        s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.claimed_by == worker_id)
                  .values(status=JobStatus.FAILED, claimed_by=None, last_error=error[:500]))


def next_due(ctx: Context, printer: str) -> datetime | None:
    """When this printer's head job is due (None when nothing waits)."""
    with ctx.db.read() as s:
        return s.scalar(select(PrintJob.next_attempt_at).where(
            PrintJob.printer == printer, PrintJob.status == JobStatus.PENDING).order_by(PrintJob.id).limit(1))


def queue_status(ctx: Context) -> list[dict]:
    """Per printer: its health at the last attempt, jobs waiting, last error (for the
    cashier and the API). state is unknown until a worker has tried the printer."""
    with ctx.db.read() as s:
        rows = s.execute(select(PrintJob.printer, func.count(PrintJob.id))
                         .where(PrintJob.status.in_(QUEUED)).group_by(PrintJob.printer)).all()
        depth = dict(rows)
        states = {r.printer: r for r in s.scalars(select(PrinterState))}
        out = []
        for p in ctx.settings.printers:
            last = s.scalar(select(PrintJob).where(PrintJob.printer == p.name)
                            .order_by(PrintJob.id.desc()).limit(1))
            st = states.get(p.name)
            down = st is not None and st.down_since is not None
            out.append({"name": p.name, "enabled": p.enabled, "queue_depth": depth.get(p.name, 0),
                        "failed_over_to": (p.backup if down else None),
                        "down_since": st.down_since.isoformat() if down else None,
                        "state": st.state if st else "unknown", "state_detail": st.detail if st else None,
                        "checked_at": st.checked_at.isoformat() if st else None,
                        "last_error": last.last_error if last and last.status != JobStatus.PRINTED else None,
                        "last_printed_at": last.printed_at.isoformat() if last and last.printed_at else None})
        return out


def print_self_test(ctx: Context, name: str) -> dict:
    """Queue a test page for a printer (the cashier checks it after fixing paper or cable)."""
    printer = ctx.settings.printer(name)
    if printer is None:
        raise NotFound(f"There is no printer {name!r}.", code="unknown_printer")
    if not printer.enabled:
        raise Conflict(f"Printer {name!r} is disabled in the configuration.", code="printer_disabled")
    r = ctx.settings.restaurant
    with ctx.db.write() as s:
        printer_used = enqueue(ctx, s, name, "self_test", {
            "restaurant": r.name, "printer": name, "paper_mm": printer.paper_mm, "profile": printer.profile,
            "text_mode": printer.text_mode,
            "printed_at": local_text(ctx.clock.now(), r.tz, SECONDS)})
    return {"queued": True, "printer": printer_used}
