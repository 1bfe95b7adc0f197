from decimal import Decimal

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
    problems,
    refundable,
    validate,
)
from pos.checks.splits import split_by_lines, split_by_seats, split_equal
from pos.checks.floor import table_state
from pos.checks.money import format_money
from tests.unit.pos.reference import check_totals


def test_inclusive_tax_is_the_share_already_in_the_prices():
    t = bill([Line(1, 10000), Line(2, 5000)], service_pct=Decimal("10"), tax_pct=Decimal("5"), prices_include_tax=True)
    assert (t.subtotal, t.service_charge, t.total) == (15000, 1500, 16500)
    assert t.tax == 786  # 16500 * 5 / 105 = 785.71 -> 786
    assert t.tax_included


def test_exclusive_tax_is_added_on_top_of_service():
    t = bill([Line(1, 1999)], service_pct=Decimal("0"), tax_pct=Decimal("8.25"), prices_include_tax=False)
    assert t.tax == 165  # 164.9175 -> 165
    assert t.total == 1999 + 165


def test_half_cents_round_up():
    assert percent_of(5, Decimal("10")) == 1  # 0.5 -> 1
    assert percent_of(4, Decimal("10")) == 0


@given(st.lists(st.integers(0, 10**6), max_size=30), st.decimals(0, 30, places=2), st.decimals(0, 25, places=2),
       st.booleans(), st.integers(0, 10**7))
def test_parts_always_add_up(amounts, service, tax, inclusive, paid):
    t = bill([Line(i, a) for i, a in enumerate(amounts)], service_pct=service, tax_pct=tax,
             prices_include_tax=inclusive, paid=paid)
    assert t.subtotal == sum(amounts)
    assert t.total == t.subtotal + t.service_charge + (0 if inclusive else t.tax)
    assert 0 <= t.tax <= t.total
    assert t.due == max(t.total - paid, 0)


@given(st.integers(1, 10**7), st.integers(1, 10**7))
def test_cash_change_is_what_was_handed_over_beyond_the_due(due, tendered):
    r = apply_tender(due, "cash", tendered)
    assert r.applied + r.change == tendered
    assert r.applied == min(due, tendered) and r.change >= 0


def test_cash_must_be_positive():
    with pytest.raises(ValueError):
        apply_tender(100, "cash", 0)


@pytest.mark.parametrize("statuses,due,total,state", [
    ([], 0, 0, "free"), (["voided"], 0, 0, "free"), (["queued", "ready"], 100, 100, "ordering"),
    (["cooking"], 100, 100, "ordering"), (["ready", "served", "voided"], 100, 100, "eating"),
    (["ready"], 0, 100, "paid"),
])
def test_table_state(statuses, due, total, state):
    assert table_state(statuses, due, total) == state


def test_table_state_seated_waiting_long_and_asking_for_the_bill():
    assert table_state([], 0, 0, seated=True) == "seated"
    assert table_state(["queued"], 100, 100, late=True) == "waiting"
    assert table_state(["ready"], 100, 100, late=True) == "eating"  # late but served out: eating
    assert table_state(["served"], 100, 100, bill_requested=True) == "bill"
    assert table_state(["served"], 0, 100, bill_requested=True) == "paid"


def test_money_format():
    assert format_money(123456, "HKD", 2) == "HK$1,234.56"
    assert format_money(-5, "EUR", 2) == "-€0.05"
    assert format_money(1200, "JPY", 0) == "¥1,200"
    assert format_money(100, "XYZ", 2) == "XYZ 1.00"


# --------------------------------------------------------------------------- bill(): hand-computed checks

D = Decimal


def exclusive(lines, adjustments=(), service="10", tax="0", **kw):
    return bill(lines, adjustments, service_pct=D(service), tax_pct=D(tax), prices_include_tax=False, **kw)


def test_hk_148_plus_10_percent_service_is_162_80():
    b = exclusive([Line(1, 14800)])
    assert (b.subtotal, b.net, b.service_charge, b.tax, b.total, b.due) == (14800, 14800, 1480, 0, 16280, 16280)
    assert b.lines[0].total_share == 16280


def test_a_10_percent_check_discount_is_spread_over_the_lines_by_their_amount():
    b = exclusive([Line(1, 10000), Line(2, 5000)], [Adjustment("discount", None, percent=D("10"), reason="regular")])
    assert (b.subtotal, b.discounts, b.comps, b.net) == (15000, 1500, 0, 13500)
    assert [(ln.discount, ln.net, ln.service_share, ln.total_share) for ln in b.lines] == [
        (1000, 9000, 900, 9900), (500, 4500, 450, 4950)]
    assert (b.service_charge, b.total) == (1350, 14850)
    assert b.adjustment_amounts == (1500,)


def test_inclusive_5_percent_vat_is_the_share_contained_in_net_plus_service():
    b = bill([Line(1, 10000), Line(2, 5000)], service_pct=D("10"), tax_pct=D("5"), prices_include_tax=True)
    assert (b.service_charge, b.total, b.tax) == (1500, 16500, 786)  # 16500 * 5 / 105 = 785.71 -> 786
    assert [(ln.service_share, ln.tax_share, ln.total_share) for ln in b.lines] == [(1000, 524, 11000), (500, 262, 5500)]
    assert bill([Line(1, 1050)], service_pct=D(0), tax_pct=D(5), prices_include_tax=True).tax == 50  # exactly 1050/21


def test_exclusive_tax_is_on_net_plus_service():
    b = exclusive([Line(1, 10000)], service="10", tax="8.25")
    assert (b.service_charge, b.tax, b.total) == (1000, 908, 11908)  # 11000 * 8.25% = 907.5 -> 908


def test_line_percent_discounts_round_half_up_on_the_line():
    b = exclusive([Line(1, 1999), Line(2, 5)], [Adjustment("discount", 1, percent=D("12.5")),
                                                Adjustment("discount", 2, percent=D("10"))], service="0")
    assert [ln.discount for ln in b.lines] == [250, 1]  # 249.875 -> 250; 0.5 -> 1
    assert b.adjustment_amounts == (250, 1)


def test_an_amount_discount_never_takes_a_line_below_zero():
    b = exclusive([Line(1, 500), Line(2, 700)], [Adjustment("discount", 1, amount=800)], service="0")
    assert [ln.net for ln in b.lines] == [0, 700]
    assert (b.discounts, b.adjustment_amounts) == (500, (500,))


def test_a_check_amount_discount_beyond_the_check_leaves_zero():
    b = exclusive([Line(1, 500), Line(2, 700)], [Adjustment("discount", None, amount=5000)])
    assert (b.discounts, b.net, b.service_charge, b.total, b.adjustment_amounts) == (1200, 0, 0, 0, (1200,))


def test_line_discounts_come_before_check_discounts_in_the_order_given():
    b = exclusive([Line(1, 10000), Line(2, 10000)],
                  [Adjustment("discount", None, percent=D("10")), Adjustment("discount", 1, amount=2000)], service="0")
    # line 1: 10000 - 2000 = 8000; then 10% of 18000 = 1800 spread 8000:10000 -> 800, 1000
    assert [ln.discount for ln in b.lines] == [2800, 1000]
    assert b.adjustment_amounts == (1800, 2000)


def test_a_comp_zeroes_the_line_and_takes_no_discount():
    b = exclusive([Line(1, 3000), Line(2, 7000)],
                  [Adjustment("comp", 1, reason="cold"), Adjustment("discount", 1, percent=D("50")),
                   Adjustment("discount", None, percent=D("10"))])
    assert [(ln.comp, ln.discount, ln.net, ln.total_share) for ln in b.lines] == [(3000, 0, 0, 0), (0, 700, 6300, 6930)]
    assert (b.comps, b.discounts, b.net, b.total) == (3000, 700, 6300, 6930)
    assert b.adjustment_amounts == (3000, 0, 700)


def test_check_discount_and_service_split_by_largest_remainder():
    b = exclusive([Line(1, 3333), Line(2, 3333), Line(3, 3334)], [Adjustment("discount", None, amount=1000)], service="0")
    assert [ln.discount for ln in b.lines] == [333, 333, 334]
    b = exclusive([Line(1, 1), Line(2, 1), Line(3, 1)], service="50")  # 1.5 -> 2, the earlier lines first
    assert b.service_charge == 2 and [ln.service_share for ln in b.lines] == [1, 1, 0]


def test_allocate_examples():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [3333, 3333, 3334]) == [3, 3, 4]
    assert allocate(7, [0, 5, 0]) == [0, 7, 0]
    assert allocate(0, [0, 0]) == [0, 0]
    with pytest.raises(BillingError):
        allocate(1, [0, 0])


def test_tips_and_paid_are_carried_but_not_in_the_total():
    b = exclusive([Line(1, 14800)], paid=10000, tips=500)
    assert (b.total, b.paid, b.due, b.tips) == (16280, 10000, 6280, 500)
    assert exclusive([Line(1, 14800)], paid=20000).due == 0


def test_bill_without_adjustments_matches_check_totals():
    b = bill([Line(1, 10000), Line(2, 5000)], service_pct=D(10), tax_pct=D(5), prices_include_tax=False, paid=3)
    t = check_totals([10000, 5000], service_pct=D(10), tax_pct=D(5), prices_include_tax=False, paid=3)
    assert (b.subtotal, b.service_charge, b.tax, b.total, b.due) == (t.subtotal, t.service_charge, t.tax, t.total, t.due)


@pytest.mark.parametrize("adjustment,code", [
    (Adjustment("discount", 1, percent=D(0)), "bad_percent"),
    (Adjustment("discount", 1, percent=D("100.01")), "bad_percent"),
    (Adjustment("discount", None, percent=D(-5)), "bad_percent"),
    (Adjustment("discount", 1, amount=0), "bad_amount"),
    (Adjustment("discount", 1, amount=-100), "bad_amount"),
    (Adjustment("discount", 9, amount=100), "unknown_line"),
    (Adjustment("comp", 9), "unknown_line"),
    (Adjustment("comp", None), "comp_needs_line"),
    (Adjustment("comp", 1, amount=100), "bad_adjustment"),
    (Adjustment("discount", 1, percent=D(10), amount=100), "bad_adjustment"),
    (Adjustment("discount", 1), "bad_adjustment"),
    (Adjustment("voucher", 1, amount=100), "bad_kind"),
])
def test_bad_adjustments_are_refused_with_a_code(adjustment, code):
    with pytest.raises(BillingError) as exc:
        exclusive([Line(1, 1000)], [adjustment])
    assert exc.value.code == code and isinstance(exc.value, ValueError)


def test_a_line_is_comped_once_and_every_problem_is_listed():
    lines = [Line(1, 1000), Line(2, 2000)]
    adjustments = [Adjustment("comp", 1), Adjustment("discount", 2, percent=D(100)), Adjustment("comp", 1),
                   Adjustment("discount", 3, amount=1)]
    assert [(p.code, p.index) for p in problems(lines, adjustments)] == [("double_comp", 2), ("unknown_line", 3)]
    with pytest.raises(BillingError, match="already comped"):
        validate(lines, adjustments)
    assert [p.code for p in problems([Line(1, -1), Line(1, 5)])] == ["bad_line", "duplicate_line"]
    with pytest.raises(BillingError) as exc:
        bill(lines, service_pct=D(-1), tax_pct=D(0), prices_include_tax=False)
    assert exc.value.code == "bad_rate"


# --------------------------------------------------------------------------- splits


def test_split_equal_puts_the_extra_cents_first():
    assert split_equal(10000, 3) == [3334, 3333, 3333]
    assert split_equal(16280, 3) == [5427, 5427, 5426]
    assert split_equal(2, 4) == [1, 1, 0, 0]
    assert split_equal(0, 2) == [0, 0]
    with pytest.raises(BillingError):
        split_equal(100, 0)


def test_a_partly_paid_check_splits_what_is_due():
    b = exclusive([Line(1, 14800)], paid=6000)
    assert split_equal(b.due, 3) == [3427, 3427, 3426]


def test_split_by_lines_adds_the_lines_total_shares():
    b = exclusive([Line(1, 10000), Line(2, 5000), Line(3, 1)], [Adjustment("discount", None, percent=D(10))])
    assert split_by_lines(b, [[1, 3], [2]]) == [9900 + 1, 4950]  # 3: 1 - 0 discount (largest remainder) + 0 service
    assert sum(split_by_lines(b, [[1, 3], [2]])) == b.total
    for groups, code in [([[1], [2]], "bad_split"), ([[1, 2], [2, 3]], "bad_split"), ([[1, 2, 3, 4]], "unknown_line")]:
        with pytest.raises(BillingError) as exc:
            split_by_lines(b, groups)
        assert exc.value.code == code


def test_split_by_seats_shares_the_seatless_lines_equally():
    b = exclusive([Line(1, 10000, seat=1), Line(2, 5000, seat=2), Line(3, 1001)], service="0")
    assert split_by_seats(b) == {1: 10000 + 501, 2: 5000 + 500}
    assert split_by_seats(exclusive([Line(1, 14800)])) == {None: 16280}
    assert split_by_seats(exclusive([])) == {None: 0}


# --------------------------------------------------------------------------- tenders and refunds


def test_cash_over_the_due_gives_change():
    r = apply_tender(16280, "cash", 20000)
    assert (r.applied, r.change, r.tip, r.tendered) == (16280, 3720, 0, 20000)


def test_a_cash_tip_comes_out_of_what_was_handed_over():
    r = apply_tender(16280, "cash", 16280, tendered=20000, tip=1000)
    assert (r.applied, r.change, r.tip) == (16280, 2720, 1000)
    with pytest.raises(BillingError) as exc:
        apply_tender(16280, "cash", 16280, tendered=17000, tip=1000)
    assert exc.value.code == "short_tender"


def test_several_tenders_on_one_check():
    due = 16280
    card = apply_tender(due, "card", 10000, tip=1500)
    assert (card.applied, card.change, card.tip, card.tendered) == (10000, 0, 1500, 11500)
    due -= card.applied
    with pytest.raises(BillingError) as exc:
        apply_tender(due, "card", 6281)
    assert exc.value.code == "overpay"
    cash = apply_tender(due, "cash", 10000)
    assert (cash.applied, cash.change) == (6280, 3720)
    with pytest.raises(BillingError) as exc:
        apply_tender(due - cash.applied, "cash", 100)
    assert exc.value.code == "nothing_due"


@pytest.mark.parametrize("args,code", [
    ((100, "card", 0), "bad_amount"), ((100, "cash", -5), "bad_amount"), ((100, "cash", 50, 0), "bad_amount"),
    ((100, "card", 50, None, -1), "bad_amount"), ((100, "", 50), "bad_tender"), ((100, "card", 50, 60), "bad_tender"),
])
def test_bad_tenders_are_refused(args, code):
    with pytest.raises(BillingError) as exc:
        apply_tender(*args)
    assert exc.value.code == code


def test_refunds_never_exceed_what_the_tender_paid():
    paid, refunded = {"card": 10000, "cash": 6280}, {"card": 4000}
    assert refundable(paid, refunded, "card", 6000) == 0
    assert refundable(paid, refunded, "cash", 280) == 6000
    for tender, amount in [("card", 6001), ("voucher", 1)]:
        with pytest.raises(BillingError) as exc:
            refundable(paid, refunded, tender, amount)
        assert exc.value.code == "refund_exceeds"
    with pytest.raises(BillingError):
        refundable(paid, refunded, "card", 0)
