"""Placing the queued items of one order's course on the stations' load, for
kitchen.sequencing (whose docstring describes the algorithm: "Target T of a group"):
pure, standard library only.

Items are kitchen.sequencing.Item (only id, station, prep_s and ordered_at are read).
Every placement returned is already added to its station's profile.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from math import inf, nextafter
from typing import Any

from kitchen.station_load import Profile, Stations, add, earliest, first_fit, latest

# After this many failed targets for one group, take a target that is sure to fit.
_MAX_TRIES = 64


@dataclass(slots=True)
class Placement:
    """A queued item placed on [start, end) at a station (end > start: it occupies a cook)."""
    profile: Profile
    item: Any
    start: float
    end: float


@dataclass(slots=True)
class _Job(Placement):
    """An item of the group being placed; start and end are those of the last target tried."""
    prep: float
    rel: float                  # earliest fire time (see release)


def release(now: float, ordered_at: float, lo: float, p: float) -> float:
    """Earliest fire time of an item of prep p that must not be ready before lo."""
    r = lo - p
    if r + p < lo:                  # rounding: ready at lo, not one ulp before
        r = nextafter(r, inf)
    if now > r:
        r = now
    return ordered_at if ordered_at > r else r


def place_free(stations: Stations, queued: list, now: float) -> list[Placement]:
    """Serve when ready (course 0): each item, by id, at the first free cook of its station."""
    queued.sort(key=_item_id)
    placed = []
    for it in queued:
        pr = stations[it.station]
        p = it.prep_s
        s = first_fit(pr, p, it.ordered_at if it.ordered_at > now else now)
        e = s + p
        if e > s:
            add(pr.ts, pr.cs, s, e, 1)
        placed.append(Placement(pr, it, s, e))
    return placed


def _item_id(it: Any) -> int:
    return it.id


def place_group(stations: Stations, queued: list, now: float, lo: float, anchor: float,
                tol: float) -> list[Placement]:
    """Place the queued items of one sync group at the smallest target T found.

    lo: no item may be ready before it (previous course + gap). anchor: latest ready time
    of the group's started items (-inf if none); the target is at least that."""
    if len(queued) == 1 and anchor == -inf:
        # Nothing to wait for: the item takes the first slot its station has.
        it = queued[0]
        pr = stations[it.station]
        p = it.prep_s
        s = first_fit(pr, p, release(now, it.ordered_at, lo, p))
        e = s + p
        if e > s:
            add(pr.ts, pr.cs, s, e, 1)
        return [Placement(pr, it, s, e)]
    T, work = _lower_bound(stations, queued, now, lo, anchor)
    safe = None                     # a target that surely fits (computed on first failure)
    tries = 0
    while True:
        placed, w, cand = _try_target(work, T, tol)
        if placed is not None:
            return placed
        if w:                       # next time, try the station that failed first
            work.insert(0, work.pop(w))
        if safe is None:
            safe = _safe_target(work, T)
        if T >= safe:
            raise RuntimeError("sequencing: a group did not fit after every reservation (bug)")
        tries += 1
        T = safe if tries >= _MAX_TRIES or cand >= safe else max(cand, nextafter(T, inf))


def _lower_bound(stations: Stations, queued: list, now: float, lo: float,
                 anchor: float) -> tuple[float, list[list[_Job]]]:
    """The lower bound of T (each item ends at or after the end of the earliest slot its
    station has for it; the anchor), and the group's items by station, in the order tried.
    A station with more items than cooks runs them as a chain: shortest first (they end
    at T), the longer ones before them; otherwise all end together: longest (the hardest
    to fit) first."""
    T = anchor
    by_station: dict[str, list[_Job]] = {}
    for it in queued:
        pr = stations[it.station]
        p = it.prep_s
        rel = release(now, it.ordered_at, lo, p)
        f = first_fit(pr, p, rel) + p
        if f > T:
            T = f
        job = _Job(pr, it, 0.0, 0.0, p, rel)   # (start, end: set by _try_target)
        jobs = by_station.get(it.station)
        if jobs is None:
            by_station[it.station] = [job]
        else:
            jobs.append(job)
    work = []
    for name in sorted(by_station):
        jobs = by_station[name]
        if len(jobs) > 1:
            jobs.sort(key=_shortest_first if len(jobs) > jobs[0].profile.c else _longest_first)
        work.append(jobs)
    return T, work


def _shortest_first(job: _Job) -> tuple[float, int]:
    return job.prep, job.item.id


def _longest_first(job: _Job) -> tuple[float, int]:
    return -job.prep, job.item.id


def _try_target(work: list[list[_Job]], T: float,
                tol: float) -> tuple[list[Placement], None, None] | tuple[None, int, float]:
    """Try target T: (the placements, None, None) if the group fits, else (None, w, cand):
    work[w] failed, cand is the next target worth trying, and nothing is added.

    Stations interact only through T. A station's only item of the group just needs a
    query; items sharing a station are added tentatively, so that they see each other, and
    taken back if the group does not fit at this T."""
    lone: list[Placement] = []      # fits, not added yet
    shared: list[Placement] = []    # added tentatively
    cand = None
    for w, jobs in enumerate(work):
        pr = jobs[0].profile
        ts, cs, c = pr.ts, pr.cs, pr.c
        if len(jobs) == 1:
            job = jobs[0]
            p, rel = job.prep, job.rel
            s = latest(ts, cs, c, p, T, rel, tol)
            if s is None:
                cand = _next_target(pr, p, rel, T, tol, True)
                break
            job.start = s
            job.end = s + p
            lone.append(job)
            continue
        chain = len(jobs) > c
        for k, job in enumerate(jobs):
            p, rel = job.prep, job.rel
            window = not chain or k < c      # must end within the tolerance of T
            s = latest(ts, cs, c, p, T, rel, tol if window else inf)
            if s is None:
                cand = _next_target(pr, p, rel, T, tol, window)
                break
            e = s + p
            if e > s:
                add(ts, cs, s, e, 1)
            job.start = s
            job.end = e
            shared.append(job)
        if cand is not None:
            break
    if cand is not None:            # (the next target was computed with them)
        for pl in reversed(shared):
            if pl.end > pl.start:
                add(pl.profile.ts, pl.profile.cs, pl.start, pl.end, -1)
        return None, w, cand
    for pl in lone:
        if pl.end > pl.start:
            add(pl.profile.ts, pl.profile.cs, pl.start, pl.end, 1)
    lone.extend(shared)
    return lone, None, None


def _safe_target(work: list[list[_Job]], T: float) -> float:
    """After a station's last reservation (ts[-2]) and its items' releases, they fit one
    after the other: a target that cannot fail (+1 s against rounding)."""
    safe = T
    for jobs in work:
        t, total = jobs[0].profile.ts[-2], 1.0
        for job in jobs:
            total += job.prep
            if job.rel > t:
                t = job.rel
        if t + total > safe:
            safe = t + total
    return safe


def _next_target(pr: Profile, p: float, rel: float, T: float, tol: float, window: bool) -> float:
    """After an item failed to fit at target T, the next target worth trying: the end of
    the earliest slot that could be in the item's window for a later target (nothing in
    between can work for a window item), or, for a chain item, the shift that makes room
    before the items already placed after it, if that is smaller. What first_fit learnt
    still holds: tentative placements only add work."""
    ts, cs, c, kp, kv = pr.ts, pr.cs, pr.c, pr.kp, pr.kv
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
