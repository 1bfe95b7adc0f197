"""The durable print queue: atomic claims, retry with backoff, jobs that outlive a worker."""
import socket

import pytest
import threading
from core.context import NOBODY
from datetime import timedelta

from sqlalchemy import select

from printers import services as queue
from printers.model import PrintJob
from printers.virtual import VirtualPrinter
from printers.worker import PrintWorker
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of, visit_of
from printers.escpos_decode import decode, text_of


def test_concurrent_workers_claim_one_job_at_a_time_in_order(ctx):
    for i in range(1, 7):
        order(ctx, token_of(ctx, f"T{i}"), KUNG_PAO)
    claimed, in_flight, barrier = [], [], threading.Barrier(4)
    lock = threading.Lock()

    def work(worker):
        barrier.wait()
        while True:
            job = queue.claim_next(ctx, "kitchen", worker)
            if job is None:
                with ctx.db.read() as s:
                    if not s.scalar(select(PrintJob.id).where(PrintJob.status != "printed").limit(1)):
                        return
                continue
            with lock:
                in_flight.append(job.id)
                assert len(in_flight) == 1, "two jobs of one printer in flight"
                claimed.append(job.id)
            with lock:
                in_flight.remove(job.id)
            queue.mark_printed(ctx, job.id, worker)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert claimed == sorted(claimed) and len(claimed) == len(set(claimed)) == 6


def test_an_unreachable_printer_backs_off_then_prints_every_ticket_in_order(app, ctx, clock, settings):
    for table in ("T1", "T2", "T3"):
        order(ctx, token_of(ctx, table), KUNG_PAO)  # the kitchen printer (port 1) refuses
    down = settings.printer("kitchen").model_copy(update={"port": 1})
    worker, other = PrintWorker(ctx, down), PrintWorker(ctx, down)  # two processes' workers
    other.worker_id += "-other"
    retry = timedelta(seconds=settings.printing.retry_seconds)
    assert worker.drain() == 0
    with ctx.db.read() as s:
        first = s.scalar(select(PrintJob).order_by(PrintJob.id))
        assert (first.status, first.attempts) == ("pending", 1) and "unreachable" in first.last_error
        assert first.next_attempt_at == clock.now() + retry
    assert other.drain() == 0 and queue.claim_next(ctx, "kitchen", "w3") is None  # every process waits
    clock.advance(seconds=retry.total_seconds())
    assert other.drain() == 0
    with ctx.db.read() as s:
        assert s.scalar(select(PrintJob).order_by(PrintJob.id)).next_attempt_at == clock.now() + 2 * retry
    clock.advance(seconds=2 * retry.total_seconds())
    with VirtualPrinter() as vp:
        worker.printer = worker.printer.model_copy(update={"port": vp.port})
        assert worker.drain() == 3
        jobs = vp.wait_for_jobs(3, timeout=5)
    tables = [next(t for t in ("T1", "T2", "T3") if t in text_of(j)) for j in jobs]
    assert tables == ["T1", "T2", "T3"]
    with ctx.db.read() as s:
        assert [(j.status, j.attempts, j.last_error) for j in s.scalars(select(PrintJob).order_by(PrintJob.id))] == [
            ("printed", 3, None), ("printed", 1, None), ("printed", 1, None)]


def test_a_job_that_cannot_be_rendered_is_failed_without_blocking_others(ctx, clock, settings):
    order(ctx, token_of(ctx, "T1"), KUNG_PAO)
    order(ctx, token_of(ctx, "T2"), KUNG_PAO)
    with ctx.db.write() as s:
        s.scalar(select(PrintJob).order_by(PrintJob.id)).document = {"items": "nonsense"}  # a layout cannot be made of it
    with VirtualPrinter() as vp:
        worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": vp.port}))
        assert worker.drain() == 1
        assert "T2" in text_of(vp.wait_for_jobs(1, timeout=5)[0])
    with ctx.db.read() as s:
        bad = s.scalar(select(PrintJob).order_by(PrintJob.id))
        assert bad.status == "failed" and bad.attempts == 1 and "render error" in bad.last_error
    assert {p["name"]: p for p in queue.queue_status(ctx)}["kitchen"]["queue_depth"] == 0


def test_a_claim_left_by_a_dead_worker_is_taken_over(ctx, clock):
    order(ctx, token_of(ctx), MILK_TEA)
    job = queue.claim_next(ctx, "kitchen", "dead-worker")
    assert job is not None and queue.claim_next(ctx, "kitchen", "w2") is None
    clock.advance(seconds=121)
    again = queue.claim_next(ctx, "kitchen", "w2")
    assert again is not None and again.id == job.id and again.attempts == 2


def test_at_start_up_the_claims_of_a_dead_process_of_this_host_are_released_at_once(ctx, clock):
    import os
    import subprocess
    import sys

    from sqlalchemy import update

    from printers.worker import other_process_alive
    for table in ("T1", "T2", "T3", "T4"):
        order(ctx, token_of(ctx, table), MILK_TEA)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    claimants = {"dead": f"{host}:{dead.pid}:kitchen", "same pid": f"{host}:{os.getpid()}:kitchen",
                 "alive": f"{host}:{os.getppid()}:kitchen", "other host": f"elsewhere:{dead.pid}:kitchen"}
    with ctx.db.write() as s:
        ids = s.scalars(select(PrintJob.id).order_by(PrintJob.id)).all()[:4]
        for job_id, by in zip(ids, claimants.values()):
            s.execute(update(PrintJob).where(PrintJob.id == job_id)
                      .values(status="printing", claimed_by=by, claimed_at=clock.now()))
    # A process restarted with its predecessor's pid, as in a container, is that predecessor's heir.
    assert queue.release_dead_claims(ctx, host, other_process_alive) == 2
    with ctx.db.read() as s:
        rows = {j.id: j for j in s.scalars(select(PrintJob).where(PrintJob.id.in_(ids)))}
    states = {name: (rows[i].status, rows[i].maybe_delivered) for name, i in zip(claimants, ids)}
    assert states == {"dead": ("pending", True), "same pid": ("pending", True),
                      "alive": ("printing", False), "other host": ("printing", False)}


def test_queue_status_reports_depth_per_printer(ctx):
    order(ctx, token_of(ctx), KUNG_PAO, MILK_TEA)
    status = {p["name"]: p for p in queue.queue_status(ctx)}
    assert status["kitchen"]["queue_depth"] == 2 and status["receipt"]["queue_depth"] == 0


class SilentPrinter:
    """Takes a job's bytes and closes without answering the status query: delivery is
    unknown (the job may well have printed)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        conn, _ = self.listener.accept()
        with conn:
            while b"\x10\x04" not in conn.recv(65536):  # up to the first status query
                pass
        self.received.set()
        self.listener.close()


def test_a_job_whose_delivery_was_not_confirmed_is_printed_again_marked_reprint(ctx, clock, settings):
    order(ctx, token_of(ctx, "T1"), KUNG_PAO)
    order(ctx, token_of(ctx, "T2"), KUNG_PAO)
    silent = SilentPrinter()
    worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": silent.port}))
    assert worker.drain() == 0 and silent.received.wait(5)
    with ctx.db.read() as s:
        first = s.scalar(select(PrintJob).order_by(PrintJob.id))
        assert first.status == "pending" and first.maybe_delivered and "no_status" in first.last_error
    clock.advance(minutes=1)
    with VirtualPrinter() as vp:
        worker.printer = worker.printer.model_copy(update={"port": vp.port})
        assert worker.drain() == 2
        again, second = (text_of(j) for j in vp.wait_for_jobs(2, timeout=5))
    assert again.startswith("REPRINT") and "T1" in again  # may be a duplicate: says so
    assert "REPRINT" not in second and "T2" in second


@pytest.mark.parametrize("fault", ["offline", "paper_out"])
def test_a_printer_that_holds_jobs_gets_each_ticket_once_and_the_backup_one_marked_copy(
        ctx, clock, settings, fault):
    # The cover is open (or the paper out): the printer keeps what it is sent and prints it
    # all when it is back. The worker must ask its status, not send the ticket again; after
    # failover_after attempts the backup prints one copy, marked REDIRECTED.
    order(ctx, token_of(ctx, "T1"), MILK_TEA)
    with VirtualPrinter() as kitchen, VirtualPrinter() as receipt:
        getattr(kitchen, fault)()
        workers = [PrintWorker(ctx, settings.printer(name).model_copy(update={"port": vp.port}))
                   for name, vp in (("kitchen", kitchen), ("receipt", receipt))]
        for _ in range(6):  # a few minutes of retries while it holds jobs
            [w.drain() for w in workers]
            clock.advance(minutes=1)
        kitchen.online() if fault == "offline" else kitchen.paper_ok()
        [w.drain() for w in workers]
        copies = [text_of(j) for j in kitchen.wait_for_jobs(1, timeout=5) + receipt.wait_for_jobs(1, timeout=5)]
        with ctx.db.read() as s:
            assert s.scalar(select(PrintJob.status)) == "printed"
        assert (len(kitchen.jobs), len(receipt.jobs)) == (1, 1)
    assert "REPRINT" not in copies[0] and "REDIRECTED" in copies[1]


def test_a_refused_connection_sent_nothing_so_the_retry_is_not_a_reprint(ctx, clock, settings):
    order(ctx, token_of(ctx, "T1"), KUNG_PAO)
    worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": 1}))
    assert worker.drain() == 0
    clock.advance(minutes=1)
    with VirtualPrinter() as vp:
        worker.printer = worker.printer.model_copy(update={"port": vp.port})
        assert worker.drain() == 1
        assert "REPRINT" not in text_of(vp.wait_for_jobs(1, timeout=5)[0])


def test_a_claim_taken_over_from_a_dead_worker_prints_marked_reprint(ctx, clock, settings):
    order(ctx, token_of(ctx), KUNG_PAO)
    assert queue.claim_next(ctx, "kitchen", "died-after-sending") is not None
    clock.advance(seconds=queue.STALE_CLAIM.total_seconds() + 1)
    with VirtualPrinter() as vp:
        worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": vp.port}))
        assert worker.drain() == 1
        assert text_of(vp.wait_for_jobs(1, timeout=5)[0]).startswith("REPRINT")


def test_every_cash_payment_opens_the_drawer_before_the_receipt_prints(ctx, clock, settings):
    from escpos.constants import CD_KICK_2

    from pos.checks import payments
    order(ctx, token_of(ctx), KUNG_PAO)
    visit_id = visit_of(ctx)
    payments.pay_cash(ctx, visit_id, 10000, NOBODY)  # part of the bill: the drawer opens, no receipt yet
    payments.pay_cash(ctx, visit_id, 10000, NOBODY)  # the rest: the drawer opens, then the receipt
    with ctx.db.read() as s:
        assert [(j.printer, j.kind) for j in s.scalars(select(PrintJob).where(PrintJob.printer == "receipt")
                                                       .order_by(PrintJob.id))] == [
            ("receipt", "drawer"), ("receipt", "drawer"), ("receipt", "receipt")]
    with VirtualPrinter() as vp:
        worker = PrintWorker(ctx, settings.printer("receipt").model_copy(update={"port": vp.port}))
        assert worker.drain() == 3
        kick, kick_again, receipt = vp.wait_for_jobs(3, timeout=5)
    assert CD_KICK_2 in kick and CD_KICK_2 in kick_again and CD_KICK_2 not in receipt
    assert ("drawer", 2) in decode(kick) and ("drawer", 2) not in decode(receipt)
    assert text_of(kick) == "" and "Check #" in text_of(receipt)  # a kick prints nothing


def test_a_drawer_kick_that_could_not_be_sent_in_time_is_dropped_not_sent_later(ctx, clock, settings):
    from pos.checks import payments
    order(ctx, token_of(ctx), KUNG_PAO)
    payments.pay_cash(ctx, visit_of(ctx), 50000, NOBODY)
    clock.advance(seconds=31)  # the receipt printer was away: the cashier used the key meanwhile
    with VirtualPrinter() as vp:
        worker = PrintWorker(ctx, settings.printer("receipt").model_copy(update={"port": vp.port}))
        assert worker.drain() == 1
        [receipt] = vp.wait_for_jobs(1, timeout=5)
    assert "Check #" in text_of(receipt)
    with ctx.db.read() as s:
        kick = s.scalar(select(PrintJob).where(PrintJob.kind == "drawer"))
        assert kick.status == "failed" and kick.last_error.startswith("expired")


def test_printer_health_follows_what_the_printer_says(ctx, clock, settings):
    def state():
        return {p["name"]: p for p in queue.queue_status(ctx)}["kitchen"]
    assert state()["state"] == "unknown"
    order(ctx, token_of(ctx, "T1"), KUNG_PAO)
    with VirtualPrinter() as vp:
        worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": vp.port}))
        vp.status[4] = 0x1E  # paper near its end
        assert worker.drain() == 1
        assert state()["state"] == "paper_low" and state()["checked_at"] == clock.now().isoformat()
        vp.status[4] = 0x72  # out of paper: the job stays in line
        order(ctx, token_of(ctx, "T2"), KUNG_PAO)
        assert worker.drain() == 0
        out = state()
        assert out["state"] == "paper_out" and "paper_out" in out["state_detail"] and out["queue_depth"] == 1
        vp.status[4], vp.status[1] = 0x12, 0x1A  # paper back, cover open
        clock.advance(minutes=1)
        assert worker.drain() == 0 and state()["state"] == "offline"
        vp.status[1] = 0x12
        clock.advance(minutes=2)
        assert worker.drain() == 1 and state()["state"] == "online" and state()["queue_depth"] == 0
    worker.printer = worker.printer.model_copy(update={"port": 1})
    order(ctx, token_of(ctx, "T3"), KUNG_PAO)
    assert worker.drain() == 0 and state()["state"] == "unreachable"


def test_a_kitchen_ticket_can_be_reprinted_marked_reprint(ctx, settings):
    from kitchen import services as kitchen
    order(ctx, token_of(ctx, "T4"), KUNG_PAO)
    [ticket] = kitchen.open_tickets(ctx, "wok")["tickets"]
    assert kitchen.reprint_ticket(ctx, ticket["id"]) == {"queued": True, "printer": "kitchen"}
    with VirtualPrinter() as vp:
        worker = PrintWorker(ctx, settings.printer("kitchen").model_copy(update={"port": vp.port}))
        assert worker.drain() == 2
        first, again = (text_of(j) for j in vp.wait_for_jobs(2, timeout=5))
    assert "REPRINT" not in first and again.startswith("REPRINT") and "T4" in again


def test_a_printer_that_keeps_failing_hands_its_jobs_to_its_backup_marked_redirected(ctx, clock, settings):
    kitchen_cfg = settings.printer("kitchen").model_copy(update={"port": 1, "backup": "receipt"})
    object.__setattr__(ctx, "settings", ctx.settings.model_copy(update={
        "printers": (kitchen_cfg, settings.printer("receipt"))}))
    order(ctx, token_of(ctx, "T6"), KUNG_PAO)
    order(ctx, token_of(ctx, "T7"), KUNG_PAO)
    down = PrintWorker(ctx, kitchen_cfg)
    for _ in range(ctx.settings.printing.failover_after):
        assert down.drain() == 0
        clock.advance(minutes=2)
    with ctx.db.read() as s:
        jobs = s.scalars(select(PrintJob).order_by(PrintJob.id)).all()
        assert [(j.printer, j.attempts) for j in jobs] == [("receipt", 0), ("receipt", 0)]  # all of them
    with VirtualPrinter() as vp:
        backup = PrintWorker(ctx, settings.printer("receipt").model_copy(update={"port": vp.port}))
        assert backup.drain() == 2
        moved = [text_of(j) for j in vp.wait_for_jobs(2, timeout=5)]
    assert all(t.startswith("REDIRECTED") and "from printer kitchen" in t for t in moved)
    assert "T6" in moved[0] and "T7" in moved[1]  # in the order they were taken
    state = {p["name"]: p for p in queue.queue_status(ctx)}
    assert state["kitchen"]["state"] == "unreachable" and state["kitchen"]["queue_depth"] == 0
