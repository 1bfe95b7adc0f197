"""Cash rounding at the till (restaurant.cash_rounding "0.10": Hong Kong's smallest coin):
a check of HK$223.21 settled in cash pays HK$223.20; a card pays it exact; a split rounds
only its cash part. The same figures on the check, the receipt, the e-receipt and the Z
report, to the cent.

Demo prices: 2 Kung Pao Chicken HK$176.00 and an iced milk tea HK$27.00 = HK$203.00; a
HK$0.08 discount makes the net HK$202.92, service 10 % HK$20.29, total HK$223.21."""
from sqlalchemy import select

from printers.model import PrintJob
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of, visit_of
from tests.web.pos.test_register import pay


def _check_of_22321(ctx, client, table: str) -> int:
    order(ctx, token_of(ctx, table), KUNG_PAO, MILK_TEA)
    visit = visit_of(ctx, table)
    r = client.post(f"/api/pos/visits/{visit}/adjustments", json={"kind": "discount", "amount": 8, "reason": "regular"})
    assert r.status_code == 201, r.get_json()
    return visit


def test_cash_pays_the_total_rounded_to_ten_cents_and_every_surface_says_so(ctx, client, sign_in):
    sign_in(client, "cashier")
    visit, token = _check_of_22321(ctx, client, "T1"), token_of(ctx, "T1")
    totals = client.get(f"/api/pos/visits/{visit}").get_json()["totals"]
    assert (totals["total"], totals["due"], totals["cash_due"]) == (22321, 22321, 22320)
    paid = pay(client, visit, tender="cash", tendered=30000)
    assert (paid["amount"], paid["rounding"], paid["change"], paid["change_formatted"]) == (22320, -1, 7680, "HK$76.80")
    t = paid["check"]["totals"]
    assert (t["paid"], t["due"], t["rounding"], t["formatted"]["rounding"]) == (22321, 0, -1, "-HK$0.01")
    assert t["total"] + t["rounding"] == paid["amount"]  # what the drawer got
    with ctx.db.read() as s:
        receipt = s.scalars(select(PrintJob).where(PrintJob.kind == "receipt")).one().document
    assert (receipt["total"], receipt["rounding"], receipt["change"]) == ("HK$223.21", "-HK$0.01", "HK$76.80")
    assert client.post(f"/api/pos/visits/{visit}/close").status_code == 200
    page = client.get(f"/v/{token}?lang=en").get_data(as_text=True)  # the e-receipt: the paper's QR code
    assert "Cash rounding" in page and "-HK$0.01" in page and "HK$223.21" in page and "-HK$0.08" in page
    register_id = client.get("/api/pos/register").get_json()["id"]
    z = client.get(f"/api/pos/registers/{register_id}/report").get_json()
    assert "sales,Cash rounding,,-0.01" in client.get(f"/api/pos/registers/{register_id}/report.csv").get_data(as_text=True)
    assert (z["sales"]["total"], z["sales"]["rounding"], z["sales"]["payments"]) == (22321, -1, 22320)
    assert z["sales"]["total"] + z["sales"]["rounding"] == z["sales"]["payments"]
    [cash] = [row for row in z["tenders"] if row["tender"] == "cash"]
    assert cash["amount"] == 22320 and z["cash"]["cash_sales"] == 22320


def test_a_card_pays_exactly_and_a_split_rounds_only_its_cash_part(ctx, client, sign_in):
    sign_in(client, "cashier")
    card_only = _check_of_22321(ctx, client, "T2")
    card = pay(client, card_only, tender="card", amount=22321, reference="A1")
    assert (card["amount"], card["rounding"], card["check"]["totals"]["due"]) == (22321, 0, 0)
    split = _check_of_22321(ctx, client, "T3")
    first = pay(client, split, tender="card", amount=10000, reference="A2")
    assert first["check"]["totals"]["cash_due"] == 12320  # HK$123.21 left: HK$123.20 in cash
    part = pay(client, split, tender="cash", tendered=5000)  # part of it in cash: exact, not rounded
    assert (part["amount"], part["rounding"], part["check"]["totals"]["due"]) == (5000, 0, 7321)
    rest = pay(client, split, tender="cash", tendered=7320)
    assert (rest["amount"], rest["rounding"], rest["change"], rest["check"]["totals"]["due"]) == (7320, -1, 0, 0)


def test_a_receipt_label_longer_than_a_receipt_line_is_refused_and_nothing_is_written(ctx, client, sign_in):
    from tests.helpers import row_counts
    sign_in(client, "cashier")
    order(ctx, token_of(ctx, "T4"), MILK_TEA)
    visit = visit_of(ctx, "T4")
    before = row_counts(ctx.db)
    r = client.post(f"/api/pos/visits/{visit}/adjustments",
                    json={"kind": "discount", "amount": 100, "reason": "regular", "label": "熟客優惠熟客優惠熟客優惠 Regular"})
    assert r.status_code == 422 and r.get_json()["error"]["details"][0]["field"] == "label"
    assert row_counts(ctx.db) == before
    ok = client.post(f"/api/pos/visits/{visit}/adjustments",
                     json={"kind": "discount", "amount": 100, "reason": "regular", "label": "熟客優惠 Regular"})
    assert ok.status_code == 201 and ok.get_json()["adjustments"][0]["label"] == "熟客優惠 Regular"
