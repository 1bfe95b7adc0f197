from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.billing import cash_payment, check_totals, percent_of
from pos.floor import table_state
from pos.money import format_money


def test_inclusive_tax_is_the_share_already_in_the_prices():
    t = check_totals([10000, 5000], service_pct=Decimal("10"), tax_pct=Decimal("5"), prices_include_tax=True)
    assert (t.subtotal, t.service_charge, t.total) == (15000, 1500, 16500)
    assert t.tax == 786  # 16500 * 5 / 105 = 785.71 -> 786
    assert t.tax_included


def test_exclusive_tax_is_added_on_top_of_service():
    t = check_totals([1999], service_pct=Decimal("0"), tax_pct=Decimal("8.25"), prices_include_tax=False)
    assert t.tax == 165  # 164.9175 -> 165
    assert t.total == 1999 + 165


def test_half_cents_round_up():
    assert percent_of(5, Decimal("10")) == 1  # 0.5 -> 1
    assert percent_of(4, Decimal("10")) == 0


@given(st.lists(st.integers(0, 10**6), max_size=30), st.decimals(0, 30, places=2), st.decimals(0, 25, places=2),
       st.booleans(), st.integers(0, 10**7))
def test_parts_always_add_up(amounts, service, tax, inclusive, paid):
    t = check_totals(amounts, service_pct=service, tax_pct=tax, prices_include_tax=inclusive, paid=paid)
    assert t.subtotal == sum(amounts)
    assert t.total == t.subtotal + t.service_charge + (0 if inclusive else t.tax)
    assert 0 <= t.tax <= t.total
    assert t.due == max(t.total - paid, 0)


@given(st.integers(1, 10**7), st.integers(1, 10**7))
def test_cash_change_is_what_was_handed_over_beyond_the_due(due, tendered):
    r = cash_payment(due, tendered)
    assert r.applied + r.change == tendered
    assert r.applied == min(due, tendered) and r.change >= 0


def test_cash_must_be_positive():
    with pytest.raises(ValueError):
        cash_payment(100, 0)


@pytest.mark.parametrize("statuses,due,total,state", [
    ([], 0, 0, "free"), (["voided"], 0, 0, "free"), (["queued", "ready"], 100, 100, "ordering"),
    (["cooking"], 100, 100, "ordering"), (["ready", "served", "voided"], 100, 100, "eating"),
    (["ready"], 0, 100, "paid"),
])
def test_table_state(statuses, due, total, state):
    assert table_state(statuses, due, total) == state


def test_money_format():
    assert format_money(123456, "HKD", 2) == "HK$1,234.56"
    assert format_money(-5, "EUR", 2) == "-€0.05"
    assert format_money(1200, "JPY", 0) == "¥1,200"
    assert format_money(100, "XYZ", 2) == "XYZ 1.00"
