"""The durable print queue: atomic claims, retry with backoff, jobs that outlive a worker."""
import threading
from datetime import timedelta

from sqlalchemy import select

from printers import services as queue
from printers.model import PrintJob
from printers.virtual import VirtualPrinter
from printers.worker import PrintWorker
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of


def test_concurrent_workers_never_claim_the_same_job(ctx):
    for i in range(1, 7):
        order(ctx, token_of(ctx, f"T{i}"), KUNG_PAO)
    claimed, barrier = [], threading.Barrier(4)

    def claim(worker):
        barrier.wait()
        while (job := queue.claim_next(ctx, "kitchen", worker)) is not None:
            claimed.append(job.id)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 6


def test_unreachable_printer_keeps_the_job_with_backoff_then_prints_it(app, ctx, clock, settings):
    order(ctx, token_of(ctx), KUNG_PAO)  # the kitchen printer port (9, discard) refuses
    worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": 1}))
    assert worker.drain() == 0
    with ctx.db.read() as s:
        job = s.scalar(select(PrintJob))
        assert (job.status, job.attempts) == ("pending", 1) and "unreachable" in job.last_error
        assert job.next_attempt_at == clock.now() + timedelta(seconds=settings.printing.retry_seconds)
    assert queue.claim_next(ctx, "kitchen", "w") is None  # not due yet
    clock.advance(seconds=settings.printing.retry_seconds)
    with VirtualPrinter() as vp:
        worker.printer = worker.printer.model_copy(update={"port": vp.port})
        assert worker.drain() == 1
        [data] = vp.wait_for_jobs(1, timeout=5)
    assert len(data) > 100
    with ctx.db.read() as s:
        job = s.scalar(select(PrintJob))
        assert (job.status, job.attempts, job.last_error) == ("printed", 2, None)


def test_a_claim_left_by_a_dead_worker_is_taken_over(ctx, clock):
    order(ctx, token_of(ctx), MILK_TEA)
    job = queue.claim_next(ctx, "kitchen", "dead-worker")
    assert job is not None and queue.claim_next(ctx, "kitchen", "w2") is None
    clock.advance(seconds=121)
    again = queue.claim_next(ctx, "kitchen", "w2")
    assert again is not None and again.id == job.id and again.attempts == 2


def test_queue_status_reports_depth_per_printer(ctx):
    order(ctx, token_of(ctx), KUNG_PAO, MILK_TEA)
    status = {p["name"]: p for p in queue.queue_status(ctx)}
    assert status["kitchen"]["queue_depth"] == 2 and status["receipt"]["queue_depth"] == 0
