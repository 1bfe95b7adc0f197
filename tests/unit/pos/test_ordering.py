import pytest

from pos.orders.ordering import OrderRejected, RequestedLine, price_lines

CATALOGUE = {
    11: {"price": 8800, "sold_out": False, "station": "wok", "prep_seconds": 480, "names": {"en": "Kung Pao"},
         "groups": [
             {"id": 1, "names": {"en": "Spice"}, "min": 1, "max": 1,
              "options": {1: {"names": {"en": "Mild"}, "price_delta": 0, "prep_delta": 0},
                          2: {"names": {"en": "Hot"}, "price_delta": 0, "prep_delta": 0}}},
             {"id": 2, "names": {"en": "Add-ons"}, "min": 0, "max": 2,
              "options": {8: {"names": {"en": "Egg"}, "price_delta": 800, "prep_delta": 60},
                          9: {"names": {"en": "Rice"}, "price_delta": 1000, "prep_delta": 0},
                          10: {"names": {"en": "Sprouts"}, "price_delta": 500, "prep_delta": 30}}}]},
    30: {"price": 2400, "sold_out": True, "station": "bar", "prep_seconds": 120, "names": {"en": "Tea"},
         "groups": []},
}


def codes(exc):
    return [p["code"] for p in exc.value.problems]


def test_price_includes_option_deltas_and_prep_time():
    [line] = price_lines(CATALOGUE, [RequestedLine(11, 3, (2, 8, 10), "no peanuts")])
    assert line.unit_price == 8800 + 800 + 500
    assert line.amount == 3 * 10100
    assert line.prep_seconds == 480 + 60 + 30
    assert line.extra_prep_seconds == 60 + 30
    assert line.station == "wok" and line.note == "no peanuts"
    assert [m["option_id"] for m in line.modifiers] == [2, 8, 10]


def test_every_problem_of_every_line_is_reported():
    with pytest.raises(OrderRejected) as exc:
        price_lines(CATALOGUE, [RequestedLine(99, 1), RequestedLine(11, 1, (8, 9, 10)), RequestedLine(11, 1, (77, 1))])
    assert codes(exc) == ["unknown_dish", "missing_required_option", "too_many_options", "unknown_option"]
    assert [p["line"] for p in exc.value.problems] == [0, 1, 1, 2]
    assert exc.value.code == "invalid_order"


def test_sold_out_alone_is_its_own_code():
    with pytest.raises(OrderRejected) as exc:
        price_lines(CATALOGUE, [RequestedLine(30, 1)])
    assert codes(exc) == ["sold_out"] and exc.value.code == "sold_out"


def test_two_picks_in_a_single_choice_group_and_duplicates_are_refused():
    with pytest.raises(OrderRejected) as exc:
        price_lines(CATALOGUE, [RequestedLine(11, 1, (1, 2)), RequestedLine(11, 1, (1, 8, 8))])
    assert codes(exc) == ["too_many_options", "duplicate_option"]


def test_empty_order_is_refused():
    with pytest.raises(OrderRejected) as exc:
        price_lines(CATALOGUE, [])
    assert codes(exc) == ["empty_order"]
