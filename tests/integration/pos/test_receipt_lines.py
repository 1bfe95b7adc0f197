"""The receipt reads as the bill was computed: a check discount once, under the subtotal,
not again as a share on every item; an item's own discount on its line, under the label
meant for the guest, never the cashier's reason."""
from decimal import Decimal

from core.context import Actor
from pos.checks import adjustments, receipts
from pos.checks.summary import load_visit
from printers import layout
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of, visit_of

CASHIER = Actor(2, "cashier")


def test_a_check_discount_is_printed_once_and_an_items_own_discount_on_its_line(ctx):
    order(ctx, token_of(ctx, "T1"), KUNG_PAO, MILK_TEA)
    visit_id = visit_of(ctx, "T1")
    with ctx.db.read() as s:
        tea = next(i.id for o in load_visit(s, visit_id).orders for i in o.items if i.dish_id == MILK_TEA["dish_id"])
    adjustments.add_adjustment(ctx, visit_id, kind="discount", item_id=tea, percent=None, amount=200,
                               reason="Staff meal for Ah Keung", label="熟客優惠 Regular", actor=CASHIER,
                               approval=None, address="127.0.0.1")
    adjustments.add_adjustment(ctx, visit_id, kind="discount", item_id=None, percent=Decimal("10"), amount=None,
                               reason="Complained about the wait", actor=CASHIER, approval=None, address="127.0.0.1")
    with ctx.db.read() as s:
        r = receipts.receipt_data(ctx, load_visit(s, visit_id))
    discounted = [(ln["name"], ln["reductions"]) for ln in r["lines"]]
    assert discounted == [("宮保雞丁", []), ("港式奶茶", [{"kind": "discount", "label": "熟客優惠 Regular",
                                                        "amount": "-HK$2.00", "percent": None}])]
    # 176.00 + 27.00 - 2.00 = 201.00; the check's 10 % of that once, under no label of its own: -20.10
    assert r["discounts"] == [{"kind": "discount", "label": None, "amount": "-HK$20.10", "percent": "10"}]
    assert "Ah Keung" not in str(r) and "Complained" not in str(r)  # the cashier's reasons stay internal
    assert r["subtotal"] == "HK$201.00" and r["total"] == "HK$198.99"  # 180.90 + 10 % service 18.09
    paper = "\n".join(b["text"] for b in layout.receipt(r) if b["type"] == "text")
    assert "  熟客優惠 Regular" in paper and paper.count("-HK$20.10") == 1 and "Discount 折扣 10%" in paper
