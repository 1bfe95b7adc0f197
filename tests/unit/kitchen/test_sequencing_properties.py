"""kitchen.sequencing: properties on random kitchens (the worked examples are in test_sequencing.py)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from kitchen.sequencing import OVERRUN_S, OVERTAKE_AGE_S, OVERTAKE_SLACK_S, Item, plan
from tests.unit.kitchen.sequencing_helpers import NOW


STATIONS = ("a", "b", "c")
PREP = st.one_of(st.floats(1, 900), st.sampled_from([0.0, 60.0, 300.0, 600.0]))
LINE = st.tuples(st.sampled_from(STATIONS), PREP, st.integers(0, 3),      # station, prep, course
                 st.one_of(st.none(), st.none(), st.floats(-1200, 0)),    # started (relative to now)
                 st.integers(0, 9))                                       # 0: ready
ORDER = st.tuples(st.floats(-3600, 120), st.integers(0, 5), st.lists(LINE, min_size=1, max_size=6))


@st.composite
def kitchens(draw):
    """(cooks, items, tolerance_s, course_gap_s): up to 7 orders of up to 6 items on 3 stations."""
    cooks = draw(st.dictionaries(st.sampled_from(STATIONS), st.integers(1, 3)))   # missing: 1 cook
    items, n = [], 0
    for o, (at, rush, lines) in enumerate(draw(st.lists(ORDER, min_size=1, max_size=7))):
        at += NOW
        for station, prep, course, started, ready in lines:
            n += 1
            if started is not None:
                started = max(NOW + started, at)    # (never before its order)
            items.append(Item(id=n, order_id=100 + o, station=station, prep_s=prep, ordered_at=at,
                              course=course, rush=rush == 0, started_at=started, ready=ready == 0))
    tol = draw(st.sampled_from([30.0, 0.0, 5.5, 120.0]))
    gap = draw(st.sampled_from([0.0, 45.0, 300.0]))
    return cooks, items, tol, gap


def run(k):
    cooks, items, tol, gap = k
    return plan(NOW, cooks, items, tolerance_s=tol, course_gap_s=gap)


def check_times(k, p):
    """Every open item is planned; none fires before now or its order; ready = fire + prep."""
    open_items = [it for it in k[1] if not it.ready]
    assert set(p.items) == {it.id for it in open_items}
    for it in open_items:
        x = p.items[it.id]
        if it.started_at is None:
            assert x.fire_at >= max(NOW, it.ordered_at)
            assert x.ready_at == x.fire_at + it.prep_s
        else:
            assert x.fire_at == it.started_at
            assert x.ready_at == max(it.started_at + it.prep_s, NOW + OVERRUN_S)


def check_capacity(k, p):
    """At every instant from now on, a station runs at most max(cooks, started items) items."""
    cooks, items, _, _ = k
    for station in STATIONS:
        spans = [(p.items[it.id].fire_at, p.items[it.id].ready_at, it.started_at is not None)
                 for it in items if it.station == station and not it.ready]
        for t in {NOW, *(a for a, _, _ in spans if a >= NOW), *(b for _, b, _ in spans if b >= NOW)}:
            busy = sum(a <= t < b for a, b, _ in spans)
            started = sum(a <= t < b for a, b, s in spans if s)
            assert busy <= max(cooks.get(station, 1), started), (station, t - NOW)


def check_groups(k, p):
    """A group the kitchen can cook at once (no started item, no station with more of its
    items than cooks) is ready within the tolerance; courses follow each other with the gap."""
    cooks, items, _, gap = k
    groups = {}
    for it in items:
        if not it.ready and it.course >= 1:
            groups.setdefault((it.order_id, it.course), []).append(it)
    for key, group in groups.items():
        ready = [p.items[it.id].ready_at for it in group]
        assert p.group_ready[key] == max(ready)
        per_station = {}
        for it in group:
            per_station[it.station] = per_station.get(it.station, 0) + 1
        if all(it.started_at is None for it in group) and all(
                n <= cooks.get(s, 1) for s, n in per_station.items()):
            assert max(ready) - min(ready) <= p.tolerance_s, key
        earlier = [c for (o, c) in groups if o == key[0] and 1 <= c < key[1]]
        if earlier:
            for it in group:
                if it.started_at is None:
                    assert p.items[it.id].ready_at >= p.group_ready[(key[0], max(earlier))] + gap


@settings(max_examples=150, deadline=None)
@given(kitchens())
def test_plan_invariants_on_random_kitchens(k):
    p = run(k)
    check_times(k, p)
    check_capacity(k, p)
    check_groups(k, p)


@settings(max_examples=80, deadline=None)
@given(kitchens(), st.randoms(use_true_random=False))
def test_the_plan_does_not_depend_on_the_input_order(k, rnd):
    cooks, items, tol, gap = k
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert run((cooks, shuffled, tol, gap)) == run(k)


def make_old(items, keep):
    """Every order but `keep` ordered OVERTAKE_AGE_S + 1 h earlier (priorities unchanged)."""
    shift = OVERTAKE_AGE_S + 3600
    return [it if it.order_id == keep else Item(**{**{f: getattr(it, f) for f in it.__slots__},
                                                  "ordered_at": it.ordered_at - shift}) for it in items]


def priorities(items) -> dict[int, tuple]:
    """order id -> its planning priority (not rush, first ordered_at, id) over its open items."""
    first = {}
    for it in items:
        if not it.ready:
            rush, at = first.get(it.order_id, (False, it.ordered_at))
            first[it.order_id] = (rush or it.rush, min(at, it.ordered_at))
    return {o: (not rush, at, o) for o, (rush, at) in first.items()}


@settings(max_examples=80, deadline=None)
@given(kitchens())
def test_the_first_order_in_priority_is_delayed_by_at_most_the_overtake_slack(k):
    # Bounded delay: later orders may be planned ahead of an order younger than
    # OVERTAKE_AGE_S, but together they delay each of its groups by at most
    # OVERTAKE_SLACK_S from what it gets when it is planned first (here: alone, with the
    # other orders' started items, which are facts).
    cooks, items, tol, gap = k
    first = priorities(items)
    if not first:
        return
    head = min(first, key=first.get)
    alone = plan(NOW, cooks, [it for it in items if it.order_id == head or it.started_at is not None],
                 tolerance_s=tol, course_gap_s=gap)
    full = run(k)
    for key, t in alone.group_ready.items():
        if key[0] == head:
            assert full.group_ready[key] <= t + OVERTAKE_SLACK_S, key


@settings(max_examples=80, deadline=None)
@given(kitchens())
def test_the_last_order_in_priority_does_not_move_older_orders(k):
    # Orders older than OVERTAKE_AGE_S are planned in strict priority: the last order
    # (whatever its age) moves none of them.
    cooks, items, tol, gap = k
    first = priorities(items)
    if not first:
        return
    last = max(first, key=first.get)
    items = make_old(items, last)
    k = (cooks, items, tol, gap)
    # Its started items stay: they are facts, cooking whatever the priorities.
    earlier = [it for it in items if it.order_id != last or it.started_at is not None]
    without = plan(NOW, cooks, earlier, tolerance_s=tol, course_gap_s=gap)
    full = run(k)
    assert {i: full.items[i] for i in without.items} == without.items


def test_taking_back_an_order_forgets_what_its_station_learnt():
    # Regression (found by the bounded-delay property): the first placement at a station
    # made its profile; taking it back kept "nothing fits before 61 s" learnt with it there.
    items = [Item(5, 100, "a", 61.0, NOW, 0), Item(6, 100, "a", 1.0, NOW, 0), Item(9, 101, "a", 1.0, NOW, 0)]
    p = plan(NOW, {}, items)
    assert p.items[5].fire_at - NOW <= 1.0 and p.group_ready[(100, 0)] - NOW <= 63.0
