"""A kitchen station's load over time (how many dishes are in progress), for
kitchen.sequencing and kitchen.placement: pure, standard library only.

A Profile holds ts, cs, c, kp, kv. ts: strictly increasing breakpoints from ts[0] = now to a
sentinel ts[-1] = inf; cs[i]: items in progress on [ts[i], ts[i+1]), capped at the cooks c
(more started items than cooks count as c: full either way). The segment before the sentinel
is 0 and the sentinel's is c, so a search for the next full segment always ends. No
breakpoint is redundant (cs[i] != cs[i-1]), so back-to-back work is one segment and a
full segment is always followed by one with room: earliest() hops from full segment to
full segment with list.index, at C speed. kp, kv: what first_fit() learnt.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import inf, nextafter


@dataclass(slots=True)
class Profile:
    """A station's load (see the module docstring)."""
    ts: list[float]         # breakpoints, now .. inf
    cs: list[int]           # items in progress from each breakpoint on, capped at c
    c: int                  # cooks
    kp: list[float] = field(default_factory=list)   # learnt by first_fit(): no start before
    kv: list[float] = field(default_factory=list)   # kv[i] fits an item of prep >= kp[i]


class Stations(dict):
    """station -> Profile. A station first asked for gets its cooks and nothing in progress."""
    __slots__ = ("now", "cooks")

    def __init__(self, now: float, cooks: Mapping[str, int], spans: Mapping[str, list]) -> None:
        """cooks: station -> cooks (not in it: 1; less than 1 counts as 1). spans: station ->
        (from, to) of the work in progress it already has."""
        super().__init__((name, new_profile(now, cooks_of(cooks, name), s)) for name, s in spans.items())
        self.now = now
        self.cooks = cooks

    def __missing__(self, name: str) -> Profile:
        pr = self[name] = new_profile(self.now, cooks_of(self.cooks, name), [])
        return pr


def cooks_of(cooks: Mapping[str, int], name: str) -> int:
    """The cooks of a station: 1 if it is not in cooks, and never less than 1."""
    return max(1, int(cooks.get(name, 1)))


def new_profile(now: float, c: int, spans: Iterable[tuple[float, float]]) -> Profile:
    """The profile of a station with c cooks, busy with the started items' spans."""
    delta: dict[float, int] = {}
    for a, b in spans:
        delta[a] = delta.get(a, 0) + 1
        delta[b] = delta.get(b, 0) - 1
    ts, cs, n = [now], [0], 0
    for t in sorted(delta):
        n += delta[t]
        v = n if n < c else c
        if v != cs[-1]:
            if ts[-1] == t:         # (only at now)
                cs[-1] = v
            else:
                ts.append(t)
                cs.append(v)
    ts.append(inf)
    cs.append(c)
    return Profile(ts, cs, c)


def add(ts: list, cs: list, a: float, b: float, d: int) -> None:
    """Add d (+1, or -1 to undo) to the count on [a, b), now <= a < b < inf. Only applied
    where the count is below the cooks, so it never needs the cap."""
    i = bisect_right(ts, a) - 1
    if ts[i] != a:
        i += 1
        ts.insert(i, a)
        cs.insert(i, cs[i - 1])
    j = bisect_left(ts, b, i + 1)
    if ts[j] != b:
        ts.insert(j, b)
        cs.insert(j, cs[j - 1])
    if j == i + 1:
        cs[i] += d
    else:
        for k in range(i, j):
            cs[k] += d
    if cs[j] == cs[j - 1]:          # drop breakpoints that no longer change the count
        del ts[j], cs[j]
    if i and cs[i] == cs[i - 1]:
        del ts[i], cs[i]


def earliest(ts: list, cs: list, c: int, p: float, start: float) -> float:
    """Earliest s >= start such that the count is < c on all of [s, s + p)."""
    if p <= 0:                      # occupies nobody
        return start
    i = bisect_right(ts, start) - 1
    if cs[i] == c:                  # full: the next segment has room
        i += 1
        start = ts[i]
    while True:
        k = cs.index(c, i + 1)      # the next full segment (the sentinel at worst)
        if ts[k] >= start + p:
            return start
        i = k + 1
        start = ts[i]


def first_fit(pr: Profile, p: float, start: float) -> float:
    """earliest() on profile pr, remembering what it learns in a staircase pr.kp, pr.kv
    (kp increasing, kv strictly increasing): no start before kv[i] fits an item of prep
    kp[i] or longer. Only called while no tentative placement is in the profiles: work is
    then only ever added, a slot too short stays too short, and a later search for this
    prep or a longer one resumes there instead of rescanning the crowded stretch."""
    kp, kv = pr.kp, pr.kv
    i = bisect_right(kp, p) - 1
    known = kv[i] if i >= 0 else pr.ts[0]
    if start > known:               # nothing learnt about [known, start)
        return earliest(pr.ts, pr.cs, pr.c, p, start)
    s = earliest(pr.ts, pr.cs, pr.c, p, known)
    if s > known:                   # record (p, s), drop the steps it makes redundant
        if i < 0 or kp[i] != p:
            i += 1
            kp.insert(i, p)
            kv.insert(i, s)
        else:
            kv[i] = s
        j = bisect_right(kv, s, i + 1)
        del kp[i + 1:j], kv[i + 1:j]
    return s


def latest(ts: list, cs: list, c: int, p: float, T: float, rel: float, tol: float) -> float | None:
    """Latest s with s >= rel, s + p <= T, T - (s + p) <= tol and the count < c on all of
    [s, s + p); None if there is none. Walks the breakpoints backwards from T."""
    if p <= 0:
        return T if T >= rel else None
    end = T
    j = bisect_left(ts, end) - 1    # the segment just before `end`
    while True:
        s = end - p
        if s + p > end:             # rounding: never overlap the segment after `end`
            s = nextafter(s, -inf)
        if s < rel or T - (s + p) > tol:
            return None             # (rel >= ts[0], so j >= 0 below)
        while True:
            if cs[j] == c:          # full: the item must end before this segment
                end = ts[j]
                j -= 1
                break
            if ts[j] <= s:
                return s
            j -= 1
