"""The e-receipt (a closed check's link, the paper receipt's QR code) adds up as the paper
does: a comped dish says so and is not charged, an item's own discount sits under it, the
check discount once, in the diner's language."""
from core.context import NOBODY
from pos.checks import payments
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of, visit_of


def test_the_e_receipt_shows_comps_and_discounts_so_that_it_adds_up(client, ctx, sign_in):
    token = token_of(ctx, "T6")
    order(ctx, token, KUNG_PAO, MILK_TEA)
    visit = visit_of(ctx, "T6")
    sign_in(client, "manager")  # comps need a manager
    check = client.get(f"/api/pos/visits/{visit}").get_json()
    kung_pao, tea = (next(i["id"] for o in check["orders"] for i in o["items"] if i["dish_id"] == d["dish_id"])
                     for d in (KUNG_PAO, MILK_TEA))
    for body in ({"kind": "comp", "item_id": tea, "reason": "long wait"},
                 {"kind": "discount", "item_id": kung_pao, "amount": 1000, "reason": "x", "label": "熟客優惠 Regular"}):
        assert client.post(f"/api/pos/visits/{visit}/adjustments", json=body).status_code == 201
    payments.pay_cash(ctx, visit, 50000, NOBODY)
    payments.close_visit(ctx, visit, NOBODY)
    zh = client.get(f"/v/{token}?lang=zh-Hant").get_data(as_text=True)
    receipt = zh[zh.index('id="receipt"'):]
    assert "招待 <s>HK$27.00</s>" in receipt  # the tea: complimentary, not charged
    assert "熟客優惠 Regular" in receipt and "-HK$10.00" in receipt  # under the Kung Pao
    # 176.00 - 10.00 = 166.00, service 10 % 16.60: HK$182.60 (the comped tea counts nowhere)
    assert "HK$182.60" in receipt and "long wait" not in receipt
