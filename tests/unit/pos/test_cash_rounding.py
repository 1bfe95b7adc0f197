"""Cash rounding (pos.checks.billing.cash_rounding and apply_tender's cash_step): cash that
settles a check pays its due rounded half-up to the smallest coin; the money adds up to the
minor unit: what is handed over is what settles the check, plus the rounding, the tip and
the change; no other tender, and no partial cash payment, is rounded."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.checks.billing import BillingError, apply_tender, cash_rounding

HK_COIN = 10  # HK$0.10


def test_hong_kong_cash_is_counted_in_ten_cents():
    assert [cash_rounding(d, HK_COIN) for d in (48312, 48315, 48310, 48319, 4)] == [-2, 5, 0, 1, -4]
    assert cash_rounding(48312, 1) == 0  # no rounding: a step of one minor unit


def test_cash_that_settles_the_check_pays_the_rounded_due_and_the_change_is_counted_from_it():
    r = apply_tender(48312, "cash", 50000, cash_step=HK_COIN)  # HK$483.12 due, HK$500 handed over
    assert (r.applied, r.rounding, r.paid, r.change, r.tendered) == (48312, -2, 48310, 1690, 50000)
    up = apply_tender(48315, "cash", 48320, cash_step=HK_COIN)  # exactly the rounded due: no change
    assert (up.applied, up.rounding, up.change) == (48315, 5, 0)
    with pytest.raises(BillingError) as e:
        apply_tender(48315, "cash", 48320, tendered=48319, cash_step=HK_COIN)
    assert e.value.code == "short_tender"


def test_only_cash_that_settles_is_rounded_and_cards_pay_the_exact_amount():
    part = apply_tender(48312, "cash", 20000, cash_step=HK_COIN)  # the first part of a split
    assert (part.applied, part.rounding, part.change) == (20000, 0, 0)
    rest = apply_tender(48312 - part.applied, "cash", 30000, cash_step=HK_COIN)  # 283.12 -> 283.10
    assert (rest.applied, rest.rounding, rest.change) == (28312, -2, 1690)
    card = apply_tender(48312, "card", 48312, cash_step=HK_COIN)
    assert (card.applied, card.rounding) == (48312, 0)


@given(due=st.integers(1, 10**7), over=st.integers(0, 10**5), tip=st.integers(0, 10**4),
       step=st.sampled_from([1, 5, 10, 50, 100]))
def test_handed_over_is_what_settles_plus_rounding_tip_and_change(due, over, tip, step):
    r = apply_tender(due, "cash", max(1, due + cash_rounding(due, step) + over), tip=tip, cash_step=step)
    assert r.tendered == r.applied + r.rounding + r.tip + r.change and r.change >= 0
    assert r.applied == due and r.paid % step == 0 and abs(r.rounding) * 2 <= step
