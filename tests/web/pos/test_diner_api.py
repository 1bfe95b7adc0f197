"""The diner's HTTP API: every kind of bad input gets a clear 4xx and writes nothing."""
import pytest

from core.context import NOBODY
from menu import services as menu
from pos.checks import payments
from tests.helpers import KUNG_PAO, MILK_TEA, boot_of, row_counts, token_of, visit_of


def post_order(client, token, items, key="key-00000001", **extra):
    return client.post(f"/api/visits/{token}/orders", json={"idempotency_key": key, "items": items, **extra})


def test_order_is_created_once_per_key(client, ctx):
    token = token_of(ctx)
    first = post_order(client, token, [KUNG_PAO])
    assert first.status_code == 201
    body = first.get_json()
    assert body["items"][0]["name"] == "宮保雞丁" and body["items"][0]["amount"] == 17600
    again = post_order(client, token, [KUNG_PAO])
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]


def test_prices_sent_by_the_client_are_not_accepted(client, ctx):
    r = post_order(client, token_of(ctx), [{**MILK_TEA, "unit_price": 1}])
    assert r.status_code == 422 and r.get_json()["error"]["details"][0]["field"] == "items.0.unit_price"


BAD_ORDERS = [
    ("unknown dish", [{"dish_id": 999, "quantity": 1}], 422, "invalid_order", "unknown_dish"),
    ("unknown option", [{**MILK_TEA, "options": [12, 5]}], 422, "invalid_order", "unknown_option"),
    ("required modifier missing", [{"dish_id": 11, "quantity": 1, "options": [2]}], 422, "invalid_order",
     "missing_required_option"),
    ("quantity zero", [{**MILK_TEA, "quantity": 0}], 422, "validation_error", None),
    ("negative quantity", [{**MILK_TEA, "quantity": -3}], 422, "validation_error", None),
    ("absurd quantity", [{**MILK_TEA, "quantity": 100000}], 422, "validation_error", None),
    ("quantity as text", [{**MILK_TEA, "quantity": "2"}], 422, "validation_error", None),
    ("overlong note", [{**MILK_TEA, "note": "x" * 201}], 422, "validation_error", None),
    ("no items", [], 422, "validation_error", None),
    ("too many lines", [MILK_TEA] * 51, 422, "validation_error", None),
    ("dish id not a number", [{"dish_id": "eleven", "quantity": 1}], 422, "validation_error", None),
]


@pytest.mark.parametrize("name,items,status,code,detail", BAD_ORDERS, ids=[b[0] for b in BAD_ORDERS])
def test_bad_orders_are_refused_and_write_nothing(client, ctx, name, items, status, code, detail):
    token = token_of(ctx)
    before = row_counts(ctx.db)
    r = post_order(client, token, items)
    assert r.status_code == status
    err = r.get_json()["error"]
    assert err["code"] == code and err["message"]
    if detail:
        assert err["details"][0]["code"] == detail
    assert row_counts(ctx.db) == before


def test_malformed_json_and_wrong_shapes(client, ctx):
    token, before = token_of(ctx), row_counts(ctx.db)
    r = client.post(f"/api/visits/{token}/orders", data=b'{"items": [', content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_json"
    r = client.post(f"/api/visits/{token}/orders", data=b"", content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"/api/visits/{token}/orders", json=[1, 2])
    assert r.status_code == 422
    r = post_order(client, token, [MILK_TEA], key="short")
    assert r.status_code == 422 and r.get_json()["error"]["details"][0]["field"] == "idempotency_key"
    r = post_order(client, token, [MILK_TEA], table="T9")
    assert r.status_code == 422
    assert row_counts(ctx.db) == before


def test_sold_out_dish_is_refused_until_it_is_back(client, ctx):
    token = token_of(ctx)
    menu.set_sold_out(ctx, 28, True)
    before = row_counts(ctx.db)
    r = post_order(client, token, [MILK_TEA])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "sold_out"
    assert row_counts(ctx.db) == before
    menu.set_sold_out(ctx, 28, False)
    assert post_order(client, token, [MILK_TEA]).status_code == 201


def test_forged_and_stale_tokens(client, ctx, sign_in):
    token = token_of(ctx)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    r = post_order(client, forged, [MILK_TEA])
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "invalid_token"
    assert client.get(f"/v/{forged}").status_code == 403
    payments.close_visit(ctx, visit_of(ctx), NOBODY)
    before = row_counts(ctx.db)
    r = post_order(client, token, [MILK_TEA])
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "visit_closed"
    page = client.get(f"/v/{token}")
    assert page.status_code == 403 and 'data-code="visit_closed"' in page.get_data(as_text=True)
    assert 'id="receipt"' not in page.get_data(as_text=True)  # nothing was ordered: no receipt
    assert row_counts(ctx.db) == before


def test_a_closed_visits_link_shows_its_receipt(client, ctx):
    # The QR code on the paper receipt links to the visit: once the table is closed it
    # shows what was ordered and paid, in the diner's language, and nothing else.
    token = token_of(ctx, "T3")
    assert post_order(client, token, [KUNG_PAO]).status_code == 201
    visit_id = visit_of(ctx, "T3")
    payments.pay_cash(ctx, visit_id, 100000, NOBODY)
    payments.close_visit(ctx, visit_id, NOBODY)
    shown = client.get(f"/v/{token}?lang=en")
    assert shown.status_code == 200  # a page that works, not an error: the receipt's QR code lands here
    page = shown.get_data(as_text=True)
    receipt = page[page.index('id="receipt"'):]
    assert "Kung Pao Chicken" in receipt and "HK$1,000.00" in receipt and "Change" in receipt
    assert "Service charge (10%)" in receipt
    zh = client.get(f"/v/{token}?lang=zh-Hant").get_data(as_text=True)
    assert "Service 10%" not in zh and "服務費" in zh  # the diner's language, not the paper's English
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert 'id="receipt"' not in client.get(f"/v/{forged}").get_data(as_text=True)


def test_menu_page_renders_in_each_language(client, ctx):
    token = token_of(ctx)
    zh = client.get(f"/v/{token}?lang=zh-Hant").get_data(as_text=True)
    en = client.get(f"/v/{token}?lang=en").get_data(as_text=True)
    assert "宮保雞丁" in zh and "Kung Pao Chicken" in en
    assert client.get(f"/v/{token}", headers={"Cookie": "lang=en"}).get_data(as_text=True).count("Kung Pao") >= 1
    assert client.get("/api/menu?lang=en").get_json()[0]["name"] == "Starters"


def test_diner_sees_the_check_with_item_states(client, ctx):
    token = token_of(ctx)
    post_order(client, token, [KUNG_PAO, MILK_TEA])
    check = client.get(f"/api/visits/{token}?lang=en").get_json()
    assert [i["status"] for i in check["orders"][0]["items"]] == ["queued", "queued"]
    assert check["orders"][0]["items"][0]["name"] == "Kung Pao Chicken"
    assert check["totals"]["total"] == round((17600 + 2700) * 1.1)


def test_unknown_api_route_is_json(client):
    r = client.get("/api/nope")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_a_script_in_a_note_stays_text_in_the_diner_page(client, ctx):
    token = token_of(ctx)
    payload = "</script><script>window.pwned=1</script><img src=x onerror=alert(1)>"
    assert post_order(client, token, [{**MILK_TEA, "note": payload}]).status_code == 201
    resp = client.get(f"/v/{token}")
    html = resp.get_data(as_text=True)
    assert "<script>window.pwned" not in html and "<img src=x" not in html
    boot = boot_of(html)
    assert boot["check"]["orders"][0]["items"][0]["note"] == payload
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


@pytest.mark.parametrize("items", [
    [{"dish_id": 2**63, "quantity": 1}],
    [{**MILK_TEA, "options": [2**40]}],
    [{**MILK_TEA, "note": "hot\x00tea"}],
    [{**MILK_TEA, "note": "\x1b[31mred"}],
    [{**MILK_TEA, "note": "pay \u202eecnavda"}],
    [{**MILK_TEA, "note": "a\u2028b"}],
    [{**MILK_TEA, "note": "zero\u200bwidth"}],
])
def test_huge_ids_and_control_characters_are_refused(client, ctx, items):
    before = row_counts(ctx.db)
    r = post_order(client, token_of(ctx), items)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"
    assert row_counts(ctx.db) == before


def test_a_note_may_have_line_breaks(client, ctx):
    r = post_order(client, token_of(ctx), [{**MILK_TEA, "note": "less ice\nno straw"}])
    assert r.status_code == 201 and r.get_json()["items"][0]["note"] == "less ice\nno straw"


def test_huge_ids_in_urls_are_404_not_500(client, ctx, sign_in):
    sign_in(client, "manager")
    for url in (f"/api/pos/visits/{2**63}", f"/api/pos/tables/{2**40}/qr.png", "/api/pos/visits/0"):
        r = client.get(url)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert client.post(f"/api/kitchen/tickets/{2**63}/bump").status_code == 404
    assert client.post("/api/staff/login", json={"user_id": 2**63, "pin": "1234"}).status_code == 422
