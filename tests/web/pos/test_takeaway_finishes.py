"""A takeaway or counter check finishes by itself: paid and every dish handed over (served
at the pass), it closes without the cashier pressing Close, so the day's report counts it
as a sale; paid but not yet picked up, the till shows it as waiting for pickup. Either
order of the two (pay first, or hand over first) closes it."""
from tests.helpers import MILK_TEA


def _counter_order(client, pickup: str, key: str) -> dict:
    r = client.post("/api/pos/orders", json={"kind": "takeaway", "pickup": pickup, "idempotency_key": key,
                                             "items": [MILK_TEA]})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _hand_over(client, order: dict) -> None:
    """The bar makes it (start, bump) and the pass hands it over."""
    for item in order["items"]:
        for step in ("start", "bump"):
            assert client.post(f"/api/kitchen/items/{item['id']}/{step}").status_code == 200
    r = client.post(f"/api/expo/orders/{order['id']}/served")
    assert r.status_code == 200, r.get_json()


def _card(client, visit_id: int) -> dict:
    r = client.post(f"/api/pos/visits/{visit_id}/payments", json={"tender": "card", "reference": "T1"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["check"]


def test_a_paid_takeaway_waits_for_pickup_then_closes_when_handed_over(client, sign_in):
    sign_in(client, "manager")  # takes orders and payments, and serves at the pass
    placed = _counter_order(client, "Wong 黃生", "takeaway-wong-1")
    visit = placed["visit_id"]
    check = _card(client, visit)
    assert (check["open"], check["state"], check["totals"]["due"]) == (True, "pickup", 0)
    [card] = [c for c in client.get("/api/pos/checks").get_json() if c["visit_id"] == visit]
    assert card["state"] == "pickup"  # the till's card: paid, to pick up
    _hand_over(client, placed)
    check = client.get(f"/api/pos/visits/{visit}").get_json()
    assert check["open"] is False  # closed by itself: no Close needed
    assert visit not in [c["visit_id"] for c in client.get("/api/pos/checks").get_json()]
    register_id = client.get("/api/pos/register").get_json()["id"]
    z = client.get(f"/api/pos/registers/{register_id}/report").get_json()
    assert visit in z["visit_ids"] and z["sales"]["total"] == z["sales"]["payments"] and z["open_checks"] == 0


def test_handed_over_first_it_closes_as_it_is_paid(client, sign_in):
    sign_in(client, "manager")
    placed = _counter_order(client, "Lee 李生", "takeaway-lee-1")
    _hand_over(client, placed)
    before = client.get(f"/api/pos/visits/{placed['visit_id']}").get_json()
    assert (before["open"], before["state"]) == (True, "eating")  # handed over, still to pay
    assert _card(client, placed["visit_id"])["open"] is False
