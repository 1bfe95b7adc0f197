"""Chaos benchmark of the print queue: tickets to two printers that keep failing.

    .venv/bin/python -m bench.print_chaos [--tickets 500] [--seed 1] [--rate 0.3]

Two virtual printers on 127.0.0.1 ("kitchen", printing Chinese dish names as raster
images, and "bar", in its own GB18030 font; each the other's backup) run a
seeded chaos schedule (printers.virtual.VirtualPrinter.chaos): each connection is, at
random with probability --rate, refused for a while, reset in the middle of the job,
stalled (the printer stops reading, so the sender times out) or met by a printer that is
offline for the next few connections (it keeps the bytes and prints them when it comes
back, as one with its cover open does). Tickets are written to the durable queue (SQLite
in a temporary folder) in bursts while the real print workers run, two per printer as
with two server processes. The chaos lasts until the queue has confirmed every ticket;
then the printers are cleared, and a job one still held prints.

Every ticket is then looked for on paper, i.e. in the jobs the virtual printers printed
completely (a connection reset mid-job leaves a torn, unprinted job), read back with
printers.escpos_decode:

- jobs: tickets queued;  printed: tickets found on paper at least once;
- lost: tickets never printed (goal 0);
- duplicates: copies beyond the first;
- unmarked_duplicates: copies beyond the first that carry no REPRINT banner (goal 0: a
  ticket printed twice only when its delivery could not be confirmed, and then marked);
- max_copies: the most copies of one ticket on paper (goal 2: once, or twice with the second
  marked), and over_two: tickets printed more than twice.

The last line printed is one JSON object. tests/integration/test_print_chaos.py runs the
same thing, smaller.
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from core.clock import SystemClock
from core.context import Context
from core.database import Database
from app.models import metadata
from core.settings import load_settings
from printers import services as queue
from printers.escpos_decode import text_of
from printers.model import PrintJob
from printers.virtual import VirtualPrinter
from printers.worker import PrintWorker

PRINTERS = ("kitchen", "bar")
TEXT_MODES = ("raster", "gb18030")  # kitchen draws Chinese; bar has a GB18030 font
_NUMBER = re.compile(r"^#(\d+)$", re.M)


def _ticket(n: int, printer: str) -> dict:
    """Chinese dish names: raster images on one printer, Chinese-mode spans on the other."""
    return {"order_number": n, "table": f"T{n % 24 + 1}", "station": printer, "ordered_at": "19:42",
            "items": [{"qty": 1 + n % 3, "name": "宮保雞丁", "name_alt": "Kung Pao Chicken",
                       "modifiers": ["少辣"] if n % 2 else [], "note": None},
                      {"qty": 1, "name": "揚州炒飯", "name_alt": None, "modifiers": [], "note": None}]}


def _on_paper(printed_jobs: list[bytes]) -> dict[int, list[bool]]:
    """order number -> [marked REPRINT?] for every complete copy found."""
    copies: dict[int, list[bool]] = {}
    for job in printed_jobs:
        text = text_of(job)
        m = _NUMBER.search(text)
        if m is None:
            continue  # not a ticket (nothing else is queued here)
        copies.setdefault(int(m.group(1)), []).append("REPRINT" in text.split("#", 1)[0])
    return copies


def run_chaos(tickets: int, seed: int, rate: float, folder: Path, *, burst: int = 10,
              timeout_s: float = 0.25, retry_s: float = 0.02, deadline_s: float = 600.0) -> dict:
    """Queue `tickets` tickets to two chaotic printers, drain, and count what reached paper."""
    vps = {name: VirtualPrinter().start() for name in PRINTERS}
    workers: list[PrintWorker] = []
    try:
        url = f"sqlite:///{folder / 'chaos.db'}"
        db = Database(url)
        metadata.create_all(db.engine)
        base = load_settings(overrides={"database.url": url, "server.secret_key": "chaos"})
        printers = tuple(base.printers[0].model_copy(update={
            "name": name, "port": vps[name].port, "text_mode": TEXT_MODES[i], "paper_mm": 80,
            "backup": PRINTERS[1 - i], "enabled": True}) for i, name in enumerate(PRINTERS))
        printing = base.printing.model_copy(update={"timeout_seconds": timeout_s, "retry_seconds": retry_s,
                                                     "failover_after": 3})
        settings = base.model_copy(update={"printers": printers, "printing": printing, "stations": (),
                                           "var_dir": folder / "var"})
        ctx = Context(settings=settings, db=db, clock=SystemClock(), secret="chaos", realtime=None)
        for i, vp in enumerate(vps.values()):
            vp.chaos(seed * 100 + i, rate)
        by_printer: dict[str, list[PrintWorker]] = {}
        for p in printers:  # two workers per printer, as two server processes would run
            for k in range(2):
                w = PrintWorker(ctx, p)
                w.worker_id += f":{k}"
                by_printer.setdefault(p.name, []).append(w.start())
        workers = [w for ws in by_printer.values() for w in ws]
        ctx.wake_printers = lambda name: [w.wake() for w in by_printer.get(name, ())]

        started = time.perf_counter()
        for first in range(0, tickets, burst):
            with db.write() as s:
                for n in range(first + 1, min(first + burst, tickets) + 1):
                    printer = PRINTERS[n % 2]
                    queue.enqueue(ctx, s, printer, "kitchen_ticket", _ticket(n, printer))
        queued_s = time.perf_counter() - started

        done = threading.Event()
        while not done.is_set() and time.perf_counter() - started < deadline_s:
            with db.read() as s:
                open_jobs = s.scalar(select(func.count(PrintJob.id)).where(
                    PrintJob.status.in_(("pending", "printing"))))
            if open_jobs == 0:
                done.set()
                break
            for w in workers:
                w.wake()
            done.wait(0.05)  # re-check the queue; the workers do the waiting on their printers
        drained_s = time.perf_counter() - started
        for vp in vps.values():
            vp.clear()  # the cover is closed at last: jobs a printer still holds print now
        with db.read() as s:
            statuses = dict(s.execute(select(PrintJob.status, func.count(PrintJob.id))
                                      .group_by(PrintJob.status)).all())
    finally:
        for w in workers:
            w.stop()
        for vp in vps.values():
            vp.stop()

    copies = _on_paper([job for vp in vps.values() for job in vp.jobs])
    printed = sum(1 for n in range(1, tickets + 1) if copies.get(n))
    duplicates = sum(max(0, len(c) - 1) for c in copies.values())
    unmarked = sum(max(0, c.count(False) - 1) for c in copies.values())
    most = max((len(c) for c in copies.values()), default=0)
    over_two = sum(len(c) > 2 for c in copies.values())
    faults = Counter(e["fault"] for vp in vps.values() for e in vp.chaos_log)
    return {"jobs": tickets, "printed": printed, "lost": tickets - printed, "duplicates": duplicates,
            "unmarked_duplicates": unmarked, "max_copies": most, "over_two": over_two, "queue": statuses, "faults": dict(faults),
            "queued_s": round(queued_s, 2), "drained_s": round(drained_s, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tickets", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.3, help="share of connections that meet a fault")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        r = run_chaos(a.tickets, a.seed, a.rate, Path(d))
    print(f"{r['jobs']} tickets to two printers, chaos rate {a.rate} (seed {a.seed}): "
          f"queued in {r['queued_s']} s, all done after {r['drained_s']} s")
    print(f"what the printers did, per connection (chaos schedule): {r['faults']}")
    print(f"queue at the end: {r['queue']}")
    print(f"on paper: {r['printed']} printed, {r['lost']} lost, {r['duplicates']} duplicates "
          f"({r['unmarked_duplicates']} without a REPRINT mark); at most {r['max_copies']} copies of one ticket, "
          f"{r['over_two']} tickets printed more than twice")
    print(f"goal lost 0: {'MET' if r['lost'] == 0 else 'NOT MET'}; "
          f"goal unmarked_duplicates 0: {'MET' if r['unmarked_duplicates'] == 0 else 'NOT MET'}; "
          f"goal max_copies <= 2: {'MET' if r['max_copies'] <= 2 else 'NOT MET'}")
    print(json.dumps({k: r[k] for k in ("jobs", "printed", "lost", "duplicates", "unmarked_duplicates",
                                        "max_copies", "over_two")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
