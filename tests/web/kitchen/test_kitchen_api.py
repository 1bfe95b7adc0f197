"""The kitchen's HTTP API and its Socket.IO rooms: station screens, expo, recall,
permissions and bad input (a clear 4xx that writes nothing)."""
import threading

import pytest

from app.factory import socketio_of
from tests.helpers import KUNG_PAO, MILK_TEA, order, row_counts, token_of, visit_of

BBQ_PORK = {"dish_id": 6, "quantity": 1, "options": [5]}


def _updates(sock, kind=None):
    return [m["args"][0] for m in sock.get_received()
            if m["name"] == "update" and (kind is None or m["args"][0]["kind"] == kind)]


def _join(sock, rooms, after=0, token=None):
    return sock.emit("join", {"rooms": rooms, "after": after, "token": token}, callback=True)


@pytest.mark.parametrize("method,url,body", [
    ("GET", "/api/kitchen/tickets", None),
    ("POST", "/api/kitchen/tickets/1/start", None),
    ("POST", "/api/kitchen/tickets/1/recall", None),
    ("POST", "/api/kitchen/stations/wok/recall", None),
    ("POST", "/api/kitchen/recall", None),
    ("POST", "/api/kitchen/items/1/start", None),
    ("POST", "/api/kitchen/items/1/bump", None),
    ("GET", "/api/expo/orders", None),
    ("POST", "/api/expo/orders/1/served", None),
    ("POST", "/api/expo/orders/1/rush", {"rush": True}),
])
def test_kitchen_actions_need_a_signed_in_cook(client, ctx, method, url, body):
    order(ctx, token_of(ctx), KUNG_PAO)
    before = row_counts(ctx.db)
    r = client.open(url, method=method, json=body)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "not_signed_in"
    assert row_counts(ctx.db) == before


def test_prep_times_are_for_managers(client, sign_in, ctx):
    sign_in(client, "cook")
    assert client.get("/api/kitchen/prep-times").status_code == 403
    assert client.get("/kitchen/prep-times").status_code == 302
    sign_in(client, "manager")
    data = client.get("/api/kitchen/prep-times").get_json()
    assert {d["dish_id"] for d in data["dishes"]} >= {11, 28} and data["learning"] is True
    page = client.get("/kitchen/prep-times")
    assert page.status_code == 200 and "宮保雞丁" in page.get_data(as_text=True)


def test_bad_kitchen_requests_get_clear_errors_and_change_nothing(client, sign_in, ctx):
    order(ctx, token_of(ctx), KUNG_PAO)
    sign_in(client, "cook")
    before = row_counts(ctx.db)
    cases = [
        ("POST", "/api/kitchen/items/999/start", None, 404, "unknown_item"),
        ("POST", "/api/kitchen/items/99999999999/bump", None, 404, None),
        ("POST", "/api/kitchen/stations/nowhere/recall", None, 404, "unknown_station"),
        ("POST", "/api/kitchen/stations/wok/recall", None, 409, "nothing_to_recall"),
        ("POST", "/api/kitchen/tickets/1/recall", None, 409, "nothing_to_recall"),
        ("POST", "/api/kitchen/recall", None, 409, "nothing_to_recall"),
        ("POST", "/api/expo/orders/1/rush", {}, 422, "validation_error"),
        ("POST", "/api/expo/orders/999/served", None, 404, "unknown_order"),
        ("POST", "/api/expo/orders/1/served", None, 409, "not_ready"),
        ("POST", "/api/expo/orders/1/rush", {"rush": "yes"}, 422, "validation_error"),
        ("POST", "/api/expo/orders/1/rush", {"rush": True, "extra": 1}, 422, "validation_error"),
        ("POST", "/api/expo/orders/1/rush", "not json", 400, "bad_json"),
    ]
    for method, url, body, status, code in cases:
        if isinstance(body, str):
            r = client.open(url, method=method, data=body, content_type="application/json")
        else:
            r = client.open(url, method=method, json=body)
        assert r.status_code == status, (url, r.get_json())
        if code:
            assert r.get_json()["error"]["code"] == code, url
    assert row_counts(ctx.db) == before


def test_a_station_screen_hears_start_bump_and_recall_from_another_screen(app, client, sign_in, ctx):
    sign_in(client, "cook")
    sio = socketio_of(app)
    screens = [sio.test_client(app, flask_test_client=client) for _ in range(2)]
    for sc in screens:
        _join(sc, ["station:wok"])
    order(ctx, token_of(ctx), KUNG_PAO)
    [ticket] = client.get("/api/kitchen/tickets?station=wok").get_json()["tickets"]
    assert client.post(f"/api/kitchen/tickets/{ticket['id']}/start").status_code == 200
    assert client.post(f"/api/kitchen/tickets/{ticket['id']}/bump").status_code == 200
    assert client.post("/api/kitchen/recall").get_json()["status"] == "cooking"  # the all-stations recall
    seen = [[(e["data"]["status"], e["data"]["version"]) for e in _updates(sc, "ticket")] for sc in screens]
    assert seen[0] == seen[1]  # both screens of the station saw the same thing
    assert [st for st, _ in seen[0]] == ["open", "cooking", "done", "cooking"]
    versions = [v for _, v in seen[0]]
    assert versions == sorted(set(versions))  # every change is a newer version


def test_two_cooks_bumping_one_item_at_once_make_one_bump(app, sign_in, ctx):
    order(ctx, token_of(ctx), KUNG_PAO)
    clients = [app.test_client() for _ in range(4)]
    for c in clients:
        sign_in(c, "cook")
    [ticket] = clients[0].get("/api/kitchen/tickets?station=wok").get_json()["tickets"]
    item_id = ticket["items"][0]["id"]
    barrier, codes = threading.Barrier(len(clients)), []

    def bump(c):
        barrier.wait()
        codes.append(c.post(f"/api/kitchen/items/{item_id}/bump").status_code)

    threads = [threading.Thread(target=bump, args=(c,)) for c in clients]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(codes) == [200, 409, 409, 409]


def test_expo_screen_follows_an_order_to_served_and_the_diner_sees_it(app, client, sign_in, ctx):
    sign_in(client, "cook")
    sio = socketio_of(app)
    pass_screen = sio.test_client(app, flask_test_client=client)
    assert "error" not in _join(pass_screen, ["expo"])
    diner = sio.test_client(app)
    token, visit_id = token_of(ctx), visit_of(ctx)
    _join(diner, [f"visit:{visit_id}"], token=token)
    data, _ = order(ctx, token, KUNG_PAO, MILK_TEA)
    for t in client.get("/api/kitchen/tickets").get_json()["tickets"]:
        client.post(f"/api/kitchen/tickets/{t['id']}/bump")
    assert client.get("/api/expo/orders").get_json()["orders"][0]["status"] == "ready"
    r = client.post(f"/api/expo/orders/{data['id']}/served")
    assert r.status_code == 200 and r.get_json()["status"] == "served"
    statuses = [e["data"]["status"] for e in _updates(pass_screen, "order")]
    assert statuses[0] == "queued" and statuses[-1] == "served" and "ready" in statuses
    last_items = _updates(diner, "items")[-1]["data"]["items"]
    assert {i["status"] for i in last_items} == {"served"}
    anon = sio.test_client(app)
    assert _join(anon, ["expo"])["error"]["code"] == "forbidden"


def test_rush_over_http_replans_and_the_screens_hear_it(client, sign_in, ctx):
    first, _ = order(ctx, token_of(ctx, "T1"), BBQ_PORK)
    second, _ = order(ctx, token_of(ctx, "T2"), BBQ_PORK)
    sign_in(client, "cook")
    before = {t["order_id"]: t["fire_at"] for t in client.get("/api/kitchen/tickets?station=grill").get_json()["tickets"]}
    r = client.post(f"/api/expo/orders/{second['id']}/rush", json={"rush": True})
    assert r.status_code == 200 and r.get_json()["rush"] is True
    tickets = client.get("/api/kitchen/tickets?station=grill").get_json()["tickets"]
    assert [t["order_id"] for t in tickets] == [second["id"], first["id"]]  # fire order
    assert tickets[0]["fire_at"] == before[first["id"]] and tickets[0]["rush"] is True


def test_reprint_needs_a_cook_and_an_existing_ticket(client, sign_in, ctx):
    order(ctx, token_of(ctx), KUNG_PAO)
    assert client.post("/api/kitchen/tickets/1/reprint").status_code == 401
    sign_in(client, "cook")
    before = row_counts(ctx.db)
    r = client.post("/api/kitchen/tickets/999/reprint")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_ticket"
    assert row_counts(ctx.db) == before
    r = client.post("/api/kitchen/tickets/1/reprint")
    assert r.status_code == 202 and r.get_json()["printer"] == "kitchen"


def test_a_cashier_reprints_an_orders_kitchen_tickets(client, sign_in, ctx):
    placed, _ = order(ctx, token_of(ctx), KUNG_PAO)
    url = f"/api/kitchen/orders/{placed['id']}/reprint"
    assert client.post(url).status_code == 401
    sign_in(client, "cashier")
    before = row_counts(ctx.db)
    r = client.post("/api/kitchen/orders/999/reprint")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_order"
    assert row_counts(ctx.db) == before
    r = client.post(url)
    assert r.status_code == 202 and r.get_json() == {"queued": 1, "printers": ["kitchen"]}
