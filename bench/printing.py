"""Benchmark of the printing path: building ticket bytes, draining the queue, order to paper.

    .venv/bin/python -m bench.printing [--tickets N] [--orders N]

- text_ticket_ms: a typical kitchen ticket (5 items, modifiers, a note) laid out and
  rendered to ESC/POS bytes when every name is ASCII (native text), median of runs;
- raster_ticket_ms: the same ticket with Chinese names (drawn with Pillow and Noto CJK,
  printed as raster images), median of runs; printed as well (not in the JSON): the same
  ticket for a printer with a GB18030 font (text_mode "gb18030", FS & spans);
- drain_tickets_per_s: N kitchen-ticket jobs written to the durable queue (SQLite, in a
  temporary folder) by real orders with Chinese names, then drained by one print worker
  to a virtual printer on 127.0.0.1 (each job rendered, sent, confirmed by DLE EOT and
  marked printed): jobs per second of wall time;
- order_to_printer_ms: median time from an order accepted (place_order returns) to the
  last byte of its ticket received by the virtual printer, with the print workers running
  as under `run.py serve` (one order at a time, so nothing queues behind it).

Goals (issue 4): text <= 3 ms, raster <= 30 ms, drain >= 50 tickets/s. The last line
printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from core.clock import SystemClock
from core.database import Database
from app.demo import seed_demo
from app.factory import create_app
from app.models import metadata
from core.settings import load_settings
from pos.orders import services as orders
from pos.orders.visits import current_visits
from pos.orders.ordering import RequestedLine
from printers import layout, render
from printers.virtual import VirtualPrinter
from printers.worker import PrintWorker, start_workers

# Five dishes as the demo kitchen prints them: (qty, name, other-language name, modifiers, note).
DISHES = [
    (2, "宮保雞丁", "Kung Pao Chicken", ["小辣", "大份"], "走花生 no peanuts"),
    (1, "乾炒牛河", "Beef Chow Fun", ["加蛋"], None),
    (1, "揚州炒飯", "Yangzhou Fried Rice", [], None),
    (3, "蒜蓉炒菜心", "Garlic Choy Sum", [], "少油"),
    (1, "麻婆豆腐", "Mapo Tofu", ["中辣"], None),
]
ASCII = [(q, alt, None, ["Mild", "Large"][: len(m)], "no peanuts" if n else None) for q, _, alt, m, n in DISHES]


def ticket(dishes) -> dict:
    return {"order_number": 42, "table": "T12", "station": "wok", "ordered_at": "19:42",
            "items": [{"qty": q, "name": name, "name_alt": alt, "modifiers": mods, "note": note}
                      for q, name, alt, mods, note in dishes]}


def build_ms(dishes, runs: int, settings, text_mode: str = "raster") -> tuple[float, int]:
    cfg = settings.printing
    times, size = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        data = render.render(layout.kitchen_ticket(ticket(dishes), 80), profile="TM-T20II", paper_mm=80,
                             font_path=cfg.font_path, font_index=cfg.font_index, text_mode=text_mode)
        times.append((time.perf_counter() - t) * 1000)
        size = len(data)
    return statistics.median(times), size


def demo_app(tmp: Path, printer_port: int):
    url = f"sqlite:///{tmp / 'bench.db'}"
    db = Database(url)
    metadata.create_all(db.engine)
    # far more orders per table than the per-visit limit lets a real table place
    settings = load_settings(overrides={"database.url": url, "server.secret_key": "bench",
                                        "diner.max_orders": 1000})
    printers = tuple(p.model_copy(update={"port": printer_port}) for p in settings.printers)
    settings = settings.model_copy(update={"var_dir": tmp / "var", "printers": printers})
    app = create_app(settings, clock=SystemClock(), db=db)
    ctx = app.extensions["pos_ctx"]
    seed_demo(ctx)
    return ctx


def place(ctx, n: int, key: str):
    visits = current_visits(ctx)
    token = visits[n % len(visits)]["url"].rsplit("/v/", 1)[1]
    lines = [RequestedLine(11, 2, (2, 7), "走花生"), RequestedLine(17, 1, (), None), RequestedLine(14, 1, (), None)]
    return orders.place_order(ctx, token, key, lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tickets", type=int, default=200, help="jobs drained in the drain phase")
    ap.add_argument("--orders", type=int, default=30, help="orders timed order-to-printer")
    a = ap.parse_args(argv)
    settings = load_settings()

    build_ms(DISHES, 3, settings)  # warm the font cache and the escpos profile
    text_ms, text_bytes = build_ms(ASCII, 200, settings)
    raster_ms, raster_bytes = build_ms(DISHES, 50, settings)
    native_ms, native_bytes = build_ms(DISHES, 200, settings, text_mode="gb18030")
    print(f"kitchen ticket, 5 items: ASCII (native text) {text_ms:.2f} ms, {text_bytes} B; "
          f"Chinese (raster) {raster_ms:.1f} ms, {raster_bytes / 1024:.0f} KB; "
          f"Chinese in the printer's GB18030 font {native_ms:.2f} ms, {native_bytes} B (median)")

    with tempfile.TemporaryDirectory() as d, VirtualPrinter() as vp:
        ctx = demo_app(Path(d), vp.port)
        for n in range(a.tickets):
            place(ctx, n, f"drain-{n}")  # the wok ticket's job, rendered and sent by the worker
        worker = PrintWorker(ctx, ctx.settings.printer("kitchen"))
        t = time.perf_counter()
        printed = 0
        while printed < a.tickets:
            printed += worker.drain()
        vp.wait_for_jobs(a.tickets, timeout=60)
        drain_s = time.perf_counter() - t
    drain_rate = a.tickets / drain_s
    print(f"queue drain: {a.tickets} tickets in {drain_s:.2f} s = {drain_rate:.0f} tickets/s "
          f"(render, send, DLE EOT confirm, mark printed; one worker, loopback virtual printer)")

    with tempfile.TemporaryDirectory() as d, VirtualPrinter() as vp:
        ctx = demo_app(Path(d), vp.port)
        workers = start_workers(ctx)
        try:
            latencies = []
            for n in range(a.orders):
                before = len(vp.jobs)
                place(ctx, n, f"latency-{n}")
                t = time.perf_counter()
                vp.wait_for_jobs(before + 1, timeout=10)  # the whole job has arrived (connection closed)
                latencies.append((time.perf_counter() - t) * 1000)
        finally:
            for w in workers:
                w.stop()
    order_ms = statistics.median(latencies)
    print(f"order accepted -> last byte at the printer: median {order_ms:.1f} ms, "
          f"max {max(latencies):.1f} ms over {a.orders} orders")
    goals = {"text_ticket_ms <= 3": text_ms <= 3, "raster_ticket_ms <= 30": raster_ms <= 30,
             "drain_tickets_per_s >= 50": drain_rate >= 50}
    for g, ok in goals.items():
        print(f"goal {g}: {'MET' if ok else 'NOT MET'}")
    print(json.dumps({"text_ticket_ms": round(text_ms, 2), "raster_ticket_ms": round(raster_ms, 1),
                      "drain_tickets_per_s": round(drain_rate, 1), "order_to_printer_ms": round(order_ms, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
