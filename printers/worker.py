"""Print workers: one thread per printer, so an offline printer never delays another.

A worker claims the oldest due job of its printer, renders the stored layout
document to ESC/POS bytes, sends them, and confirms with a status query. A failure
puts the job back with exponential backoff; orders keep flowing meanwhile because
requests never touch a printer. Workers wake at once when a transaction queued a
job in this process, and otherwise poll, so jobs written by another process (or
left over from before a restart) are printed too.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime

from app.context import Context
from app.settings import PrinterSettings
from printers import device, render
from printers import services as queue

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0


class PrintWorker:
    def __init__(self, ctx: Context, printer: PrinterSettings):
        self.ctx = ctx
        self.printer = printer
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{printer.name}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        self._wake.set()

    def print_job(self, job) -> bool:
        p, cfg = self.printer, self.ctx.settings.printing
        try:
            data = render.render(job.document, profile=p.profile, paper_mm=p.paper_mm,
                                 font_path=cfg.font_path, font_index=cfg.font_index)
            device.send(p.host, p.port, data, timeout=cfg.timeout_seconds)
        except device.PrinterUnavailable as e:
            delay = queue.mark_failed(self.ctx, job.id, self.worker_id, f"unreachable: {e}", cfg.retry_seconds)
            log.warning("printer %s: job %s not printed (%s); retry in %.1f s", p.name, job.id, e, delay)
            return False
        except Exception as e:  # a bug in rendering must not kill the worker or lose the job
            log.exception("printer %s: job %s failed", p.name, job.id)
            queue.mark_failed(self.ctx, job.id, self.worker_id, f"error: {e!r}", cfg.retry_seconds)
            return False
        queue.mark_printed(self.ctx, job.id, self.worker_id)
        return True

    def drain(self) -> int:
        """Print every job that is due now; returns how many were printed."""
        printed = 0
        while not self._stop.is_set():
            job = queue.claim_next(self.ctx, self.printer.name, self.worker_id)
            if job is None:
                return printed
            if self.print_job(job):
                printed += 1
            else:
                return printed  # the printer is failing: wait for the backoff, not the next job
        return printed

    def _seconds_until_due(self) -> float:
        due: datetime | None = queue.next_due(self.ctx, self.printer.name)
        if due is None:
            return POLL_SECONDS
        return max(0.0, min(POLL_SECONDS, (due - self.ctx.clock.now()).total_seconds()))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.drain()
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


def start_workers(ctx: Context) -> list[PrintWorker]:
    workers = [PrintWorker(ctx, p).start() for p in ctx.settings.printers if p.enabled]

    def wake_all() -> None:
        for w in workers:
            w.wake()

    ctx.wake_printers = wake_all
    return workers
