"""Dinner-service simulation: three ways of telling the cooks what to start, on identical orders.

    .venv/bin/python -m bench.kitchen_sim [--seed N] [--hours H] [--load X] [--util-target U] [--sigma S]

fifo    every item is fired when its order arrives; a free cook takes the oldest order's item.
offset  "fire by prep time" (Simphony, Toast): an item fires at ordered_at + (longest prep in the order
        - its own prep); a free cook takes the fired item with the earliest fire time.
ours    kitchen.sequencing.plan() is called at every event (order in, item started, item ready) with
        the open items and EXPECTED prep times; a free cook takes the item with the earliest planned
        fire_at once the station screen says FIRE NOW, i.e. fire_at <= now + kitchen.sequencing.FIRE_GRACE_S
        (30 s, what the product's screen and Start button do); --fire-grace sets it (0: to the second).
        A wake-up is scheduled when the next planned item comes within the grace.

One 3-hour service from 18:00: ~190 orders (non-homogeneous Poisson: a base of 18 orders/hour and two
peaks, ~19:00 and ~20:15, up to ~80 orders/hour). Menu (station, expected prep) comes from app/demo.py.
Actual prep = expected x lognormal noise (mean 1, sigma 0.1 by default), drawn once per item, so every
method cooks the same work.

Staffing (the demo config's kitchen, wok 2 / grill 1 / cold 1 / bar 1, is sized for ~15 orders an
evening): the simulated kitchen is sized from the DEMAND, before and independently of any method. For
each station, its offered load in the busiest hour is the expected prep seconds of the station's items
ORDERED in that 60-minute window (5-minute steps) / 3600 s; the station gets the smallest number of
cooks keeping that load / cooks <= --util-target (0.85). A queueing kitchen still queues at the peaks.

All food is course 2 and is what "spread" (first to last food item of an order ready) measures, over
orders with two or more food items; drinks (bar, course 0) are not synchronised: they count in ticket
time and utilisation only. Besides the default sigma, the summary of each method is printed at sigma 0
and 0.05 too (--context-sigmas), as context: sigma 0 shows what the plans achieve when prep times are
exact, the difference is the cost of prep-time noise.

Context "menu prep times off per dish" (--menu-bias, default 0.25; 0: skip): the same orders, noise and
kitchen, but each dish has a bias factor for the evening (lognormal, mean 1, sigma --menu-bias, drawn from
its own generator seeded by --seed), so that its items really take menu prep x bias x noise. Compared:
offset (menu times, as Toast/Simphony), ours-menu (ours planning with menu times) and ours-learn (ours
planning as the server does with learning on: at each bump the dish's learned prep is recomputed by
kitchen.prep_learning.estimate over its last [kitchen] learn_window measured start-to-bump seconds, newest
first, and used via prep_learning.expected_prep once there are learn_min_samples of them; before that, the
menu time). Under the JSON key "context_menu_bias". The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import ast
import heapq
import itertools
import json
import math
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import load_settings

EPOCH = 1_700_000_000.0   # sim time 0 (18:00) as epoch seconds, for the planner
START_MIN = 18 * 60       # service starts at 18:00
PEAKS = ((19 * 60, 25.0, 63.0), (20 * 60 + 15, 30.0, 54.0))  # (clock minute, sd minutes, orders/hour)
BASE_RATE = 18.0          # orders/hour outside the peaks: ~190 orders in 3 h
UTIL_TARGET = 0.85        # staffing rule: peak-hour offered load per cook at most this
PARTY = {1: 0.15, 2: 0.35, 3: 0.17, 4: 0.20, 5: 0.07, 6: 0.06}
MAINS = {"Wok Dishes": 0.30, "Rice & Noodles": 0.40, "Roast Meats": 0.30}
VEG = "Garlic Choy Sum"
METHODS = ("fifo", "offset", "ours")


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    order_id: int
    station: str
    name: str
    prep_s: float      # expected: what the POS knows
    actual_s: float    # what it really takes (same draw for every method)
    ordered_at: float  # seconds since the start of service
    course: int        # 2 food, 0 drinks


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    at: float
    party: int
    jobs: tuple[Job, ...]


@dataclass
class Run:
    started: dict[int, float] = field(default_factory=dict)
    ready: dict[int, float] = field(default_factory=dict)
    busy_s: Counter = field(default_factory=Counter)       # station -> cook-seconds worked
    held_idle_s: Counter = field(default_factory=Counter)  # station -> cook-seconds idle while an item waited
    makespan: float = 0.0
    plan_calls: int = 0
    seconds: float = 0.0
    churn_n: int = 0           # ours: queued items whose planned fire time moved > 60 s later between plans
    churn_max: float = 0.0     # ours: the largest such move (s)
    learned: dict[str, int] = field(default_factory=dict)  # ours with learning: dish -> learned prep s (final)


def load_menu() -> dict[str, list[tuple[str, str, float]]]:
    """Category (English) -> [(dish, station, expected prep seconds)], read from app/demo.py's MENU
    literal (parsed, not imported: importing app.demo loads the whole application)."""
    tree = ast.parse((Path(__file__).resolve().parents[1] / "app" / "demo.py").read_text(encoding="utf-8"))
    node = next(n.value for n in tree.body
                if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "MENU")
    menu = {}
    for cat in node.elts:   # (_n(zh, en), station, [course,] [(zh, en, price, minutes, ...)])
        names, station, dishes = cat.elts[0], cat.elts[1], cat.elts[-1]
        menu[names.args[1].value] = [(d.elts[1].value, station.value, d.elts[3].value * 60.0)
                                     for d in dishes.elts]
    return menu


def config_cooks() -> dict[str, int]:
    """The demo config's kitchen (sized for ~15 orders an evening): context only."""
    return {s.name: s.cooks for s in load_settings().stations}


def offered_peak_hour(orders: list[Order], hours: float) -> dict[str, float]:
    """Per station, the busiest 60 minutes (5-minute steps) of offered load: expected prep seconds of
    the station's items ORDERED in the window / 3600 s, i.e. cooks' worth of work arriving."""
    best: dict[str, float] = {}
    w = 0.0
    while True:
        load = Counter()
        for o in orders:
            if w <= o.at < w + 3600:
                for j in o.jobs:
                    load[j.station] += j.prep_s / 3600
        for st, x in load.items():
            best[st] = max(best.get(st, 0.0), x)
        if w + 3600 >= hours * 3600:
            return best
        w += 300


def staff(orders: list[Order], hours: float, util_target: float = UTIL_TARGET) -> dict[str, int]:
    """The staffing rule (method-independent): each station gets the smallest number of cooks keeping
    its peak-hour offered load per cook <= util_target (at least 1 cook)."""
    return {st: max(1, math.ceil(x / util_target - 1e-9)) for st, x in sorted(offered_peak_hour(orders, hours).items())}


def rate(t: float, load: float) -> float:
    """Orders per second at t seconds after 18:00: a base plus two Gaussian peaks."""
    m = START_MIN + t / 60
    per_hour = BASE_RATE + sum(a * math.exp(-0.5 * ((m - mu) / sd) ** 2) for mu, sd, a in PEAKS)
    return load * per_hour / 3600


def make_evening(rng: random.Random, menu, *, hours: float, load: float, sigma: float,
                 first_order: int = 1, first_job: int = 1) -> list[Order]:
    """Orders of one evening: non-homogeneous Poisson arrivals (thinning), party mix, noisy preps."""
    peak = rate(0, load) + load * sum(a for *_, a in PEAKS) / 3600   # bound on rate()
    orders, t, oid, jid = [], 0.0, first_order, first_job
    while True:
        t += rng.expovariate(peak)
        if t >= hours * 3600:
            return orders
        if rng.random() * peak > rate(t, load):
            continue
        party = rng.choices(list(PARTY), weights=list(PARTY.values()))[0]
        dishes = [rng.choice([d for d in menu[rng.choices(list(MAINS), weights=list(MAINS.values()))[0]]
                              if d[0] != VEG]) for _ in range(party)]          # ~1 main per diner
        dishes += [rng.choice(menu["Starters"]) for _ in range((party + 1) // 2) if rng.random() < 0.5]
        if party >= 3 and rng.random() < 0.5:
            dishes += [d for d in menu["Wok Dishes"] if d[0] == VEG]                # shared greens
        if party >= 2 and rng.random() < 0.3:
            dishes.append(rng.choice(menu["Soups"]))
        drinks = [rng.choice(menu["Drinks"]) for _ in range(party) if rng.random() < 0.6]
        jobs = []
        for course, group in ((2, dishes), (0, drinks)):
            for name, station, prep in group:
                actual = prep * math.exp(rng.gauss(0.0, sigma) - sigma * sigma / 2)
                jobs.append(Job(jid, oid, station, name, prep, actual, t, course))
                jid += 1
        orders.append(Order(oid, t, party, tuple(jobs)))
        oid += 1


def _planner():
    from kitchen import sequencing  # imported late: fifo/offset run without it
    return sequencing


def _expected_prep(j: Job, learned: dict[str, int] | None) -> float:
    """The prep time the planner is given: as kitchen.planner.replan, the dish's learned time (through
    prep_learning.expected_prep, no modifiers here) when it has one, else the menu's."""
    if learned and j.name in learned:
        return float(_learning().expected_prep(j.prep_s, 0, learned[j.name]))
    return j.prep_s


def _learning():
    from kitchen import prep_learning
    return prep_learning


def learn_settings() -> tuple[int, int]:
    """(window, min_samples) of prep-time learning, from the server's config ([kitchen])."""
    k = load_settings().kitchen
    return k.learn_window, k.learn_min_samples


def _plan_fire(seq, now, cooks, open_orders, run, tolerance_s, learned=None) -> dict[int, float]:
    items = [seq.Item(id=j.id, order_id=j.order_id, station=j.station, prep_s=_expected_prep(j, learned),
                      ordered_at=EPOCH + j.ordered_at, course=j.course,
                      started_at=EPOCH + run.started[j.id] if j.id in run.started else None,
                      ready=j.id in run.ready)
             for o in open_orders.values() for j in o.jobs]
    p = seq.plan(EPOCH + now, cooks, items, tolerance_s=tolerance_s)
    return {i: pl.fire_at - EPOCH for i, pl in p.items.items()}


def _churn(run: Run, old: dict[int, float], new: dict[int, float]) -> None:
    """Plan churn: how much later a still-queued item's planned fire time moved between two plans."""
    for i, f in new.items():
        if i in old and i not in run.started:
            d = f - old[i]
            if d > 60:
                run.churn_n += 1
            if d > run.churn_max:
                run.churn_max = d


@dataclass(slots=True)
class _Sim:
    """The event loop's state: what is waiting, who is busy, when each item fires, the pending events."""
    method: str
    cooks: dict[str, int]
    jobs: dict[int, Job]
    eps: float
    learn: tuple[int, int] | None
    run: Run = field(default_factory=Run)
    heap: list = field(default_factory=list)
    tie: itertools.count = field(default_factory=itertools.count)
    waiting: dict[str, set[int]] = field(default_factory=dict)
    busy: Counter = field(default_factory=Counter)
    fire: dict[int, float] = field(default_factory=dict)
    last_plan: dict[int, float] = field(default_factory=dict)   # ours: the previous plan's fire times (churn)
    open_orders: dict[int, Order] = field(default_factory=dict)
    wakes: set[float] = field(default_factory=set)
    measured: dict[str, list[tuple[float, int, int]]] = field(default_factory=dict)  # dish -> [(ready, id, s)]
    learned: dict[str, int] | None = None

    def push(self, at: float, kind: str, x) -> None:
        heapq.heappush(self.heap, (at, next(self.tie), kind, x))

    def wake_at(self, at: float) -> None:
        if at not in self.wakes:
            self.wakes.add(at)
            self.push(at, "wake", None)

    def arrive(self, o: Order, now: float) -> None:
        self.open_orders[o.id] = o
        longest = max((j.prep_s for j in o.jobs if j.course), default=0.0)
        for j in o.jobs:
            self.waiting[j.station].add(j.id)
            self.fire[j.id] = o.at + (longest - j.prep_s if self.method == "offset" and j.course else 0.0)
            if self.fire[j.id] > now:
                self.wake_at(self.fire[j.id])

    def done(self, j: Job, now: float) -> None:
        run = self.run
        run.ready[j.id] = now
        run.busy_s[j.station] += now - run.started[j.id]
        self.busy[j.station] -= 1
        if self.learn is not None:
            self.bump(j, now)
        if all(x.id in run.ready for x in self.open_orders[j.order_id].jobs):
            del self.open_orders[j.order_id]

    def bump(self, j: Job, now: float) -> None:
        """The bump: a measurement, and the dish's estimate recomputed."""
        self.measured.setdefault(j.name, []).append((now, j.id, round(now - self.run.started[j.id])))
        recent = [v for *_, v in sorted(self.measured[j.name], reverse=True)[:self.learn[0]]]
        est = _learning().estimate(recent, self.learn[1])
        if est.seconds is None:
            self.learned.pop(j.name, None)
        else:
            self.learned[j.name] = est.seconds

    def start_due(self, now: float, seq, tolerance_s: float) -> None:
        """Free cooks start the items the method releases, one at a time (ours re-plans after every start)."""
        run = self.run
        while True:
            if seq is not None:
                new = _plan_fire(seq, now, self.cooks, self.open_orders, run, tolerance_s, self.learned)
                _churn(run, self.last_plan, new)
                self.fire, self.last_plan = new, dict(new)
                run.plan_calls += 1
            free = [i for s, ids in self.waiting.items() if self.busy[s] < self.cooks[s] for i in ids]
            due = [(self.fire[i], self.jobs[i].ordered_at, i) for i in free
                   if self.fire.get(i, math.inf) <= now + self.eps]
            if not due:
                return
            j = self.jobs[min(due)[2]]
            self.waiting[j.station].discard(j.id)
            self.busy[j.station] += 1
            run.started[j.id] = now
            self.push(now + j.actual_s, "done", j)

    def wake_for_next_fire(self, now: float) -> None:
        """Ours: a wake-up for when the screen will say FIRE NOW for the next planned item."""
        later = [self.fire[i] for ids in self.waiting.values() for i in ids
                 if self.fire.get(i, -math.inf) > now + self.eps]
        if later:
            self.wake_at(min(later) - self.eps)


def simulate(method: str, orders: list[Order], cooks: dict[str, int], *, tolerance_s: float = 30.0,
             learn: tuple[int, int] | None = None, fire_grace_s: float | None = None) -> Run:
    """Event loop (heapq): arrivals, item done, wake-ups. After the events of an instant, free cooks
    start items the method releases, one at a time (ours re-plans after every start).
    learn: (window, min_samples) = ours plans with prep times learned from this service's bumps, as the
    server does (kitchen.planner.record_measurement / refresh_estimates); None: menu prep times."""
    if learn is not None and method != "ours":
        raise ValueError("learn applies to ours only")
    seq = _planner() if method == "ours" else None
    if method != "ours":
        eps = 1e-9
    else:  # the screen says FIRE NOW this close to the planned time (at least 1 s: float rounding)
        eps = max(1.0, seq.FIRE_GRACE_S if fire_grace_s is None else fire_grace_s)
    clock = time.perf_counter()
    sim = _Sim(method, cooks, {j.id: j for o in orders for j in o.jobs}, eps, learn,
               waiting={s: set() for s in cooks}, learned={} if learn is not None else None)
    run = sim.run
    for o in orders:
        sim.push(o.at, "arrive", o)
    horizon, last = max((o.at for o in orders), default=0) + 24 * 3600, 0.0
    while sim.heap:
        now = sim.heap[0][0]
        for s, c in cooks.items():
            run.held_idle_s[s] += min(c - sim.busy[s], len(sim.waiting[s])) * (now - last)
        last = now
        if now > horizon:
            raise RuntimeError(f"{method}: never started: {sorted(i for w in sim.waiting.values() for i in w)}")
        while sim.heap and sim.heap[0][0] == now:
            _, _, kind, x = heapq.heappop(sim.heap)
            if kind == "arrive":
                sim.arrive(x, now)
            elif kind == "done":
                sim.done(x, now)
            else:
                sim.wakes.discard(now)
        sim.start_due(now, seq, tolerance_s)
        if seq is not None:
            sim.wake_for_next_fire(now)
    run.makespan = max(run.ready.values(), default=0.0)
    run.learned = dict(sim.learned or {})
    run.seconds = time.perf_counter() - clock
    return run


def pct(xs: list[float], q: float) -> float:
    """Linear-interpolated percentile, q in 0..100."""
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * q / 100
    lo = math.floor(k)
    return xs[lo] + (xs[min(lo + 1, len(xs) - 1)] - xs[lo]) * (k - lo)


def peak_hour(run: Run, orders: list[Order], station: str, cooks: int) -> float:
    """Highest utilisation of a station over any 60-minute window (5-minute steps)."""
    spans = [(run.started[j.id], run.ready[j.id]) for o in orders for j in o.jobs if j.station == station]
    best, w = 0.0, 0.0
    while w < run.makespan:
        best = max(best, sum(max(0.0, min(b, w + 3600) - max(a, w)) for a, b in spans) / (cooks * 3600))
        w += 300
    return best


def spread_floor(order: Order, cooks: dict[str, int]) -> float:
    """Least spread ANY method can reach: a station with more of the order's food items than cooks makes
    some cook cook two of them back to back; the later one finishes at least its prep after the first."""
    floor = 0.0
    for s, c in cooks.items():
        preps = sorted(j.actual_s for j in order.jobs if j.course and j.station == s)
        if len(preps) > c:
            floor = max(floor, preps[0], sum(preps[:len(preps) - c]) / c)
    return floor


def plan_churn(run: Run) -> dict:
    return {"moves_later_over_60s": run.churn_n, "max_move_later_s": round(run.churn_max, 1)}


def measure(orders: list[Order], run: Run, cooks: dict[str, int], tolerance_s: float) -> dict:
    spreads, fit, tickets, late = [], [], [], Counter()
    for o in orders:
        food = sorted((run.ready[j.id], j.station) for j in o.jobs if j.course)
        if len(food) >= 2:
            spreads.append(food[-1][0] - food[0][0])
            if spread_floor(o, cooks) == 0:   # no station has more of its items than cooks
                fit.append(spreads[-1])
            if spreads[-1] > tolerance_s:
                late[food[-1][1]] += 1
        tickets.append(max(run.ready[j.id] for j in o.jobs) - o.at)
    span = run.makespan
    station_util = {s: run.busy_s[s] / (c * span) for s, c in cooks.items()}
    return {
        "spread_median_s": round(pct(spreads, 50), 1), "spread_p90_s": round(pct(spreads, 90), 1),
        "spread_median_fit_s": round(pct(fit, 50), 1), "spread_p90_fit_s": round(pct(fit, 90), 1),
        "ticket_mean_s": round(statistics.fmean(tickets), 1), "ticket_p90_s": round(pct(tickets, 90), 1),
        "utilisation": round(sum(run.busy_s.values()) / (sum(cooks.values()) * span), 3),
        "station_utilisation": {s: round(u, 3) for s, u in station_util.items()},
        "peak_hour_utilisation": {s: round(peak_hour(run, orders, s, c), 3) for s, c in cooks.items()},
        "spread_over_tolerance": sum(late.values()), "last_station_when_over": dict(late.most_common()),
        "work_s": round(sum(run.busy_s.values()), 1),
        "held_idle_s": {s: round(run.held_idle_s[s]) for s in cooks},
        "plan_churn": plan_churn(run),
        "plan_calls": run.plan_calls, "run_s": round(run.seconds, 3),
    }


def run_all(*, seed: int, hours: float = 3.0, load: float = 1.0, sigma: float = 0.1, tolerance_s: float = 30.0,
            util_target: float = UTIL_TARGET, cooks: dict[str, int] | None = None,
            methods=METHODS, fire_grace_s: float | None = None) -> tuple[list[Order], dict, dict]:
    """One service: (orders, {method: Run or error text}, cooks). cooks: None = the staffing rule."""
    rng, menu = random.Random(seed), load_menu()
    orders = make_evening(rng, menu, hours=hours, load=load, sigma=sigma)
    if cooks is None:
        cooks = staff(orders, hours, util_target)
    runs = {}
    for m in methods:
        try:
            runs[m] = simulate(m, orders, cooks, tolerance_s=tolerance_s, fire_grace_s=fire_grace_s)
        except ImportError as e:   # kitchen.sequencing missing or broken: report, run the others
            runs[m] = f"{type(e).__name__}: {e}"
    return orders, runs, cooks


MENU_BIAS_SIGMA = 0.25   # context: lognormal sigma of a dish's real/menu prep time for the evening
BIAS_METHODS = ("offset", "ours-menu", "ours-learn")


def dish_bias(seed: int, menu, sigma: float = MENU_BIAS_SIGMA) -> dict[str, float]:
    """Dish -> real/menu prep factor for the evening: lognormal with mean 1 (the menu is right on
    average, not dish by dish), from a generator of its own so the orders stay those of the seed."""
    rng = random.Random(f"menu-bias-{seed}")
    return {name: math.exp(rng.gauss(0.0, sigma) - sigma * sigma / 2)
            for dishes in menu.values() for name, _, _ in dishes}


def with_bias(orders: list[Order], bias: dict[str, float]) -> list[Order]:
    """The same orders whose items really take bias[dish] times longer (menu prep_s unchanged)."""
    return [Order(o.id, o.at, o.party, tuple(
        Job(j.id, j.order_id, j.station, j.name, j.prep_s, j.actual_s * bias[j.name], j.ordered_at, j.course)
        for j in o.jobs)) for o in orders]


def run_menu_bias(*, seed: int, hours: float = 3.0, load: float = 1.0, sigma: float = 0.1,
                  tolerance_s: float = 30.0, util_target: float = UTIL_TARGET, cooks: dict[str, int] | None = None,
                  bias_sigma: float = MENU_BIAS_SIGMA, learn: tuple[int, int] | None = None,
                  methods=BIAS_METHODS) -> tuple[list[Order], dict, dict, dict[str, float]]:
    """The context "menu prep times off per dish": the seed's service (same orders and noise) with a
    per-dish bias. (orders, {method: Run or error text}, cooks, bias). cooks: None = the staffing rule
    (on menu times, what the restaurant knows); learn: None = the server's config."""
    rng, menu = random.Random(seed), load_menu()
    plain = make_evening(rng, menu, hours=hours, load=load, sigma=sigma)
    if cooks is None:
        cooks = staff(plain, hours, util_target)
    bias = dish_bias(seed, menu, bias_sigma)
    orders = with_bias(plain, bias)
    learn = learn or learn_settings()
    runs = {}
    for m in methods:
        try:
            runs[m] = simulate(m.split("-")[0], orders, cooks, tolerance_s=tolerance_s,
                               learn=learn if m == "ours-learn" else None)
        except ImportError as e:
            runs[m] = f"{type(e).__name__}: {e}"
    return orders, runs, cooks, bias


def summary_line(m: str, r: dict) -> str:
    su, ph = r["station_utilisation"], r["peak_hour_utilisation"]
    busiest, peak = max(su, key=su.get), max(ph, key=ph.get)
    return (f"{m:7} {r['spread_median_s']:7.0f} {r['spread_p90_s']:7.0f} {r['spread_median_fit_s']:6.0f} "
            f"{r['spread_p90_fit_s']:6.0f} {r['ticket_mean_s']:7.0f} {r['ticket_p90_s']:7.0f} "
            f"{r['utilisation']:5.2f} {busiest:>11} {su[busiest]:.2f} {peak:>6} {ph[peak]:.2f} "
            f"{r['spread_over_tolerance']:5d} {sum(r['held_idle_s'].values()) / r['work_s']:5.0%} {r['run_s']:6.2f}")


HEADER = (f"{'method':7} {'spread':>7} {'p90':>7} {'fit':>6} {'p90':>6} {'ticket':>7} {'p90':>7} {'util':>5} "
          f"{'busiest station':>16} {'peak hour':>11} {'>tol':>5} {'held':>5} {'run s':>6}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.kitchen_sim", description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hours", type=float, default=3.0, help="hours orders are taken, from 18:00")
    ap.add_argument("--load", type=float, default=1.0, help="scales the arrival rate")
    ap.add_argument("--util-target", type=float, default=UTIL_TARGET,
                    help="staffing rule: peak-hour offered load per cook at most this (default 0.85)")
    ap.add_argument("--sigma", type=float, default=0.1, help="lognormal sigma of actual/expected prep")
    ap.add_argument("--context-sigmas", default="0,0.05",
                    help="also summarise the same service at these sigmas (comma list; empty: none)")
    ap.add_argument("--tolerance", type=float, default=30.0, help="tolerance_s passed to plan()")
    ap.add_argument("--fire-grace", type=float, default=None,
                    help="ours: a cook starts a dish this long before its fire time, as the screen says FIRE NOW "
                         "(default: the product's kitchen.sequencing.FIRE_GRACE_S)")
    ap.add_argument("--menu-bias", type=float, default=MENU_BIAS_SIGMA,
                    help="context: lognormal sigma of each dish's real/menu prep factor (0: skip the context)")
    return ap.parse_args(argv)


def spread_floor_stats(orders: list[Order], cooks: dict[str, int]) -> dict:
    floors = [spread_floor(o, cooks) for o in orders if sum(1 for j in o.jobs if j.course) >= 2]
    return {"median_s": round(pct(floors, 50), 1), "p90_s": round(pct(floors, 90), 1),
            "orders_above_30s": sum(f > 30 for f in floors), "orders_with_floor": sum(f > 0 for f in floors),
            "orders_that_fit": sum(f == 0 for f in floors)}


def print_service(a: argparse.Namespace, orders: list[Order], cooks: dict[str, int], offered: dict[str, float],
                  food_orders: int, floor: dict, res: dict) -> None:
    """The service, the kitchen sized for it, and each method's summary."""
    print(f"seed {a.seed}: one service of {a.hours:g} h from 18:00, load {a.load:g}, prep noise sigma {a.sigma:g}, "
          f"tolerance {a.tolerance:g} s")
    print(f"staffing rule: per station, the fewest cooks with peak-hour offered load / cooks <= {a.util_target:g}: "
          + ", ".join(f"{s} {cooks[s]} (offered {offered.get(s, 0):.2f} cooks, {offered.get(s, 0) / cooks[s]:.2f}/cook)"
                      for s in cooks) + f"  [demo config: {config_cooks()}]")
    print(f"{len(orders)} orders, {sum(len(o.jobs) for o in orders)} items; spread = first to last FOOD item ready "
          f"over the {food_orders} orders with 2+ food items (drinks, course 0, count in ticket and utilisation only)")
    print(f"spread floor (an order has more items at a station than cooks; no method does better): "
          f"{floor['orders_with_floor']} of {food_orders} orders have one, {floor['orders_above_30s']} above 30 s, "
          f"median {floor['median_s']} s, p90 {floor['p90_s']} s. "
          f"'fit': the {floor['orders_that_fit']} orders with at most one item per cook at every station")
    print(HEADER)
    for m, r in res.items():
        print(f"{m:7} not run: {r['error']}" if "error" in r else summary_line(m, r))
    print("(seconds; spread/fit/ticket: median or mean, then p90; util: all cooks' busy time / (cooks x time to "
          "the last item ready); peak hour: busiest 60 min; >tol: orders with spread > "
          "tolerance; held: cook time idle while an item of that station waited, as a share of the work)")
    for m, r in res.items():
        if "error" not in r:
            print(f"  {m}: utilisation {r['station_utilisation']}, peak hour {r['peak_hour_utilisation']}, "
                  f"held idle s {r['held_idle_s']}, last station when spread > tolerance {r['last_station_when_over']}"
                  + (f", plan churn {r['plan_churn']}" if m == "ours" else ""))


def context_runs(a: argparse.Namespace, orders: list[Order], cooks: dict[str, int]) -> dict:
    """The same service at the other sigmas, and ours with no FIRE NOW grace."""
    context = {}
    for sg in [float(x) for x in a.context_sigmas.split(",") if x.strip()]:
        if sg == a.sigma:
            continue
        o2, r2, _ = run_all(seed=a.seed, hours=a.hours, load=a.load, sigma=sg, tolerance_s=a.tolerance, cooks=cooks,
                            fire_grace_s=a.fire_grace)
        context[sg] = {m: measure(o2, r, cooks, a.tolerance) for m, r in r2.items() if isinstance(r, Run)}
        print(f"context, same service and kitchen at sigma {sg:g}:")
        for m, r in context[sg].items():
            print("  " + summary_line(m, r))
    if a.fire_grace != 0:  # context: cooks who start each dish to the second of its fire time
        _, r0, _ = run_all(seed=a.seed, hours=a.hours, load=a.load, sigma=a.sigma, tolerance_s=a.tolerance,
                           cooks=cooks, methods=("ours",), fire_grace_s=0.0)
        context["ours_no_fire_grace"] = measure(orders, r0["ours"], cooks, a.tolerance)
        print("context, ours with every dish started to the second of its planned fire time (no FIRE NOW grace):")
        print("  " + summary_line("ours", context["ours_no_fire_grace"]))
    return context


def menu_bias_context(a: argparse.Namespace, cooks: dict[str, int]) -> dict:
    """Menu prep times off per dish: offset, ours with menu times and ours learning, printed and returned."""
    window, min_samples = learn_settings()
    bo, br, _, bias = run_menu_bias(seed=a.seed, hours=a.hours, load=a.load, sigma=a.sigma,
                                    tolerance_s=a.tolerance, cooks=cooks, bias_sigma=a.menu_bias,
                                    learn=(window, min_samples))
    bm = {m: measure(bo, r, cooks, a.tolerance) if isinstance(r, Run) else {"error": r} for m, r in br.items()}
    learned = br["ours-learn"].learned if isinstance(br["ours-learn"], Run) else {}
    menu_s = {j.name: j.prep_s for o in bo for j in o.jobs}
    print(f"context, menu prep times off per dish (real mean = menu x a factor per dish, lognormal sigma "
          f"{a.menu_bias:g}, {min(bias.values()):.2f} to {max(bias.values()):.2f}; noise sigma {a.sigma:g}; "
          f"learning window {window}, min samples {min_samples}):")
    print(f"  {'method':10} {'spread':>7} {'p90':>7} {'ticket':>7} {'p90':>7} {'>tol':>5}")
    for m, r in bm.items():
        print(f"  {m:10} not run: {r['error']}" if "error" in r else
              f"  {m:10} {r['spread_median_s']:7.0f} {r['spread_p90_s']:7.0f} {r['ticket_mean_s']:7.0f} "
              f"{r['ticket_p90_s']:7.0f} {r['spread_over_tolerance']:5d}")
    errs = [(abs(menu_s[d] - menu_s[d] * bias[d]), abs(learned[d] - menu_s[d] * bias[d])) for d in learned]
    if errs:
        print(f"  at closing, {len(learned)} of {len(menu_s)} dishes ordered have a learned prep; their mean "
              f"|error| vs the real mean: menu {statistics.fmean(e for e, _ in errs):.0f} s, learned "
              f"{statistics.fmean(e for _, e in errs):.0f} s")
    return {"bias_sigma": a.menu_bias, "learn_window": window, "learn_min_samples": min_samples,
            "methods": bm,
            "dishes": {d: {"menu_s": menu_s[d], "bias": round(bias[d], 3),
                           "real_mean_s": round(menu_s[d] * bias[d], 1), "learned_s": learned.get(d)}
                       for d in sorted(menu_s)}}


def goals_of(res: dict) -> dict[str, bool]:
    """Ours against offset, printed."""
    ours, off = res["ours"], res["offset"]
    goals = {} if "error" in ours else {
        "ours_spread_median_le_30s": ours["spread_median_s"] <= 30.0,
        "ours_spread_median_below_offset": ours["spread_median_s"] < off["spread_median_s"],
        "ours_ticket_mean_within_5pct_of_offset": ours["ticket_mean_s"] <= 1.05 * off["ticket_mean_s"]}
    for g, ok in goals.items():
        print(f"goal {g}: {'MET' if ok else 'NOT MET'}")
    if "error" not in ours:
        print(f"ours vs offset: ticket mean {ours['ticket_mean_s'] / off['ticket_mean_s'] - 1:+.1%}, "
              f"spread median {ours['spread_median_s']:.0f} s vs {off['spread_median_s']:.0f} s")
    return goals


def main(argv: list[str] | None = None) -> dict:
    a = parse_args(argv)
    orders, runs, cooks = run_all(seed=a.seed, hours=a.hours, load=a.load, sigma=a.sigma,
                                  tolerance_s=a.tolerance, util_target=a.util_target, fire_grace_s=a.fire_grace)
    res = {m: measure(orders, r, cooks, a.tolerance) if isinstance(r, Run) else {"error": r}
           for m, r in runs.items()}
    food_orders = sum(1 for o in orders if sum(1 for j in o.jobs if j.course) >= 2)
    floor = spread_floor_stats(orders, cooks)
    offered = offered_peak_hour(orders, a.hours)
    print_service(a, orders, cooks, offered, food_orders, floor, res)
    context = context_runs(a, orders, cooks)
    menu_bias = menu_bias_context(a, cooks) if a.menu_bias > 0 else {}
    goals = goals_of(res)
    out = {"methods": res, "orders": len(orders), "items": sum(len(o.jobs) for o in orders),
           "orders_with_2plus_food": food_orders, "spread_floor": floor, "seed": a.seed, "goals": goals,
           "context": {str(k): v for k, v in context.items()},
           "context_menu_bias": menu_bias,
           "parameters": {"hours": a.hours, "load": a.load, "util_target": a.util_target, "cooks": cooks,
                          "offered_peak_hour": {k: round(v, 3) for k, v in offered.items()},
                          "sigma": a.sigma, "tolerance_s": a.tolerance}}
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
