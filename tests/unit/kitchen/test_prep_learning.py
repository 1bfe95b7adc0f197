from hypothesis import given
from hypothesis import strategies as st

from kitchen.prep_learning import estimate, expected_prep, measurement


def test_too_few_measurements_fall_back_to_the_menu():
    assert estimate([400, 420, 410], min_samples=5).seconds is None
    assert expected_prep(480, 60, None) == 480


def test_median_of_the_window():
    e = estimate([400, 420, 410, 430, 390], min_samples=5)
    assert (e.seconds, e.samples, e.outliers) == (410, 5, 0)


def test_a_forgotten_bump_and_an_accidental_start_are_ignored():
    # 40 minutes: the cook forgot to bump (an outlier); 5 s: start and bump pressed together
    # (no measurement at all).
    e = estimate([400, 420, 2400, 410, 430, 5, 390], min_samples=5)
    assert e.seconds == 410
    assert (e.samples, e.outliers) == (6, 1)


def test_implausible_values_are_not_measurements():
    e = estimate([0, -3, 20 * 3600, 300, 310, 320, 330, 340], min_samples=5)
    assert (e.seconds, e.samples) == (320, 5)


def test_a_measurement_is_the_dish_part_of_a_plausible_cooking_time():
    assert measurement(400.4, 120) == 280  # a large portion: its 120 s extra are not the dish's
    assert measurement(2, 120) is None  # started and bumped within 2 s: never -118 s
    assert measurement(1, 0) is None and measurement(9.4, 0) is None  # a tap, not cooking
    assert measurement(10, 0) == 10 and measurement(5 * 3600, 0) is None


def test_follows_a_kitchen_that_got_slower():
    old = [300] * 10
    new = [420] * 11
    assert estimate(old + new, min_samples=5).seconds == 420


def test_identical_measurements_do_not_make_a_near_one_an_outlier():
    e = estimate([300] * 9 + [330], min_samples=5)
    assert e.outliers == 0


def test_learned_time_replaces_the_dish_part_only():
    # Menu 480 s including 60 s of modifiers; the kitchen cooks the dish in 360 s.
    assert expected_prep(480, 60, 360) == 420


@given(st.lists(st.floats(min_value=1, max_value=3600), min_size=5, max_size=60))
def test_estimate_lies_within_the_measurements(values):
    e = estimate(values, min_samples=5)
    if e.seconds is not None:
        assert round(min(values)) <= e.seconds <= round(max(values))
        assert e.outliers < e.samples
