"""Every fault the virtual printer can make, one at a time, on one kitchen ticket: the ticket
reaches paper, at most twice, and never twice unmarked (a second copy says REPRINT, or
REDIRECTED when its backup printed it). Real sockets and the real queue; the workers are
drained by hand on the injected clock, a minute of retries at a time."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from printers.escpos_decode import text_of
from printers.model import PrintJob
from printers.virtual import VirtualPrinter
from printers.worker import PrintWorker
from tests.conftest import make_settings
from tests.helpers import MILK_TEA, order, token_of


def _offline_then_power_cycle(vp):
    vp.offline()
    return lambda: (vp.power_cycle(), vp.online())  # what it held is lost with the power


FAULTS = {  # name: start the fault on the kitchen printer; returns what ends it (None: clear())
    "refuse": lambda vp: vp.refuse(),
    "reset_mid_job": lambda vp: vp.drop_after(300),
    "stall": lambda vp: vp.stall(),
    "offline": lambda vp: vp.offline(),
    "paper_out": lambda vp: vp.paper_out(),
    "slow": lambda vp: vp.slow(10_000),  # busy printing: the job takes longer than a timeout to go in
    "offline_then_power_cycle": _offline_then_power_cycle,
    "chaos": lambda vp: vp.chaos(seed=3, rate=1.0),
}


def _text(job: bytes) -> str:
    """What the paper says; a job torn inside a raster image is still a (partial) copy, unmarked."""
    try:
        return text_of(job)
    except ValueError:
        return "(torn)"


@pytest.fixture
def quick_settings(database_url, tmp_path):
    return make_settings(database_url, tmp_path, **{"printing.timeout_seconds": 0.5})


@pytest.mark.parametrize("fault", FAULTS)
def test_under_every_fault_a_ticket_prints_at_most_twice_and_never_twice_unmarked(ctx, clock, quick_settings, fault):
    order(ctx, token_of(ctx, "T1"), MILK_TEA)
    with VirtualPrinter() as kitchen, VirtualPrinter() as receipt:
        ends = FAULTS[fault](kitchen)
        ctx.settings = quick_settings  # 0.5 s per attempt: a stalled printer is given up on quickly
        workers = [PrintWorker(ctx, quick_settings.printer(name).model_copy(update={"port": vp.port}))
                   for name, vp in (("kitchen", kitchen), ("receipt", receipt))]

        def minutes(n):
            for _ in range(n):
                for w in workers:
                    w.probe_if_down()
                    w.drain()
                clock.advance(minutes=1)

        minutes(4)  # a few minutes of the fault
        (ends or kitchen.clear)()
        kitchen.clear()
        minutes(4)  # and a few after it
        with ctx.db.read() as s:
            assert s.scalars(select(PrintJob.status)).all() == ["printed"]
    copies = [_text(j) for j in kitchen.jobs + receipt.jobs]  # stopped: what was still coming in is counted
    unmarked = [c for c in copies if not c.startswith(("REPRINT", "REDIRECTED")) and "REDIRECTED" not in c]
    print(f"{fault}: {[len(j) for j in kitchen.jobs + receipt.jobs]} bytes, {len(copies)} copies, {len(unmarked)} unmarked, kitchen {len(kitchen.jobs)} "
          f"receipt {len(receipt.jobs)}")
    assert 1 <= len(copies) <= 2 and len(unmarked) <= 1, copies
