"""kitchen.sequencing: worked examples (the properties on random kitchens are in
test_sequencing_properties.py)."""
import random

import pytest

from kitchen.sequencing import MIN_TOLERANCE_S, OVERRUN_S, Item, Planned, plan
from tests.unit.kitchen.sequencing_helpers import NOW, OLD, item, times


# -- worked examples --------------------------------------------------------------

def test_classic_longest_fires_now_the_other_is_held_by_the_difference():
    p = plan(NOW, {"wok": 1, "cold": 1}, [item(1, 7, "wok", 600), item(2, 7, "cold", 180)])
    assert times(p, 1, 2) == [(0, 600), (420, 600)]
    assert p.items[2] == Planned(2, NOW + 420, NOW + 600)
    assert p.group_ready == {(7, 2): NOW + 600}
    assert p.now == NOW and p.tolerance_s == 30.0


def test_a_busy_station_delays_the_hold():
    # Order 1 (earlier) keeps the only cold cook busy for 500 s: the salad of order 2 can
    # only start at 500, so the wok dish is held to finish with it, at 680.
    items = [item(1, 1, "cold", 500, at=NOW - 60),
             item(2, 2, "wok", 600), item(3, 2, "cold", 180)]
    p = plan(NOW, {"wok": 1, "cold": 1}, items)
    assert times(p, 1) == [(0, 500)]
    assert times(p, 2, 3) == [(80, 680), (500, 680)]


def test_an_item_may_end_within_the_tolerance_before_the_target():
    # Order 1's salad occupies the cold cook on [585, 700): order 2's salad ends at 585,
    # 15 s before its wok dish, which is within the 30 s tolerance.
    items = [item(1, 1, "wok", 700, at=OLD), item(2, 1, "cold", 115, at=OLD),
             item(3, 2, "wok", 600), item(4, 2, "cold", 180)]
    p = plan(NOW, {"wok": 2, "cold": 1}, items)
    assert times(p, 1, 2) == [(0, 700), (585, 700)]
    assert times(p, 3, 4) == [(0, 600), (405, 585)]
    # With a 10 s tolerance it cannot: the salad waits for the cold cook, the wok dish for it.
    p = plan(NOW, {"wok": 2, "cold": 1}, items, tolerance_s=10)
    assert times(p, 3, 4) == [(280, 880), (700, 880)]


def test_two_orders_compete_for_a_one_cook_station_first_come_first_served():
    a, b = item(1, 1, "grill", 600, at=NOW - 120), item(2, 2, "grill", 300, at=NOW - 60)
    assert times(plan(NOW, {"grill": 1}, [b, a]), 1, 2) == [(0, 600), (600, 900)]
    # Two cooks: both start now.
    assert times(plan(NOW, {"grill": 2}, [a, b]), 1, 2) == [(0, 600), (0, 300)]


def test_a_station_not_in_cooks_has_one_cook_and_zero_cooks_count_as_one():
    items = [item(1, 1, "grill", 600, at=NOW - 120), item(2, 2, "grill", 300, at=NOW - 60)]
    assert times(plan(NOW, {}, items), 1, 2) == [(0, 600), (600, 900)]
    assert times(plan(NOW, {"grill": 0}, items), 1, 2) == [(0, 600), (600, 900)]


def test_rush_order_jumps_ahead_of_earlier_orders():
    items = [item(1, 1, "grill", 600, at=NOW - 600), item(2, 2, "grill", 300, at=NOW - 60, rush=True)]
    assert times(plan(NOW, {"grill": 1}, items), 2, 1) == [(0, 300), (300, 900)]


def test_courses_follow_each_other_with_the_gap():
    items = [item(1, 1, "wok", 600, course=1), item(2, 1, "cold", 180, course=2),
             item(3, 1, "pastry", 240, course=3)]
    p = plan(NOW, {}, items, course_gap_s=120)
    assert times(p, 1, 2, 3) == [(0, 600), (540, 720), (600, 840)]
    assert p.group_ready == {(1, 1): NOW + 600, (1, 2): NOW + 720, (1, 3): NOW + 840}
    # A missing course is skipped (the desserts follow the starters); a gap of 0 by default.
    p = plan(NOW, {}, [items[0], items[2]])
    assert times(p, 3) == [(360, 600)]


def test_a_started_item_anchors_its_group():
    # Started 100 s ago, 600 s of prep: ready at 500; the salad is held to match it.
    items = [item(1, 1, "wok", 600, started_at=NOW - 100), item(2, 1, "cold", 180)]
    p = plan(NOW, {}, items)
    assert p.items[1] == Planned(1, NOW - 100, NOW + 500)
    assert times(p, 2) == [(320, 500)]
    assert p.group_ready == {(1, 2): NOW + 500}


def test_an_overdue_started_item_is_assumed_ready_soon_and_keeps_its_cook():
    items = [item(1, 1, "wok", 600, started_at=NOW - 1000), item(2, 2, "wok", 60, at=NOW - 10)]
    p = plan(NOW, {"wok": 1}, items)
    assert p.items[1] == Planned(1, NOW - 1000, NOW + OVERRUN_S)
    assert times(p, 2) == [(OVERRUN_S, OVERRUN_S + 60)]


def test_started_items_beyond_capacity_are_facts_and_block_the_station():
    items = [item(1, 1, "wok", 300, started_at=NOW - 10), item(2, 2, "wok", 500, started_at=NOW - 10),
             item(3, 3, "wok", 60, at=NOW - 5)]
    p = plan(NOW, {"wok": 1}, items)
    assert times(p, 1, 2) == [(-10, 290), (-10, 490)]
    assert times(p, 3) == [(490, 550)]   # one cook: nothing new until both are done


def test_a_chain_on_an_overloaded_station_keeps_the_spread_small():
    # One wok cook, three wok dishes in one group: longest first, the shortest ends at the
    # target with the salad; the spread (180 s) is the least one cook allows.
    items = [item(1, 1, "wok", 60), item(2, 1, "wok", 120), item(3, 1, "wok", 300), item(4, 1, "cold", 100)]
    p = plan(NOW, {"wok": 1}, items)
    assert times(p, 3, 2, 1, 4) == [(0, 300), (300, 420), (420, 480), (380, 480)]
    assert p.group_ready == {(1, 2): NOW + 480}
    # Two cooks: the two shortest end together, the longest on one cook just before.
    p = plan(NOW, {"wok": 2}, items)
    assert times(p, 3, 2, 1, 4) == [(0, 300), (240, 360), (300, 360), (260, 360)]


def test_on_a_busy_station_the_chain_still_ends_at_the_target():
    # Order 1 keeps the only wok cook busy on [250, 400). Order 2's two wok dishes are a
    # chain: at target 300 the 60 s one would have to end at 250, 50 s early; so the
    # target is 460, the first moment the 60 s dish can end with its group.
    items = [item(1, 1, "wok", 150, at=OLD), item(2, 1, "cold", 400, at=OLD),
             item(3, 2, "wok", 60), item(4, 2, "wok", 120), item(5, 2, "cold", 300)]
    p = plan(NOW, {"wok": 1, "cold": 2}, items)
    assert times(p, 1) == [(250, 400)]
    assert times(p, 3, 4, 5) == [(400, 460), (130, 250), (160, 460)]


def test_a_later_order_overtakes_a_held_item_when_that_costs_the_earlier_order_little():
    # One wok cook; the grill cook is busy until 590. Order 2: wok 480 + grill 360, ready
    # together at 950 at the earliest, its wok dish held to [470, 950). Order 3, a minute
    # later: one wok dish of 420 s. Behind order 2 it would be ready at 1370; ahead of it,
    # at 480, while order 2 is ready at 960, 10 s later (<= OVERTAKE_SLACK_S).
    items = [item(1, 1, "grill", 600, at=NOW - 300, started_at=NOW - 10),
             item(2, 2, "wok", 480), item(3, 2, "grill", 360), item(4, 3, "wok", 420, at=NOW + 60)]
    p = plan(NOW, {"wok": 1, "grill": 1}, items)
    assert times(p, 4) == [(60, 480)]
    assert times(p, 2, 3) == [(480, 960), (600, 960)]
    # An order older than OVERTAKE_AGE_S is not overtaken: strict priority.
    old = [it if it.order_id != 2 else Item(**{**{f: getattr(it, f) for f in it.__slots__}, "ordered_at": OLD})
           for it in items]
    p = plan(NOW, {"wok": 1, "grill": 1}, old)
    assert times(p, 2, 3, 4) == [(470, 950), (590, 950), (950, 1370)]


def test_a_started_item_on_a_chain_station_gives_the_least_target():
    # The grill's cook is busy 30 s more; two more grill dishes (a chain) and three wok
    # dishes on two cooks: 540 s from 30, then 360 s: the target is 930 s from now.
    items = [item(1, 1, "grill", 540, started_at=NOW - 510), item(2, 1, "grill", 540), item(3, 1, "grill", 360),
             item(4, 1, "wok", 360), item(5, 1, "wok", 420), item(6, 1, "wok", 300)]
    p = plan(NOW, {"wok": 2, "grill": 1}, items)
    assert p.group_ready == {(1, 2): NOW + 930}
    assert times(p, 2, 3) == [(30, 570), (570, 930)]


def test_rounding_never_breaks_the_course_rule_nor_the_capacity():
    # Preps with no exact decimal: (lo - p) + p lands one ulp below lo, (B - q) + q above B.
    p1, p2 = 581.0424513326864, 150.24282955663512
    p = plan(NOW, {}, [item(1, 1, "a", p1, course=1), item(2, 1, "b", p2, course=2)])
    assert p.items[2].ready_at >= p.group_ready[(1, 1)] == NOW + p1
    # Order 1 (rush, ordered in the future) holds the wok from B; order 2's wok dish must
    # end by B to be within the tolerance of its salad: it must not overlap B by an ulp.
    b, q = 1000556.0766841924, 89.01509248901857
    items = [item(1, 1, "wok", 1000, at=b, rush=True), item(2, 2, "wok", q), item(3, 2, "cold", b + 10 - NOW)]
    p = plan(NOW, {"wok": 1}, items)
    assert p.items[1].fire_at == b
    assert b - 30 <= p.items[2].ready_at <= b


def test_course_zero_is_served_when_ready_not_held():
    items = [item(1, 1, "bar", 60, course=0), item(2, 1, "bar", 90, course=0), item(3, 1, "wok", 600)]
    p = plan(NOW, {"bar": 1}, items)
    assert times(p, 1, 2, 3) == [(0, 60), (60, 150), (0, 600)]
    assert p.group_ready == {(1, 0): NOW + 150, (1, 2): NOW + 600}


def test_ready_items_are_ignored():
    items = [item(1, 1, "wok", 900, ready=True, started_at=NOW - 900), item(2, 1, "cold", 180),
             item(3, 2, "cold", 600, ready=True)]
    p = plan(NOW, {}, items)
    assert set(p.items) == {2}
    assert times(p, 2) == [(0, 180)]
    assert p.group_ready == {(1, 2): NOW + 180}


def test_no_item_fires_before_it_was_ordered():
    p = plan(NOW, {}, [item(1, 1, "wok", 300, at=NOW + 50), item(2, 1, "cold", 100, at=NOW + 50)])
    assert times(p, 1, 2) == [(50, 350), (250, 350)]


def test_invalid_input_is_refused():
    with pytest.raises(ValueError):
        plan(NOW, {}, [item(1, 1, "wok", -5)])
    with pytest.raises(ValueError):
        plan(NOW, {}, [item(1, 1, "wok", 60), item(1, 2, "wok", 60)])
    with pytest.raises(ValueError):
        plan(NOW, {}, [], tolerance_s=-1)
    assert plan(NOW, {}, []).items == {}
    # A zero tolerance is honoured to the millisecond (floating point).
    assert plan(NOW, {}, [], tolerance_s=0).tolerance_s == MIN_TOLERANCE_S


def test_a_zero_prep_item_occupies_nobody():
    items = [item(1, 1, "wok", 600), item(2, 1, "wok", 0), item(3, 2, "wok", 60, at=NOW + 1)]
    p = plan(NOW, {"wok": 1}, items)
    assert times(p, 1, 2, 3) == [(0, 600), (600, 600), (600, 660)]


def busy_kitchen(seed, n_orders=60):
    rng = random.Random(seed)
    items, n = [], 0
    for o in range(n_orders):
        at = NOW - 3600 + o * 50
        for _ in range(rng.randint(1, 5)):
            n += 1
            started = NOW - rng.uniform(0, 600) if n % 9 == 0 else None
            items.append(item(n, o, rng.choice("abc"), rng.randrange(60, 900), at=at, course=rng.randint(0, 3),
                              rush=o % 17 == 0, started_at=started))
    return items


def test_determinism_shuffled_input_gives_the_same_plan():
    items = busy_kitchen(1)
    p = plan(NOW, {"a": 2, "b": 1}, items, course_gap_s=60)
    for seed in range(3):
        random.Random(seed).shuffle(items)
        assert plan(NOW, {"a": 2, "b": 1}, items, course_gap_s=60) == p


def test_a_new_later_order_does_not_move_earlier_orders():
    items = busy_kitchen(2)
    before = plan(NOW, {"a": 2, "b": 1, "c": 1}, items)
    new = [item(1000, 999, "a", 120, at=NOW), item(1001, 999, "b", 800, at=NOW), item(1002, 999, "c", 60, at=NOW)]
    after = plan(NOW, {"a": 2, "b": 1, "c": 1}, items + new)
    assert {i: after.items[i] for i in before.items} == before.items
    assert set(after.items) - set(before.items) == {1000, 1001, 1002}
