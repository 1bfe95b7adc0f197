"""Property tests of pos.checks.billing: the invariants of a check hold over random lines, discounts, comps,
rates and both tax modes; every split adds up exactly and is fair; tenders never overpay."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.checks.billing import (
    Adjustment,
    BillingError,
    Line,
    allocate,
    apply_tender,
    bill,
    percent_of,
    refundable,
)
from pos.checks.splits import split_by_lines, split_by_seats, split_equal
from tests.unit.pos.reference import check_totals

rates = st.decimals(min_value=0, max_value=30, places=2)
discount_percents = st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)
money = st.integers(0, 10**6)


@st.composite
def checks(draw, max_lines=12):
    amounts = draw(st.lists(money, max_size=max_lines))
    lines = [Line(key, amount, draw(st.none() | st.integers(1, 4))) for key, amount in enumerate(amounts, start=100)]
    keys = [ln.key for ln in lines]
    adjustments = []
    comped = set()
    for _ in range(draw(st.integers(0, 6))):
        target = draw(st.sampled_from(keys)) if keys and draw(st.booleans()) else None
        if target is not None and target not in comped and draw(st.integers(0, 3)) == 0:
            comped.add(target)
            adjustments.append(Adjustment("comp", target))
        elif draw(st.booleans()):
            adjustments.append(Adjustment("discount", target, percent=draw(discount_percents)))
        else:
            adjustments.append(Adjustment("discount", target, amount=draw(st.integers(1, 2 * 10**5))))
    return lines, adjustments


bills = st.builds(
    lambda check, service, tax, inclusive, paid, tips: bill(
        check[0], check[1], service_pct=service, tax_pct=tax, prices_include_tax=inclusive, paid=paid, tips=tips),
    checks(), rates, rates, st.booleans(), st.integers(0, 10**7), st.integers(0, 10**4))


@given(checks(), rates, rates, st.booleans(), st.integers(0, 2 * 10**7))
def test_every_invariant_of_a_bill(check, service, tax, inclusive, paid):
    lines, adjustments = check
    b = bill(lines, adjustments, service_pct=service, tax_pct=tax, prices_include_tax=inclusive, paid=paid)
    assert b.subtotal == sum(ln.amount for ln in lines)
    assert b.net == b.subtotal - b.discounts - b.comps
    assert b.service_charge == percent_of(b.net, service)
    assert b.total == b.net + b.service_charge + (0 if inclusive else b.tax)
    assert b.due == max(b.total - paid, 0) and b.tax_included == inclusive
    assert b.tax == (percent_of(b.net + b.service_charge, tax) if not inclusive
                     else int((Decimal(b.net + b.service_charge) * tax / (100 + tax)).to_integral_value("ROUND_HALF_UP")))
    assert sum(ln.gross for ln in b.lines) == b.subtotal
    assert sum(ln.discount for ln in b.lines) == b.discounts
    assert sum(ln.comp for ln in b.lines) == b.comps
    assert sum(ln.net for ln in b.lines) == b.net
    assert sum(ln.service_share for ln in b.lines) == b.service_charge
    assert sum(ln.tax_share for ln in b.lines) == b.tax
    assert sum(ln.total_share for ln in b.lines) == b.total
    comped = {a.line for a in adjustments if a.kind == "comp"}
    for ln, src in zip(b.lines, lines):
        assert (ln.key, ln.seat, ln.gross) == (src.key, src.seat, src.amount)
        assert ln.net == ln.gross - ln.discount - ln.comp
        assert min(ln.discount, ln.comp, ln.net, ln.service_share, ln.tax_share, ln.total_share) >= 0
        assert ln.total_share == ln.net + ln.service_share + (0 if inclusive else ln.tax_share)
        if ln.key in comped:
            assert (ln.comp, ln.discount, ln.net, ln.total_share) == (ln.gross, 0, 0, 0)
        else:
            assert ln.comp == 0
        if inclusive:
            assert ln.tax_share <= ln.net + ln.service_share
    assert min(b.subtotal, b.discounts, b.comps, b.net, b.service_charge, b.tax, b.total, b.due) >= 0
    assert sum(t for a, t in zip(adjustments, b.adjustment_amounts) if a.kind == "discount") == b.discounts
    assert sum(t for a, t in zip(adjustments, b.adjustment_amounts) if a.kind == "comp") == b.comps


@given(st.lists(money, max_size=12), rates, rates, st.booleans(), st.integers(0, 10**7))
def test_without_adjustments_bill_and_check_totals_agree(amounts, service, tax, inclusive, paid):
    b = bill([Line(i, a) for i, a in enumerate(amounts)], service_pct=service, tax_pct=tax,
             prices_include_tax=inclusive, paid=paid)
    t = check_totals(amounts, service_pct=service, tax_pct=tax, prices_include_tax=inclusive, paid=paid)
    assert (b.subtotal, b.service_charge, b.tax, b.total, b.due) == (t.subtotal, t.service_charge, t.tax, t.total, t.due)


@given(st.integers(0, 10**7), st.lists(st.integers(0, 10**5), min_size=1, max_size=20))
def test_largest_remainder_allocation_is_exact_and_fair(amount, weights):
    if sum(weights) == 0:
        with pytest.raises(BillingError):
            allocate(amount + 1, weights)
        return
    parts = allocate(amount, weights)
    assert sum(parts) == amount and len(parts) == len(weights)
    for part, w in zip(parts, weights):
        exact = Fraction(amount * w, sum(weights))
        assert exact - 1 < part < exact + 1  # the exact share rounded down or up
        assert part >= 0 and (w > 0 or part == 0)
    for i in range(len(weights)):  # more weight never gets less
        for j in range(len(weights)):
            if weights[i] > weights[j]:
                assert parts[i] >= parts[j]


@given(st.integers(0, 10**8), st.integers(1, 50))
def test_equal_parts_add_up_and_differ_by_at_most_one(amount, n):
    parts = split_equal(amount, n)
    assert len(parts) == n and sum(parts) == amount
    assert max(parts) - min(parts) <= 1 and parts == sorted(parts, reverse=True)


@given(bills, st.data())
def test_a_split_by_lines_adds_up_to_the_total(b, data):
    n = data.draw(st.integers(1, 5))
    owners = [data.draw(st.integers(0, n - 1)) for _ in b.lines]
    groups = [[ln.key for ln, o in zip(b.lines, owners) if o == g] for g in range(n)]
    parts = split_by_lines(b, groups)
    assert sum(parts) == b.total and min(parts) >= 0 and len(parts) == n
    if b.lines:
        with pytest.raises(BillingError):
            split_by_lines(b, [g for g in groups if g][1:] + [[]])  # a line left out


@given(bills, st.integers(1, 12))
def test_a_split_by_seats_or_of_the_due_adds_up(b, n):
    assert sum(split_equal(b.due, n)) == b.due  # a partly paid check splits what is left
    parts = split_by_seats(b)
    assert sum(parts.values()) == b.total and min(parts.values()) >= 0
    seats = {ln.seat for ln in b.lines if ln.seat is not None}
    assert set(parts) == (seats or {None})
    shared = sum(ln.total_share for ln in b.lines if ln.seat is None)
    for seat in seats:
        own = sum(ln.total_share for ln in b.lines if ln.seat == seat)
        assert own + shared // len(seats) <= parts[seat] <= own + -(-shared // len(seats))


tenders = st.tuples(st.sampled_from(["cash", "card", "voucher"]), st.integers(1, 2 * 10**5),
                    st.none() | st.integers(1, 3 * 10**5), st.integers(0, 5000))


@given(st.integers(1, 10**6), st.lists(tenders, max_size=12))
def test_several_tenders_never_pay_more_than_the_total(total, payments):
    due = total
    for tender, amount, tendered, tip in payments:
        try:
            r = apply_tender(due, tender, amount, tendered, tip)
        except BillingError as e:
            assert e.code in {"overpay", "short_tender", "nothing_due", "bad_tender"}
            assert e.code != "nothing_due" or due == 0
            assert e.code != "overpay" or (tender != "cash" and amount > due)
            continue
        assert 0 < r.applied <= due and r.change >= 0 and r.tip == tip
        assert r.applied + r.change + r.tip == (tendered if tendered is not None else amount + tip) == r.tendered
        if tender == "cash":
            assert r.applied == min(amount, due)
        else:
            assert (r.applied, r.change) == (amount, 0)
        due -= r.applied
    assert 0 <= due <= total


@given(st.dictionaries(st.sampled_from(["cash", "card", "voucher"]), st.integers(0, 10**5)),
       st.lists(st.tuples(st.sampled_from(["cash", "card", "voucher", "other"]), st.integers(1, 5 * 10**4)), max_size=15))
def test_refunds_never_exceed_what_each_tender_paid(paid, attempts):
    refunded: dict[str, int] = {}
    for tender, amount in attempts:
        try:
            left = refundable(paid, refunded, tender, amount)
        except BillingError as e:
            assert e.code == "refund_exceeds" and amount > paid.get(tender, 0) - refunded.get(tender, 0)
            continue
        refunded[tender] = refunded.get(tender, 0) + amount
        assert left == paid[tender] - refunded[tender] >= 0
