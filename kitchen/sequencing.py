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
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import inf, nextafter

from kitchen.station_load import add, earliest, first_fit, latest, new_profile

# An item started longer ago than its prep time is assumed to be ready this long from now.
OVERRUN_S = 30.0
# Station screens say FIRE NOW, and a card's Start starts a dish, this long before its planned
# fire time: a cook who is free starts it rather than stand idle for the last seconds.
FIRE_GRACE_S = 30.0
# Smallest tolerance used (s): floating point cannot promise exactly equal ready times.
MIN_TOLERANCE_S = 1e-3
# After this many failed targets for one group, take a target that is sure to fit.
_MAX_TRIES = 64
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
    overrun_end = now + OVERRUN_S
    out: dict[int, Planned] = {}
    group_ready: dict[tuple[int, int], float] = {}
    orders: dict[int, list] = {}    # order_id -> [not rush, first ordered_at, {course: group}]
    started: dict[str, list] = {}   # station -> [(from, to)] of its started items
    n_open = 0

    # Pass 1: group the open items by order and course. A group is [anchor, queued items],
    # the anchor being the latest ready time of its started items (planned right here).
    for it in items:
        if it.ready:
            continue
        n_open += 1
        p = it.prep_s
        if not 0 <= p < inf:
            raise ValueError(f"item {it.id}: prep_s must be >= 0 and finite, not {p!r}")
        o = orders.get(it.order_id)
        if o is None:
            o = orders[it.order_id] = [not it.rush, it.ordered_at, {}]
        else:
            if it.rush:
                o[0] = False
            if it.ordered_at < o[1]:
                o[1] = it.ordered_at
        g = o[2].get(it.course)
        if g is None:
            g = o[2][it.course] = [-inf, []]
        st = it.started_at
        if st is None:
            g[1].append(it)
        else:
            end = st + p
            if end < overrun_end:
                end = overrun_end
            out[it.id] = Planned(it.id, st, end)
            started.setdefault(it.station, []).append((st if st > now else now, end))
            if end > g[0]:
                g[0] = end

    for name, spans in (busy or {}).items():
        started.setdefault(name, []).extend((a if a > now else now, b) for a, b in spans if b > now and b > a)
    profiles = {name: new_profile(now, max(1, int(cooks.get(name, 1))), spans) for name, spans in started.items()}

    def profile(station: str) -> list:
        pr = profiles[station] = new_profile(now, max(1, int(cooks.get(station, 1))), [])
        return pr

    log: list = []                  # (ts, cs, s, e, item id) of every queued placement

    def place_order(oid: int, courses: dict) -> dict:
        """Place the order's queued items, course by course; return {course: group ready}."""
        ready = {}
        prev = None                 # latest ready time of the previous synchronised course
        for course in sorted(courses):
            anchor, queued = courses[course]
            if course <= 0:         # serve when ready: each item at the first free cook
                queued.sort(key=lambda it: it.id)
                for it in queued:
                    st = profiles.get(it.station) or profile(it.station)
                    p = it.prep_s
                    s = first_fit(st, p, it.ordered_at if it.ordered_at > now else now)
                    e = s + p
                    if e > s:
                        add(st[0], st[1], s, e, 1)
                    log.append((st[0], st[1], s, e, it.id))
                    out[it.id] = Planned(it.id, s, e)
                    if e > anchor:
                        anchor = e
                ready[course] = anchor
                continue
            if queued:
                lo = now if prev is None else max(now, prev + gap)   # the course rule
                T = _place_group(profiles, profile, queued, out, now, lo, anchor, tol, log)
                if T > anchor:
                    anchor = T
            ready[course] = prev = anchor
        return ready

    def tentative(oid: int, courses: dict):
        """Place an order so that it can be taken back: (ready, undo record)."""
        caches = {name: (st[3][:], st[4][:]) for name, st in profiles.items()}
        mark = len(log)
        return place_order(oid, courses), (caches, mark)

    def undo(record) -> None:
        caches, mark = record
        for ts, cs, s, e, iid in reversed(log[mark:]):
            if e > s:
                add(ts, cs, s, e, -1)
            del out[iid]
        del log[mark:]
        # What first_fit learnt with the order placed no longer holds. A station whose
        # profile was first made by this placement started with nothing learnt.
        for name, st in profiles.items():
            kp, kv = caches.get(name, ([], []))
            st[3][:] = kp
            st[4][:] = kv

    # Pass 2: the orders, in priority order (see "Overtaking" in the module docstring).
    pending = sorted(orders.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0]))
    placed = [False] * len(pending)
    base: dict[int, dict] = {}      # an order's ready times when it first came to the head
    young = now - OVERTAKE_AGE_S
    h = 0
    while h < len(pending):
        if placed[h]:
            h += 1
            continue
        oid, (nrush, first, courses) = pending[h]
        if (first <= young or OVERTAKE_LOOKAHEAD <= 0 or len(base) >= OVERTAKE_HEADS and oid not in base
                or not any(g[1] for g in courses.values())):
            ready = place_order(oid, courses)       # strict priority (old, or past the heads tried)
        else:
            ready, rec_a = tentative(oid, courses)
            bound = base.setdefault(oid, ready)
            took = None
            seen = 0
            # Only in the near future (beyond it, the kitchen has a backlog: no idle cook to
            # win) and only for orders sharing a station with A's queued items.
            a_st = {it.station for g in courses.values() for it in g[1]}
            far = max(bound.values()) > now + OVERTAKE_HORIZON_S
            for b in range(h + 1, len(pending)):
                if far:
                    break
                if seen >= OVERTAKE_LOOKAHEAD:
                    break
                if placed[b]:
                    continue
                boid, (bnrush, _, bcourses) = pending[b]
                if bnrush != nrush:
                    break           # a non-rush order never overtakes a rush one
                seen += 1
                if not any(it.station in a_st for g in bcourses.values() for it in g[1]):
                    continue
                after, rec = tentative(boid, bcourses)      # B behind A
                undo(rec)
                ideal = max((max(it.ordered_at, now) + it.prep_s for g in bcourses.values() for it in g[1]))
                if max(after.values()) - ideal <= OVERTAKE_SLACK_S:
                    continue        # B cannot gain enough by going first
                undo(rec_a)
                before, rec_b = tentative(boid, bcourses)   # B ahead of A
                if max(after.values()) - max(before.values()) > OVERTAKE_SLACK_S:
                    a2, rec_a2 = tentative(oid, courses)
                    if all(a2[c] <= bound[c] + OVERTAKE_SLACK_S for c in a2):
                        undo(rec_a2)
                        took = b
                        break
                    undo(rec_a2)
                undo(rec_b)
                ready, rec_a = tentative(oid, courses)
            if took is not None:    # B keeps its place; A stays at the head
                placed[took] = True
                boid = pending[took][0]
                for course, r in before.items():
                    group_ready[(boid, course)] = r
                continue
        placed[h] = True
        for course, r in ready.items():
            group_ready[(oid, course)] = r
        h += 1

    if len(out) != n_open:
        raise ValueError("duplicate item ids")
    return Plan(now=now, tolerance_s=tol, items=out, group_ready=group_ready)


def _release(now: float, ordered_at: float, lo: float, p: float) -> float:
    """Earliest fire time of an item of prep p that must not be ready before lo."""
    r = lo - p
    if r + p < lo:                  # rounding: ready at lo, not one ulp before
        r = nextafter(r, inf)
    if now > r:
        r = now
    return ordered_at if ordered_at > r else r


def _place_group(profiles, profile, queued, out, now, lo, anchor, tol, log) -> float:
    """Place the queued items of one sync group; return its latest planned ready time.

    lo: no item may be ready before it (previous course + gap). anchor: latest ready time
    of the group's started items (-inf if none); the target is at least that."""
    if len(queued) == 1 and anchor == -inf:
        # Nothing to wait for: the item takes the first slot its station has.
        it = queued[0]
        st = profiles.get(it.station) or profile(it.station)
        p = it.prep_s
        s = first_fit(st, p, _release(now, it.ordered_at, lo, p))
        e = s + p
        if e > s:
            add(st[0], st[1], s, e, 1)
        log.append((st[0], st[1], s, e, it.id))
        out[it.id] = Planned(it.id, s, e)
        return e

    # Lower bound of T: each item ends at or after the end of the earliest slot its
    # station has for it. Items are grouped by station: [profile, chain?, [(p, rel, it)]].
    T = anchor
    stations: dict[str, list] = {}
    for it in queued:
        st = profiles.get(it.station) or profile(it.station)
        p = it.prep_s
        rel = _release(now, it.ordered_at, lo, p)
        f = first_fit(st, p, rel) + p
        if f > T:
            T = f
        entry = stations.get(it.station)
        if entry is None:
            stations[it.station] = [st, False, [(p, rel, it)]]
        else:
            entry[2].append((p, rel, it))
    work = []
    for name in sorted(stations):
        entry = stations[name]
        lst = entry[2]
        if len(lst) > entry[0][2]:  # a chain: shortest first (they end at T), longer before
            lst.sort(key=lambda x: (x[0], x[2].id))
            entry[1] = True
        elif len(lst) > 1:          # all end together: longest (hardest to fit) first
            lst.sort(key=lambda x: (-x[0], x[2].id))
        work.append(entry)

    safe = None                     # a target that surely fits (computed on first failure)
    tries = 0
    while True:
        # Try T. Stations interact only through T. A station's only item of the group just
        # needs a query; items sharing a station are added tentatively, so that they see
        # each other, and taken back if the group does not fit at this T.
        lone = []                   # (ts, cs, s, e, item): fits, not added yet
        shared = []                 # (ts, cs, s, e, item): added tentatively
        cand = None
        for w, (st, chain, lst) in enumerate(work):
            ts, cs, c = st[0], st[1], st[2]
            if len(lst) == 1:
                p, rel, it = lst[0]
                s = latest(ts, cs, c, p, T, rel, tol)
                if s is None:
                    cand = _next_target(st, p, rel, T, tol, True)
                    break
                lone.append((ts, cs, s, s + p, it))
                continue
            for k, (p, rel, it) in enumerate(lst):
                window = not chain or k < c      # must end within the tolerance of T
                s = latest(ts, cs, c, p, T, rel, tol if window else inf)
                if s is None:
                    cand = _next_target(st, p, rel, T, tol, window)
                    break
                e = s + p
                if e > s:
                    add(ts, cs, s, e, 1)
                shared.append((ts, cs, s, e, it))
            if cand is not None:
                break
        if cand is None:            # the group fits at T: commit
            last_ready = anchor
            for ts, cs, s, e, it in lone:
                if e > s:
                    add(ts, cs, s, e, 1)
                log.append((ts, cs, s, e, it.id))
                out[it.id] = Planned(it.id, s, e)
                if e > last_ready:
                    last_ready = e
            for ts, cs, s, e, it in shared:
                log.append((ts, cs, s, e, it.id))
                out[it.id] = Planned(it.id, s, e)
                if e > last_ready:
                    last_ready = e
            return last_ready
        for ts, cs, s, e, _ in reversed(shared):
            if e > s:
                add(ts, cs, s, e, -1)
        if w:                       # next time, try the station that failed first
            work.insert(0, work.pop(w))
        if safe is None:
            # After a station's last reservation (ts[-2]) and its items' releases, they fit
            # one after the other: a target that cannot fail (+1 s against rounding).
            safe = T
            for st, _, lst in work:
                t, total = st[0][-2], 1.0
                for p, rel, _ in lst:
                    total += p
                    if rel > t:
                        t = rel
                if t + total > safe:
                    safe = t + total
        if T >= safe:
            raise RuntimeError("sequencing: a group did not fit after every reservation (bug)")
        tries += 1
        T = safe if tries >= _MAX_TRIES or cand >= safe else max(cand, nextafter(T, inf))


def _next_target(st, p, rel, T, tol, window) -> float:
    """After an item failed to fit at target T, the next target worth trying: the end of
    the earliest slot that could be in the item's window for a later target (nothing in
    between can work for a window item), or, for a chain item, the shift that makes room
    before the items already placed after it, if that is smaller. What _first_fit learnt
    still holds: tentative placements only add work."""
    ts, cs, c, kp, kv = st
    i = bisect_right(kp, p) - 1
    start = max(rel, T - tol - p if window else rel, kv[i] if i >= 0 else rel)
    cand = earliest(ts, cs, c, p, start) + p
    if not window:
        j = bisect_left(ts, T) - 1
        free_end = T                # the latest time <= T just before which a cook is free
        while j >= 0 and cs[j] == c:
            free_end = ts[j]
            j -= 1
        # The chain needs to shift by what the item lacks before free_end, counted from
        # its earliest possible start (a started item may keep the cook after rel).
        s0 = rel
        k = bisect_right(ts, rel) - 1
        if cs[k] == c:              # full at rel: the cook is free at the next breakpoint
            s0 = ts[k + 1]
        short = (s0 if s0 < free_end else rel) + p - free_end
        if short > 0 and T + short < cand:
            cand = T + short
    return cand
