"""pos.checks.presentation: the guest's lines of a check, built once from its bill, add up as
they read, on every surface that formats them (the receipt's data is checked here as text)."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos.checks.billing import Adjustment, Line, apply_tender, bill
from pos.checks.money import format_money
from pos.checks.presentation import AdjustmentIn, ItemIn, PaymentIn, present, receipt_lines
from pos.checks.splits import split_equal

HK_COIN = 10


def money(minor: int) -> str:
    return format_money(minor, "HKD", 2)


def cents(text: str) -> int:
    """A formatted amount read back from its text (what a reader of the receipt adds up)."""
    sign = -1 if text.startswith("-") else 1
    return sign * int(text.lstrip("-").removeprefix("HK$").replace(",", "").replace(".", ""))


def layout(p):
    return receipt_lines(p, money=money, name=lambda names: names["en"], tender_label=str.title)


def test_a_check_discount_is_shown_once_and_the_lines_add_up_as_they_read():
    lines = [Line(1, 2 * 5800), Line(2, 8800), Line(3, 4800)]
    adjustments = [Adjustment("comp", 3), Adjustment("discount", 1, amount=1000),
                   Adjustment("discount", None, percent=Decimal("10"))]
    b = bill(lines, adjustments, service_pct=Decimal("10"), tax_pct=Decimal("0"), prices_include_tax=True)
    items = [ItemIn(1, 2, {"en": "BBQ pork rice"}, ({"en": "Extra sauce"},)), ItemIn(2, 1, {"en": "Roast goose"}),
             ItemIn(3, 1, {"en": "Tea"})]
    p = present(b, items, [AdjustmentIn("comp", 3), AdjustmentIn("discount", 1, label="熟客優惠 Regular"),
                           AdjustmentIn("discount", None, Decimal("10"))], [],
                service_rate=Decimal("10"), tax_rate=Decimal("0"))
    assert [(i.amount, [(r.kind, r.amount) for r in i.reductions]) for i in p.items] == [
        (11600, [("discount", -1000)]), (8800, []), (4800, [("comp", -4800)])]
    assert p.subtotal == 11600 - 1000 + 8800 == 19400
    assert [(d.amount, d.percent) for d in p.discounts] == [(-1940, Decimal("10"))]  # once, not per item
    assert p.total == b.total == 19400 - 1940 + 1746
    assert [k for k, _, _ in p.sums()] == ["subtotal", "discount", "service", "total"]
    r = layout(p)
    assert r["lines"][0]["reductions"] == [{"kind": "discount", "label": "熟客優惠 Regular", "amount": "-HK$10.00",
                                            "percent": None}]
    assert r["lines"][2]["comp"] and r["lines"][2]["reductions"][0]["amount"] == "-HK$48.00"
    assert r["discounts"] == [{"kind": "discount", "label": None, "amount": "-HK$19.40", "percent": "10"}]


def test_cash_rounding_a_tip_under_its_tender_and_the_change():
    b0 = bill([Line(1, 48312)], service_pct=Decimal("0"), tax_pct=Decimal("0"), prices_include_tax=True)
    card = apply_tender(48312, "card", 20000, tip=2000)
    cash = apply_tender(48312 - card.applied, "cash", 30000, cash_step=HK_COIN)
    b = bill([Line(1, 48312)], service_pct=Decimal("0"), tax_pct=Decimal("0"), prices_include_tax=True,
             paid=card.applied + cash.applied, tips=2000)
    payments = [PaymentIn(1, "payment", "card", card.paid, card.tendered, card.change, card.tip),
                PaymentIn(2, "payment", "cash", cash.paid, cash.tendered, cash.change, 0, cash.rounding)]
    p = present(b, [ItemIn(1, 1, {"en": "Banquet"})], [], payments, service_rate=Decimal("0"), tax_rate=Decimal("0"))
    assert (p.rounding, p.tips, p.change, p.due, b0.total) == (-2, 2000, 1690, 0, 48312)
    assert p.cash_received == p.total + p.rounding + p.tips
    r = layout(p)
    assert r["payments"] == [{"tender": "card", "label": "Card", "amount": "HK$220.00", "tip": "HK$20.00"},
                             {"tender": "cash", "label": "Cash", "amount": "HK$300.00"}]
    assert (r["rounding"], r["change"], r["total"]) == ("-HK$0.02", "HK$16.90", "HK$483.12")


def test_adjustments_that_are_not_the_bills_are_refused():
    b = bill([Line(1, 100)], service_pct=Decimal("0"), tax_pct=Decimal("0"), prices_include_tax=True)
    with pytest.raises(ValueError):
        present(b, [ItemIn(1, 1, {"en": "x"})], [AdjustmentIn("comp", 1)], [], service_rate=Decimal("0"),
                tax_rate=Decimal("0"))
    with pytest.raises(ValueError):
        present(b, [], [], [], service_rate=Decimal("0"), tax_rate=Decimal("0"))


# -- the property over whole checks -------------------------------------------------------------

rates = st.decimals(min_value=0, max_value=20, places=1)


@st.composite
def whole_checks(draw):
    """A check as the till makes one: dishes (some with priced modifiers, some voided), item and
    check discounts, comps, service, tax either way, paid in 1-4 parts by mixed tenders with
    tips (cash rounded to the coin), and maybe a refund."""
    items, lines = [], []
    for key in range(1, draw(st.integers(1, 8)) + 1):
        qty, price = draw(st.integers(1, 4)), draw(st.integers(0, 30000))
        mods = draw(st.lists(st.integers(0, 1500), max_size=2))
        if draw(st.integers(0, 6)) == 0:
            continue  # voided: not on the bill
        items.append(ItemIn(key, qty, {"en": f"Dish {key}"}, tuple({"en": f"+{m}"} for m in mods)))
        lines.append(Line(key, qty * (price + sum(mods))))
    keys = [ln.key for ln in lines]
    adjustments, shown, comped = [], [], set()
    for _ in range(draw(st.integers(0, 5))):
        target = draw(st.sampled_from(keys)) if keys and draw(st.booleans()) else None
        label = draw(st.none() | st.sampled_from(["熟客優惠 Regular", "Birthday"]))
        if target is not None and target not in comped and draw(st.integers(0, 3)) == 0:
            comped.add(target)
            adjustments.append(Adjustment("comp", target))
            shown.append(AdjustmentIn("comp", target))
        elif draw(st.booleans()):
            pct = draw(st.decimals(min_value=Decimal("0.5"), max_value=100, places=1))
            adjustments.append(Adjustment("discount", target, percent=pct))
            shown.append(AdjustmentIn("discount", target, pct, label))
        else:
            adjustments.append(Adjustment("discount", target, amount=draw(st.integers(1, 50000))))
            shown.append(AdjustmentIn("discount", target, None, label))
    service, tax, inclusive = draw(rates), draw(rates), draw(st.booleans())
    total = bill(lines, adjustments, service_pct=service, tax_pct=tax, prices_include_tax=inclusive).total
    payments, applied, tips = [], 0, 0
    if total:
        parts = split_equal(total, draw(st.integers(1, 4)))
        for n, part in enumerate(parts, start=1):
            tender = draw(st.sampled_from(["cash", "card", "octopus"]))
            tip = draw(st.integers(0, 3000)) if tender != "cash" else 0
            due = total - applied
            amount = due if n == len(parts) else part
            handed = None
            if tender == "cash":
                handed = amount + draw(st.integers(0, 10000)) + (HK_COIN if n == len(parts) else 0)
            r = apply_tender(due, tender, amount, handed, tip, cash_step=HK_COIN)
            payments.append(PaymentIn(n, "payment", tender, r.paid, r.tendered, r.change, r.tip, r.rounding))
            applied, tips = applied + r.applied, tips + r.tip
        if draw(st.booleans()):
            p = draw(st.sampled_from(payments))
            payments.append(PaymentIn(99, "refund", p.tender, draw(st.integers(1, max(p.amount, 1))), 0))
    b = bill(lines, adjustments, service_pct=service, tax_pct=tax, prices_include_tax=inclusive, paid=applied, tips=tips)
    order = draw(st.permutations(items))
    return b, order, shown, payments, service, tax


@settings(max_examples=300, deadline=None)
@given(whole_checks())
def test_the_presented_lines_add_up_to_the_total_and_the_payments_to_the_total_plus_tips(check):
    b, items, adjustments, payments, service, tax = check
    p = present(b, items, adjustments, payments, service_rate=service, tax_rate=tax)
    # As the figures:
    assert sum(i.net for i in p.items) == p.subtotal
    charged = (p.service.amount if p.service else 0) + (0 if p.tax.included else p.tax.amount)
    assert p.subtotal + sum(d.amount for d in p.discounts) + charged == p.total == b.total
    assert p.gross + p.all_discounts + p.comps + charged == p.total
    assert all(r.amount < 0 for i in p.items for r in i.reductions if r.kind == "discount")
    assert p.due == 0 and p.paid == p.total
    assert p.cash_received == p.total + p.rounding + p.tips
    assert p.refunded <= sum(t.paid for t in p.payments)
    # As the text every surface prints (the receipt's data read back like a reader adds it up):
    r = layout(p)
    assert sum(cents(ln["amount"]) + sum(cents(x["amount"]) for x in ln["reductions"]) for ln in r["lines"]) \
        == cents(r["subtotal"])
    added = [s for s in r["service_lines"]] + [t for t in r["tax_lines"] if not t["included"]]
    assert cents(r["subtotal"]) + sum(cents(d["amount"]) for d in r["discounts"]) \
        + sum(cents(x["amount"]) for x in added) == cents(r["total"])
    handed = sum(cents(t["amount"]) for t in r["payments"])
    assert handed - cents(r["change"] or "HK$0.00") \
        == cents(r["total"]) + cents(r["rounding"] or "HK$0.00") + cents(r["tip"] or "HK$0.00")
    assert sum(cents(t.get("tip", "HK$0.00")) for t in r["payments"]) == cents(r["tip"] or "HK$0.00")
    assert [ln["name"] for ln in r["lines"]] == [i.names["en"] for i in items]
