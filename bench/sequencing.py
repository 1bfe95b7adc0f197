"""Benchmark of kitchen.sequencing.plan(): re-sequencing the whole kitchen from scratch.

    .venv/bin/python -m bench.sequencing [--items N] [--runs R] [--seed S]

10,000 open items (~2,500 orders of 1-8 items, ordered over the last 2 hours) over 6
stations with 1-4 cooks each; prep 60-900 s; drinks are course 0, starters/mains/desserts
courses 1-3; ~3 % rush orders; the oldest items of each station are already started (a
few overdue, one station with more started items than cooks). The data is generated
once with a fixed seed; every run plans the same input from scratch.

Such a backlog is days of work for 13 cooks, so it is a stress test: every station is
saturated and most groups have to find their slot far in the future.
Target: <= 10 ms per plan() on 10,000 items. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time

from kitchen import sequencing

NOW = 1_700_000_000.0
COOKS = {"wok": 4, "grill": 3, "fry": 2, "cold": 2, "pastry": 1, "bar": 1}
# station: (weight, prep range in s, course choices)
STATIONS = {
    "wok": (0.26, (240, 720), (2, 2, 2, 1)),
    "grill": (0.18, (300, 900), (2, 2, 2, 2, 1)),
    "fry": (0.14, (180, 600), (1, 1, 2)),
    "cold": (0.14, (120, 420), (1, 1, 1, 2)),
    "pastry": (0.10, (180, 600), (3,)),
    "bar": (0.18, (60, 180), (0,)),
}
ORDER_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
SIZE_WEIGHTS = (0.10, 0.17, 0.17, 0.17, 0.14, 0.11, 0.08, 0.06)   # mean ~4 items


def build(n_items: int = 10_000, seed: int = 7) -> list[sequencing.Item]:
    rng = random.Random(seed)
    names = list(STATIONS)
    weights = [STATIONS[s][0] for s in names]
    sizes = []
    while sum(sizes) < n_items:
        sizes.append(rng.choices(ORDER_SIZES, SIZE_WEIGHTS)[0])
    sizes[-1] -= sum(sizes) - n_items
    n_orders = len(sizes)
    items = []
    item_id = 1000
    for k, size in enumerate(sizes):
        order_id = 500 + k
        ordered_at = NOW - 7200 + 7200 * k / n_orders + rng.uniform(0, 2)
        rush = rng.random() < 0.03
        for _ in range(size):
            station = rng.choices(names, weights)[0]
            _, (lo, hi), courses = STATIONS[station]
            items.append(sequencing.Item(
                id=item_id, order_id=order_id, station=station, prep_s=float(rng.randrange(lo, hi + 1, 10)),
                ordered_at=ordered_at, course=rng.choice(courses), rush=rush))
            item_id += 1
    # The oldest items of each station are being cooked (some longer than their prep time);
    # the bar has one more started item than cooks.
    started = {s: 0 for s in names}
    limit = {s: COOKS[s] + (s == "bar") for s in names}
    for i, it in enumerate(items):
        if started[it.station] < limit[it.station]:
            started[it.station] += 1
            items[i] = sequencing.Item(
                id=it.id, order_id=it.order_id, station=it.station, prep_s=it.prep_s, ordered_at=it.ordered_at,
                course=it.course, rush=it.rush, started_at=NOW - rng.uniform(0.1, 1.3) * it.prep_s)
    rng.shuffle(items)   # the caller gives no particular order
    return items


def floor(items: list[sequencing.Item]) -> dict:
    """A reference, not a plan: only read every item, group it by order and course, sort
    the orders and build one Planned per item -- the least any plan() has to do in CPython."""
    orders: dict = {}
    for it in items:
        o = orders.get(it.order_id)
        if o is None:
            o = orders[it.order_id] = [not it.rush, it.ordered_at, {}]
        o[2].setdefault(it.course, []).append(it)
    out = {}
    for _, (_, _, courses) in sorted(orders.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0])):
        for course in sorted(courses):
            for it in courses[course]:
                out[it.id] = sequencing.Planned(it.id, it.ordered_at, it.ordered_at + it.prep_s)
    return out


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        gc.collect()                           # garbage collection stays on, as in the server
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    items = build(args.items, args.seed)
    p = sequencing.plan(NOW, COOKS, items)     # warm-up, and the figures below
    times = timed(lambda: sequencing.plan(NOW, COOKS, items), args.runs)
    floor_ms = statistics.median(timed(lambda: floor(items), args.runs))

    orders = {it.order_id for it in items}
    started = sum(it.started_at is not None for it in items)
    horizon_h = (max(x.ready_at for x in p.items.values()) - NOW) / 3600
    groups: dict = {}
    for it in items:
        if it.course >= 1:
            groups.setdefault((it.order_id, it.course), []).append(it)
    together = within = 0
    for group in groups.values():
        per_station: dict = {}
        for it in group:
            per_station[it.station] = per_station.get(it.station, 0) + 1
        if all(it.started_at is None for it in group) and all(n <= COOKS[s] for s, n in per_station.items()):
            together += 1
            ready = [p.items[it.id].ready_at for it in group]
            within += max(ready) - min(ready) <= p.tolerance_s
    med, best = statistics.median(times), min(times)
    print(f"plan(): {len(items)} open items, {len(orders)} orders, {len(COOKS)} stations "
          f"({sum(COOKS.values())} cooks), {started} started")
    print(f"  plan horizon: {horizon_h:.1f} h of work (a saturated kitchen)")
    print(f"  sync groups ready within {p.tolerance_s:g} s: {within} of the {together} the kitchen can cook at once "
          f"({len(groups) - together} more have started items or more items on a station than cooks)")
    print(f"  {args.runs} runs: median {med:.1f} ms, best {best:.1f} ms, worst {max(times):.1f} ms "
          f"({1000 * med / len(items):.2f} us per item; target 10 ms)")
    print(f"  reference: reading, grouping and building the {len(items)} results alone: {floor_ms:.1f} ms")
    print(json.dumps({"items": len(items), "ms": round(med, 2), "best_ms": round(best, 2),
                      "floor_ms": round(floor_ms, 2), "runs": args.runs}))


if __name__ == "__main__":
    main()
