"""The durable print queue: atomic claims, retry with backoff, jobs that outlive a worker."""
import threading
from datetime import timedelta

from sqlalchemy import select

from printers import services as queue
from printers.model import PrintJob
from printers.virtual import VirtualPrinter
from printers.worker import PrintWorker
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of
from tests.support.escpos_decode import text_of


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


def test_an_unreachable_printer_backs_off_then_prints_every_ticket_in_order(app, ctx, clock, settings):
    for table in ("T1", "T2", "T3"):
        order(ctx, token_of(ctx, table), KUNG_PAO)  # the kitchen printer (port 1) refuses
    worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": 1}))
    retry = timedelta(seconds=settings.printing.retry_seconds)
    assert worker.drain() == 0
    assert worker.retry_at == clock.now() + retry
    with ctx.db.read() as s:
        first = s.scalar(select(PrintJob).order_by(PrintJob.id))
        assert (first.status, first.attempts) == ("pending", 1) and "unreachable" in first.last_error
    assert worker.drain() == 0  # backing off: nothing is tried
    clock.advance(seconds=retry.total_seconds())
    assert worker.drain() == 0 and worker.retry_at == clock.now() + 2 * retry  # doubles
    clock.advance(seconds=2 * retry.total_seconds())
    with VirtualPrinter() as vp:
        worker.printer = worker.printer.model_copy(update={"port": vp.port})
        assert worker.drain() == 3
        jobs = vp.wait_for_jobs(3, timeout=5)
    assert worker.retry_at is None and worker.failures == 0
    tables = [next(t for t in ("T1", "T2", "T3") if t in text_of(j)) for j in jobs]
    assert tables == ["T1", "T2", "T3"]
    with ctx.db.read() as s:
        assert [(j.status, j.attempts, j.last_error) for j in s.scalars(select(PrintJob).order_by(PrintJob.id))] == [
            ("printed", 3, None), ("printed", 1, None), ("printed", 1, None)]


def test_a_job_that_cannot_be_rendered_is_set_aside_then_failed_without_blocking_others(ctx, clock, settings):
    order(ctx, token_of(ctx, "T1"), KUNG_PAO)
    order(ctx, token_of(ctx, "T2"), KUNG_PAO)
    with ctx.db.write() as s:
        s.scalar(select(PrintJob).order_by(PrintJob.id)).document = [{"type": "nonsense"}]
    with VirtualPrinter() as vp:
        worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": vp.port}))
        assert worker.drain() == 1
        assert "T2" in text_of(vp.wait_for_jobs(1, timeout=5)[0])
        for _ in range(10):
            clock.advance(minutes=2)
            worker.drain()
    with ctx.db.read() as s:
        bad = s.scalar(select(PrintJob).order_by(PrintJob.id))
        assert bad.status == "failed" and bad.attempts == 5 and "render error" in bad.last_error


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
