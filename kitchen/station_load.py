"""A kitchen station's load over time (how many dishes are in progress), for
kitchen.sequencing: pure, standard library only.

A profile is [ts, cs, c, kp, kv]. ts: strictly increasing breakpoints from ts[0] = now to a sentinel
ts[-1] = inf; cs[i]: items in progress on [ts[i], ts[i+1]), capped at the cooks c (more
started items than cooks count as c: full either way). The segment before the sentinel
is 0 and the sentinel's is c, so a search for the next full segment always ends. No
breakpoint is redundant (cs[i] != cs[i-1]), so back-to-back work is one segment and a
full segment is always followed by one with room: earliest() hops from full segment to
full segment with list.index, at C speed. kp, kv: what first_fit() learnt.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from math import inf, nextafter


def new_profile(now: float, c: int, spans: list) -> list:
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
    return [ts, cs, c, [], []]


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


def first_fit(st: list, p: float, start: float) -> float:
    """earliest() on station st, remembering what it learns in a staircase st[3], st[4]
    (kp increasing, kv strictly increasing): no start before kv[i] fits an item of prep
    kp[i] or longer. Only called while no tentative placement is in the profiles: work is
    then only ever added, a slot too short stays too short, and a later search for this
    prep or a longer one resumes there instead of rescanning the crowded stretch."""
    ts, cs, c, kp, kv = st
    i = bisect_right(kp, p) - 1
    known = kv[i] if i >= 0 else ts[0]
    if start > known:               # nothing learnt about [known, start)
        return earliest(ts, cs, c, p, start)
    s = earliest(ts, cs, c, p, known)
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
