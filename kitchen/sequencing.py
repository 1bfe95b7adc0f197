"""Fire-time sequencing: when each open item should be started so that the items of an
order (of one course) come out of the kitchen together, given how many cooks each
station has and what they are already cooking.

Pure and deterministic: standard library only, no clock (``now`` is a parameter), no
randomness. The same inputs, in any order, give the same plan.

Oracle Simphony and Toast fire the longest item of an order now and hold each other item
by the difference in prep time, which assumes idle stations. Here stations have cooks and
queues: a held item fires when its station will really have a cook free to finish it.

* Sync groups: the items of (order_id, course), course >= 1, should be ready together.
  Course 0 (drinks, "serve when ready") is not synchronised: each item fires as soon as
  a cook of its station is free. No item of course k+1 is ready before the latest ready
  time of the order's previous present course + course_gap_s.
* Priority: orders are planned one after the other, rush first, then by acceptance time
  (the earliest ordered_at of the order's open items), then order_id; within an order,
  course by course. A group only takes the capacity the orders placed before it left.
* Overtaking (bounded): a held item reserves its cook late (to finish with its group),
  which can keep a later order from a cook that is idle until then. So, when the head
  order A (the first not yet placed) was accepted less than OVERTAKE_AGE_S before now and
  is planned to be ready within OVERTAKE_HORIZON_S from now, each of the next
  OVERTAKE_LOOKAHEAD orders B (same rush class, sharing a station with A) is tried ahead
  of it: B goes first if that makes B ready more than OVERTAKE_SLACK_S earlier than
  behind A and every group of A is still ready at most OVERTAKE_SLACK_S after the time it
  had when A first came to the head. A stays the head (and can be overtaken again, within
  the same bound). Hence: the first order in priority is ready at most OVERTAKE_SLACK_S
  later than if it were alone (with the started items); orders older than
  OVERTAKE_AGE_S are planned in strict priority (no starvation across replans: an order
  stops being overtaken once it is that old), and a new order never moves them as long
  as no younger order comes before them (a new rush order does, by design). Only the
  first OVERTAKE_HEADS young heads are tried, which bounds the cost of a plan in a long
  backlog (the orders behind them are far enough ahead to be replanned before they fire).
* Capacity: per station, a step function of the items in progress from now on. A started
  item occupies a cook from its start until max(started_at + prep_s, now + OVERRUN_S); a
  queued item is only placed where fewer items than cooks are in progress.
* Target T of a group: the smallest T found such that each queued item fits at its
  station ending within [T - tolerance, T], as late as possible (at T when there is
  room). The search starts at a lower bound (for each item, the end of the earliest slot
  its station has; the group's started items) and, when an item does not fit, jumps to
  the next target at which that item could fit -- never by a fixed step. A station with
  more items of the group than cooks runs them as a "chain": the shortest end at T
  (within the tolerance), the others as late as possible before them, which keeps the
  spread as small as the capacity allows.

Floating point: (T - p) + p may differ from T by an ulp; placements are nudged so that
they never overlap a full stretch, and the tolerance is checked on the computed times.

The placement of one group (the target search) is in kitchen.placement, a station's load
over time in kitchen.station_load.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import inf

from kitchen.placement import Placement, place_free, place_group
from kitchen.station_load import Stations, add

# An item started longer ago than its prep time is assumed to be ready this long from now.
OVERRUN_S = 30.0
# Station screens say FIRE NOW, and a card's Start starts a dish, this long before its planned
# fire time: a cook who is free starts it rather than stand idle for the last seconds.
FIRE_GRACE_S = 30.0
# Smallest tolerance used (s): floating point cannot promise exactly equal ready times.
MIN_TOLERANCE_S = 1e-3
# Overtaking (see the module docstring): a later order may be planned ahead of the head
# order if it gains more than OVERTAKE_SLACK_S and the head loses at most that in all;
# only orders younger than OVERTAKE_AGE_S can be overtaken; the next OVERTAKE_LOOKAHEAD
# orders are candidates (0: strict priority order).
OVERTAKE_SLACK_S = 60.0
OVERTAKE_AGE_S = 900.0
OVERTAKE_LOOKAHEAD = 4
OVERTAKE_HORIZON_S = 3600.0   # beyond it the kitchen has a backlog: no idle cook to win
OVERTAKE_HEADS = 16           # heads tried per plan (each costs a few tentative placements)


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    order_id: int
    station: str
    prep_s: float            # expected prep seconds (modifiers already included)
    ordered_at: float        # epoch seconds when the order was accepted
    course: int = 2          # 0 = "serve when ready" (not synchronised), 1 starters, 2 mains, 3 desserts
    rush: bool = False       # the order was flagged rush: planned before every non-rush order
    started_at: float | None = None  # a cook started it (it occupies a cook from then on)
    ready: bool = False      # already cooked (bumped); occupies nobody; it anchors nothing


@dataclass(frozen=True, slots=True)
class Planned:
    item_id: int
    fire_at: float           # for a started item: its started_at
    ready_at: float          # planned ready time


@dataclass(frozen=True)
class Plan:
    now: float
    tolerance_s: float       # within each sync group the kitchen can cook together, ready times differ by at most this
    items: dict[int, Planned]            # every not-ready input item, by id
    group_ready: dict[tuple[int, int], float]   # (order_id, course) -> the group's latest planned ready_at
    # (course 0 items are each their own group; their entry is the latest of the order's course-0 items)


@dataclass(slots=True)
class _Order:
    """An order's open items: a sync group per course."""
    order_id: int
    not_rush: bool              # sorts rush orders first
    first: float                # acceptance time: the earliest ordered_at of its open items
    queued: dict[int, list[Item]]   # course -> its items to plan (every course with open items)
    anchor: dict[int, float]    # course -> latest ready time of its started items, if it has any


@dataclass(slots=True)
class _Mark:
    """What undoing a tentative placement needs."""
    log_len: int                # the placements before it
    learnt: dict[str, tuple[list[float], list[float]]]   # station -> (kp, kv) before it


# -- planning -----------------------------------------------------------------------------

def plan(now: float, cooks: Mapping[str, int], items: Iterable[Item], *,
         tolerance_s: float = 30.0, course_gap_s: float = 0.0,
         busy: Mapping[str, Iterable[tuple[float, float]]] | None = None) -> Plan:
    """Plan the fire and ready time of every not-ready item (see the module docstring).

    cooks: station -> number of cooks; a station not in it has 1 (less than 1 counts as 1).
    busy: station -> (from, to) spans in which a cook is taken by work that is not in
    items (another plan's items, kept as they are); like started items, they occupy a
    cook and are not planned.
    Raises ValueError on a negative tolerance, a negative or infinite prep time, or
    duplicate item ids. A tolerance below MIN_TOLERANCE_S is raised to it."""
    now = float(now)
    if not tolerance_s >= 0:
        raise ValueError(f"tolerance_s must be >= 0, not {tolerance_s!r}")
    tol = max(float(tolerance_s), MIN_TOLERANCE_S)
    gap = float(course_gap_s)
    orders, out, spans, n_open = _collect(now, items)
    for name, b in (busy or {}).items():
        spans.setdefault(name, []).extend((a if a > now else now, e) for a, e in b if e > now and e > a)
    kitchen = _Kitchen(now, tol, gap, Stations(now, cooks, spans), out)
    group_ready = _place_orders(kitchen, orders)
    if len(out) != n_open:
        raise ValueError("duplicate item ids")
    return Plan(now=now, tolerance_s=tol, items=out, group_ready=group_ready)


def _collect(now: float, items: Iterable[Item]) -> tuple[dict[int, _Order], dict[int, Planned],
                                                         dict[str, list[tuple[float, float]]], int]:
    """Pass 1: the open items by order and course. Started items are planned right here:
    return (orders by id, the started items' Planned, station -> (from, to) of its started
    items, the number of open items)."""
    overrun_end = now + OVERRUN_S
    orders: dict[int, _Order] = {}
    out: dict[int, Planned] = {}
    spans: dict[str, list[tuple[float, float]]] = {}
    n_open = 0
    ids: set[int] = set()
    for it in items:
        if it.ready:
            continue
        n_open += 1
        if it.id in ids:  # refused before planning: a placement is keyed by its item's id
            raise ValueError("duplicate item ids")
        ids.add(it.id)
        p = it.prep_s
        if not 0 <= p < inf:
            raise ValueError(f"item {it.id}: prep_s must be >= 0 and finite, not {p!r}")
        o = orders.get(it.order_id)
        if o is None:
            o = orders[it.order_id] = _Order(it.order_id, not it.rush, it.ordered_at, {}, {})
        else:
            if it.rush:
                o.not_rush = False
            if it.ordered_at < o.first:
                o.first = it.ordered_at
        queued = o.queued.get(it.course)
        if queued is None:
            queued = o.queued[it.course] = []
        st = it.started_at
        if st is None:
            queued.append(it)
        else:
            end = st + p
            if end < overrun_end:
                end = overrun_end
            out[it.id] = Planned(it.id, st, end)
            spans.setdefault(it.station, []).append((st if st > now else now, end))
            if end > o.anchor.get(it.course, -inf):
                o.anchor[it.course] = end
    return orders, out, spans, n_open


class _Kitchen:
    """A plan being built: the stations' load, the items planned, and the log of the queued
    items placed (to take an order's placement back)."""
    __slots__ = ("now", "tol", "gap", "stations", "out", "log")

    def __init__(self, now: float, tol: float, gap: float, stations: Stations, out: dict[int, Planned]) -> None:
        self.now, self.tol, self.gap, self.stations, self.out = now, tol, gap, stations, out
        self.log: list[Placement] = []

    def place_order(self, order: _Order) -> dict[int, float]:
        """Place the order's queued items, course by course; return {course: group ready}."""
        now, log, out = self.now, self.log, self.out
        ready = {}
        prev = None                 # latest ready time of the previous synchronised course
        for course in sorted(order.queued):
            queued = order.queued[course]
            anchor = order.anchor.get(course, -inf)   # then the latest of it and the items placed
            if course <= 0:         # serve when ready: each item at the first free cook
                placements = place_free(self.stations, queued, now)
            elif queued:
                lo = now if prev is None else max(now, prev + self.gap)   # the course rule
                placements = place_group(self.stations, queued, now, lo, anchor, self.tol)
            else:
                placements = ()
            for pl in placements:
                log.append(pl)
                iid, e = pl.item.id, pl.end
                out[iid] = Planned(iid, pl.start, e)
                if e > anchor:
                    anchor = e
            ready[course] = anchor
            if course > 0:
                prev = anchor
        return ready

    def tentative(self, order: _Order) -> tuple[dict[int, float], _Mark]:
        """Place an order so that it can be taken back: (its ready times, the undo mark)."""
        mark = _Mark(len(self.log), {name: (pr.kp[:], pr.kv[:]) for name, pr in self.stations.items()})
        return self.place_order(order), mark

    def undo(self, mark: _Mark) -> None:
        """Take back what was placed since the mark."""
        log, out = self.log, self.out
        for pl in reversed(log[mark.log_len:]):
            if pl.end > pl.start:
                add(pl.profile.ts, pl.profile.cs, pl.start, pl.end, -1)
            del out[pl.item.id]
        del log[mark.log_len:]
        # What first_fit learnt with the order placed no longer holds. A station whose
        # profile was first made by this placement started with nothing learnt.
        for name, pr in self.stations.items():
            kp, kv = mark.learnt.get(name, ([], []))
            pr.kp[:] = kp
            pr.kv[:] = kv


def _place_orders(k: _Kitchen, orders: dict[int, _Order]) -> dict[tuple[int, int], float]:
    """Pass 2: the orders, in priority order (see "Overtaking" in the module docstring);
    return the group ready times."""
    group_ready: dict[tuple[int, int], float] = {}
    pending = sorted(orders.values(), key=_priority)
    placed = [False] * len(pending)
    base: dict[int, dict[int, float]] = {}  # an order's ready times when it first came to the head
    young = k.now - OVERTAKE_AGE_S
    h = 0
    while h < len(pending):
        if placed[h]:
            h += 1
            continue
        a = pending[h]
        if (a.first <= young or OVERTAKE_LOOKAHEAD <= 0 or len(base) >= OVERTAKE_HEADS and a.order_id not in base
                or not any(a.queued.values())):
            took, ready = None, k.place_order(a)    # strict priority (old, or past the heads tried)
        else:
            took, ready = _overtake(k, pending, placed, h, base)
        if took is None:
            placed[h] = True
            h += 1
        else:                       # B keeps its place; A stays at the head
            placed[took] = True
            a = pending[took]
        for course, r in ready.items():
            group_ready[(a.order_id, course)] = r
    return group_ready


def _priority(o: _Order) -> tuple[bool, float, int]:
    return o.not_rush, o.first, o.order_id


def _overtake(k: _Kitchen, pending: list[_Order], placed: list[bool], h: int,
              base: dict[int, dict[int, float]]) -> tuple[int | None, dict[int, float]]:
    """Place the head order A = pending[h], trying the next orders B ahead of it (the
    bounded overtaking of the module docstring). Return (b, B's ready times) if pending[b]
    goes first (A is then not placed), else (None, A's ready times) with A placed."""
    a = pending[h]
    ready, mark_a = k.tentative(a)
    bound = base.setdefault(a.order_id, ready)
    # Only in the near future (beyond it, the kitchen has a backlog: no idle cook to
    # win) and only for orders sharing a station with A's queued items.
    if max(bound.values()) > k.now + OVERTAKE_HORIZON_S:
        return None, ready
    a_stations = {it.station for queued in a.queued.values() for it in queued}
    seen = 0
    for b in range(h + 1, len(pending)):
        if seen >= OVERTAKE_LOOKAHEAD:
            break
        if placed[b]:
            continue
        ob = pending[b]
        if ob.not_rush != a.not_rush:
            break                   # a non-rush order never overtakes a rush one
        seen += 1
        if not any(it.station in a_stations for queued in ob.queued.values() for it in queued):
            continue
        after, mark = k.tentative(ob)           # B behind A
        k.undo(mark)
        ideal = max(max(it.ordered_at, k.now) + it.prep_s for queued in ob.queued.values() for it in queued)
        if max(after.values()) - ideal <= OVERTAKE_SLACK_S:
            continue                # B cannot gain enough by going first
        k.undo(mark_a)
        before, mark_b = k.tentative(ob)        # B ahead of A
        if max(after.values()) - max(before.values()) > OVERTAKE_SLACK_S:
            a2, mark_a2 = k.tentative(a)
            k.undo(mark_a2)
            if all(a2[c] <= bound[c] + OVERTAKE_SLACK_S for c in a2):
                return b, before
        k.undo(mark_b)
        ready, mark_a = k.tentative(a)
    return None, ready
