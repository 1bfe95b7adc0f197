"""Print workers: one thread per printer, so an offline printer never delays another.

A worker claims its printer's oldest waiting job (printers.services keeps one job
per printer in flight, across processes), lays out the stored data for its paper,
renders it to ESC/POS bytes, sends them, and confirms with a status query. When the printer cannot
be reached the job stays first in line and is due again after a backoff that doubles
per failed attempt (up to a minute), so after an outage tickets come out in the order
they were taken. A job whose document cannot be rendered is marked failed at once
(rendering is deterministic: retrying cannot help) and the others go on. Orders keep
flowing meanwhile: requests never touch a printer. Workers wake at once when a transaction queued a
job in this process, and otherwise poll, so jobs written by another process (or
left over from before a restart) are printed too.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from core.context import Context
from core.settings import PrinterSettings
from printers import device, layout, render
from printers import services as queue
from printers.model import JobStatus

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 60.0
# A drawer kick is for the cashier standing there: one that could not be sent in this
# time is dropped (marked failed), never opened minutes later behind someone's back.
DRAWER_TTL = timedelta(seconds=30)
PRINTER_DOWN = "printer_down"  # print_job: the printer did not confirm it; the job waits for its next attempt


def document_of(job, paper_mm: int) -> list[dict]:
    """The job laid out for the paper of the printer printing it. A job that may already
    have printed says REPRINT; one moved from a failing printer says REDIRECTED."""
    return layout.build(job.kind, job.document, paper_mm, reprint=job.maybe_delivered,
                        redirected_from=job.redirected_from)


class PrintWorker:
    def __init__(self, ctx: Context, printer: PrinterSettings):
        self.ctx = ctx
        self.printer = printer
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{printer.name}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_probe: datetime | None = None

    def wake(self) -> None:
        self._wake.set()

    def _backoff(self, attempts: int) -> timedelta:
        base = self.ctx.settings.printing.retry_seconds
        return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))

    def print_job(self, job) -> str:
        """Returns JobStatus.PRINTED, JobStatus.FAILED (the job cannot be rendered) or PRINTER_DOWN."""
        p, cfg = self.printer, self.ctx.settings.printing
        if job.kind == "drawer" and self.ctx.clock.now() - job.created_at > DRAWER_TTL:
            queue.mark_failed(self.ctx, job.id, self.worker_id, "expired: the drawer was not opened in time")
            return JobStatus.FAILED
        try:
            data = render.render(document_of(job, p.paper_mm), profile=p.profile, paper_mm=p.paper_mm,
                                 font_path=cfg.font_path, font_index=cfg.font_index, text_mode=p.text_mode)
        except Exception as e:  # a bad document must not kill the worker or hold up other jobs
            log.exception("printer %s: job %s cannot be rendered; marked failed", p.name, job.id)
            queue.mark_failed(self.ctx, job.id, self.worker_id, f"render error: {e!r}")
            return JobStatus.FAILED
        sent = False
        try:
            if queue.holds_jobs(self.ctx, p.name):  # ask first: what it is sent now would print again later
                device.probe(p.host, p.port, timeout=cfg.timeout_seconds)
            sent = True
            answer = device.send(p.host, p.port, data, timeout=cfg.timeout_seconds)
        except device.PrinterUnavailable as e:
            delay = self._backoff(job.attempts)
            queue.mark_unreachable(self.ctx, job.id, self.worker_id, f"unreachable: {e}",
                                   self.ctx.clock.now() + delay, maybe_delivered=sent and e.maybe_delivered,
                                   printer=p.name, reason=e.reason)
            log.warning("printer %s: job %s not printed (%s); retrying in %.1f s", p.name, job.id, e,
                        delay.total_seconds())
            return PRINTER_DOWN
        queue.mark_printed(self.ctx, job.id, self.worker_id, printer=p.name,
                           state="paper_low" if answer == "paper_low" else "online")
        return JobStatus.PRINTED

    def drain(self) -> int:
        """Print every job that is due now, oldest first; returns how many were printed."""
        printed = 0
        while not self._stop.is_set():
            job = queue.claim_next(self.ctx, self.printer.name, self.worker_id)
            if job is None:
                return printed
            outcome = self.print_job(job)
            if outcome == PRINTER_DOWN:
                return printed
            printed += outcome == JobStatus.PRINTED
        return printed

    def _seconds_until_due(self) -> float:
        due: datetime | None = queue.next_due(self.ctx, self.printer.name)
        if due is None:
            return POLL_SECONDS
        return max(0.0, min(POLL_SECONDS, (due - self.ctx.clock.now()).total_seconds()))

    def probe_if_down(self) -> bool:
        """A printer whose jobs failed over gets a status query every probing interval;
        when it answers online it takes its own new jobs again. Returns True if it came back."""
        p, cfg = self.printer, self.ctx.settings.printing
        now = self.ctx.clock.now()
        if self._next_probe is not None and now < self._next_probe:
            return False
        if not queue.is_down(self.ctx, p.name):
            self._next_probe = None
            return False
        self._next_probe = now + timedelta(seconds=cfg.probe_seconds)
        try:
            answer = device.probe(p.host, p.port, timeout=cfg.timeout_seconds)
        except device.PrinterUnavailable as e:
            queue.record_probe(self.ctx, p.name, queue.STATE_OF_REASON.get(e.reason, "unreachable"), f"probe: {e}")
            return False
        queue.record_probe(self.ctx, p.name, "paper_low" if answer == "paper_low" else "online")
        log.info("printer %s answers again: it takes its own jobs again", p.name)
        self._next_probe = None
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.drain()
                self.probe_if_down()
                wait = self._seconds_until_due()
            except Exception:  # database briefly unavailable: keep the thread alive
                log.exception("print worker %s", self.worker_id)
                wait = POLL_SECONDS
            self._wake.wait(wait)
            self._wake.clear()

    def start(self) -> "PrintWorker":
        self._thread = threading.Thread(target=self._run, name=f"print-{self.printer.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)


def other_process_alive(pid: int) -> bool:
    """Whether another process has this pid. Our own pid at start-up means a dead
    predecessor (a restarted container often gets the same pid): nothing is claimed yet."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process nobody has reaped yet (its parent died with it) is a zombie: dead
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def start_workers(ctx: Context) -> list[PrintWorker]:
    released = queue.release_dead_claims(ctx, socket.gethostname(), other_process_alive)
    if released:
        log.warning("%d print job(s) a stopped server left half-printed go out again, marked REPRINT", released)
    workers = [PrintWorker(ctx, p).start() for p in ctx.settings.printers if p.enabled]

    by_name = {w.printer.name: w for w in workers}

    def wake(printer: str) -> None:  # only the worker with a new job: the others have nothing to do
        if printer in by_name:
            by_name[printer].wake()

    ctx.wake_printers = wake
    return workers
