"""Orders typed at the terminal (table, takeaway, counter) go the diner's way to the
kitchen and printer; diners' requests ring on the terminal until acknowledged; a manager
arranges the floor plan. Refusals are 4xx with a code and write nothing."""
from sqlalchemy import select

from app.factory import socketio_of
from kitchen import services as kitchen
from pos.orders import visits
from printers.model import PrintJob
from tests.helpers import KUNG_PAO, MILK_TEA, order, row_counts, token_of, visit_of


def _updates(sock, kind):
    return [m["args"][0]["data"] for m in sock.get_received()
            if m["name"] == "update" and m["args"][0]["kind"] == kind]


def test_a_takeaway_order_reaches_the_kitchen_under_its_pickup_name_and_closes_without_a_next_party(
        client, sign_in, ctx):
    sign_in(client, "cashier")
    body = {"kind": "takeaway", "pickup": "Chan 陳生", "idempotency_key": "takeaway-0001",
            "items": [{**KUNG_PAO, "seat": 1}, MILK_TEA]}
    r = client.post("/api/pos/orders", json=body)
    assert r.status_code == 201, r.get_json()
    placed = r.get_json()
    assert placed["label"] == "外賣 Takeaway Chan 陳生" and "/v/" in placed["url"]
    assert client.post("/api/pos/orders", json=body).status_code == 200  # a retry: the same order, no second check
    [wok] = kitchen.open_tickets(ctx, "wok")["tickets"]
    assert wok["table"] == "外賣 Takeaway Chan 陳生"
    with ctx.db.read() as s:
        job = s.scalar(select(PrintJob).where(PrintJob.kind == "kitchen_ticket"))
        assert job.document["table"] == "外賣 Takeaway Chan 陳生"
    [check] = client.get("/api/pos/checks").get_json()
    # No service charge on a takeaway (restaurant.takeaway_service_charge "0"): HK$203.00, not 223.30.
    assert (check["kind"], check["pickup"], check["table_id"], check["total"]) == ("takeaway", "Chan 陳生", None, 20300)
    # The customer follows it on the page whose QR code is on the receipt.
    page = client.get(placed["url"].split("5000", 1)[1])
    assert page.status_code == 200 and "宮保雞丁" in page.get_data(as_text=True)
    visit_id = check["visit_id"]
    assert client.post(f"/api/pos/visits/{visit_id}/payments", json={"tender": "cash", "tendered": 30000}
                       ).status_code == 201
    closed = client.post(f"/api/pos/visits/{visit_id}/close").get_json()
    assert closed == {"closed_visit_id": visit_id, "next_visit_id": None, "table_id": None, "url": None}
    assert client.get("/api/pos/checks").get_json() == []


def test_a_table_order_from_the_terminal_lands_on_the_tables_check_with_seats(client, sign_in, ctx):
    sign_in(client, "cashier")
    table_id = next(v["table_id"] for v in visits.current_visits(ctx) if v["table"] == "T4")
    r = client.post("/api/pos/orders", json={"kind": "table", "table_id": table_id, "covers": 2,
                                             "items": [{**KUNG_PAO, "seat": 1}, {**MILK_TEA, "seat": 2}]})
    assert r.status_code == 201
    check = client.get(f"/api/pos/visits/{visit_of(ctx, 'T4')}").get_json()
    assert check["covers"] == 2 and check["table"] == "T4"
    split = client.get(f"/api/pos/visits/{visit_of(ctx, 'T4')}/split?by=seats").get_json()
    assert [(p["label"], p["amount"]) for p in split["parts"]] == [("Seat 1", 19360), ("Seat 2", 2970)]


def test_bad_staff_orders_are_refused_and_write_nothing(client, sign_in, ctx):
    sign_in(client, "cashier")
    before = row_counts(ctx.db)
    for body, status, code in [
        ({"kind": "takeaway", "items": [MILK_TEA]}, 422, "validation_error"),  # no pickup
        ({"kind": "table", "items": [MILK_TEA]}, 422, "validation_error"),  # no table
        ({"kind": "table", "table_id": 999, "items": [MILK_TEA]}, 404, "unknown_table"),
        ({"kind": "counter", "pickup": "12", "items": [{"dish_id": 11, "quantity": 1}]}, 422, "invalid_order"),
    ]:
        r = client.post("/api/pos/orders", json=body)
        assert (r.status_code, r.get_json()["error"]["code"]) == (status, code), (body, r.get_json())
    assert row_counts(ctx.db) == before
    sign_in(client, "cook")
    assert client.post("/api/pos/orders", json={"kind": "counter", "pickup": "1", "items": [MILK_TEA]}
                       ).status_code == 403


def test_a_diners_request_rings_on_the_terminal_until_acknowledged(app, client, sign_in, ctx):
    token = token_of(ctx, "T5")
    placed, _ = order(ctx, token, KUNG_PAO)
    sign_in(client, "cashier")
    terminal = socketio_of(app).test_client(app, flask_test_client=client)
    terminal.emit("join", {"rooms": ["pos"], "after": 0, "token": None}, callback=True)
    terminal.get_received()
    phone = app.test_client()
    r = phone.post(f"/api/visits/{token}/requests", json={"kind": "waiter"})
    assert r.status_code == 201
    call = r.get_json()
    assert (call["table"], call["kind"], call["acknowledged_at"]) == ("T5", "waiter", None)
    assert phone.post(f"/api/visits/{token}/requests", json={"kind": "waiter"}).get_json()["id"] == call["id"]
    dish = placed["items"][0]["id"]
    r = phone.post(f"/api/visits/{token}/requests", json={"kind": "problem", "item_id": dish, "reason": "cold",
                                                           "text": "<b>cold</b> soup"})
    assert r.status_code == 201 and r.get_json()["text"] == "<b>cold</b> soup"
    heard = _updates(terminal, "request")
    assert [(e["kind"], e["acknowledged_at"]) for e in heard] == [("waiter", None), ("problem", None)]  # asked twice: told once
    assert [q["kind"] for q in client.get("/api/pos/requests").get_json()] == ["waiter", "problem"]
    acked = client.post(f"/api/pos/requests/{call['id']}/ack").get_json()
    assert acked["acknowledged_at"] is not None
    assert _updates(terminal, "request")[-1]["acknowledged_at"] is not None  # the ringing stops everywhere
    done = client.post(f"/api/pos/requests/{call['id']}/resolve", json={"resolution": "menu brought"})
    assert done.status_code == 200 and done.get_json()["resolved_at"]
    assert [q["kind"] for q in client.get("/api/pos/requests").get_json()] == ["problem"]
    assert client.post(f"/api/pos/requests/{call['id']}/resolve", json={}).get_json()["error"]["code"] == \
        "already_resolved"


def test_bad_requests_are_refused_and_a_phone_cannot_flood_the_terminal(client, ctx):
    token = token_of(ctx, "T6")
    other, _ = order(ctx, token_of(ctx, "T7"), MILK_TEA)
    before = row_counts(ctx.db)
    url = f"/api/visits/{token}/requests"
    for body, status, code in [
        ({"kind": "dance"}, 422, "validation_error"),
        ({"kind": "problem", "reason": "cold"}, 404, "unknown_item"),
        ({"kind": "problem", "item_id": other["items"][0]["id"], "reason": "cold"}, 404, "unknown_item"),
        ({"kind": "problem", "item_id": 1, "reason": "bored"}, 422, "validation_error"),
    ]:
        r = client.post(url, json=body)
        assert (r.status_code, r.get_json()["error"]["code"]) == (status, code), body
    assert client.post("/api/visits/not-a-token/requests", json={"kind": "bill"}).status_code == 403
    assert row_counts(ctx.db) == before
    placed, _ = order(ctx, token, MILK_TEA)
    item = placed["items"][0]["id"]
    problem = {"kind": "problem", "item_id": item, "reason": "other", "text": "too sweet"}
    assert client.post(url, json=problem).status_code == 201
    again = client.post(url, json=problem)  # the same report again (a retry): the same request
    assert again.status_code == 200 and row_counts(ctx.db)["service_requests"] == 1
    for n in range(4):
        assert client.post(url, json={**problem, "text": f"and {n}"}).status_code == 201
    r = client.post(url, json={"kind": "bill"})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "too_many_requests"


def test_a_manager_arranges_the_floor(client, sign_in, ctx):
    tables = {v["table"]: v["table_id"] for v in visits.current_visits(ctx)}
    body = {"tables": [{"table_id": tables["T1"], "x": 0, "y": 0, "shape": "round"},
                       {"table_id": tables["T2"], "x": 2, "y": 0}]}
    sign_in(client, "cashier")
    assert client.put("/api/pos/floor", json=body).status_code == 403
    sign_in(client, "manager")
    r = client.put("/api/pos/floor", json=body)
    assert r.status_code == 200
    placed = {t["table"]: (t["x"], t["y"], t["shape"]) for t in r.get_json()}
    assert placed["T1"] == (0, 0, "round") and placed["T2"] == (2, 0, "square")
    before = row_counts(ctx.db)
    r = client.put("/api/pos/floor", json={"tables": [{"table_id": tables["T3"], "x": 0, "y": 0}]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "overlap"
    r = client.put("/api/pos/floor", json={"tables": [{"table_id": 999, "x": 5, "y": 5}]})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_table"
    assert row_counts(ctx.db) == before
    assert {t["table"]: t["x"] for t in client.get("/api/pos/tables").get_json()}["T1"] == 0


def test_a_check_moves_to_a_free_table_and_the_kitchen_hears_without_a_new_ticket(client, sign_in, ctx):
    token = token_of(ctx, "T1")
    order(ctx, token, KUNG_PAO)
    tables = {v["table"]: v["table_id"] for v in visits.current_visits(ctx)}
    visit = visit_of(ctx, "T1")
    sign_in(client, "cashier")
    with ctx.db.read() as s:
        jobs_before = len(s.scalars(select(PrintJob)).all())
    t8_unused = visit_of(ctx, "T8")
    r = client.post(f"/api/pos/visits/{visit}/move", json={"to_table_id": tables["T8"]})
    assert r.status_code == 200 and r.get_json()["table"] == "T8"
    assert visit_of(ctx, "T8") == visit and visit_of(ctx, "T1") not in (visit, t8_unused)  # T1: a new visit
    assert [t["table"] for t in kitchen.open_tickets(ctx, "wok")["tickets"]] == ["T8"]
    with ctx.db.read() as s:
        jobs = s.scalars(select(PrintJob).order_by(PrintJob.id)).all()
    assert [j.kind for j in jobs[jobs_before:]] == ["qr_slip", "qr_slip"]  # no kitchen ticket again
    assert [j.document["table"] for j in jobs[jobs_before:]] == ["T8", "T1"]  # each table's own code
    assert client.get(f"/v/{token}").status_code == 200  # the diners' link still works
    order(ctx, token_of(ctx, "T2"), MILK_TEA)
    r = client.post(f"/api/pos/visits/{visit}/move", json={"to_table_id": tables["T2"]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "table_taken"


def test_two_tables_merge_into_one_check(client, sign_in, ctx):
    t3, t4 = token_of(ctx, "T3"), token_of(ctx, "T4")
    order(ctx, t3, KUNG_PAO)
    order(ctx, t4, MILK_TEA)
    v3, v4 = visit_of(ctx, "T3"), visit_of(ctx, "T4")
    sign_in(client, "cashier")
    r = client.post(f"/api/pos/visits/{v4}/merge", json={"into_visit_id": v3})
    assert r.status_code == 200
    merged = r.get_json()
    assert merged["totals"]["total"] == 22330 and len(merged["orders"]) == 2
    assert visit_of(ctx, "T4") != v4  # T4 is free again, with a new link
    assert client.post(f"/api/visits/{t4}/orders", json={"idempotency_key": "after-merge-1",
                                                         "items": [MILK_TEA]}).status_code == 403
    assert [t["table"] for t in kitchen.open_tickets(ctx, "bar")["tickets"]] == ["T3"]
    r = client.post(f"/api/pos/visits/{v3}/merge", json={"into_visit_id": v3})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "same_check"


def test_a_price_override_needs_a_manager_and_is_audited(client, sign_in, ctx):
    from pos.checks import audit
    placed, _ = order(ctx, token_of(ctx, "T5"), MILK_TEA)
    item = placed["items"][0]["id"]
    sign_in(client, "cashier")
    before = row_counts(ctx.db)
    r = client.post(f"/api/pos/items/{item}/price", json={"unit_price": 2000, "reason": "staff meal"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "approval_required"
    assert row_counts(ctx.db) == before
    r = client.post(f"/api/pos/items/{item}/price", json={"unit_price": 2000, "reason": "staff meal",
                                                          "approval": {"manager_id": 3, "pin": "3333"}})
    assert r.status_code == 200 and r.get_json()["totals"]["subtotal"] == 2000
    [entry] = audit.audit_log(ctx, action="price_override")
    assert entry["amount"] == -700 and entry["details"]["old_unit_price"] == 2700


def test_the_floor_shows_a_seated_party_and_a_table_asking_for_its_bill(client, sign_in, ctx):
    sign_in(client, "cashier")
    visit = visit_of(ctx, "T6")
    r = client.post(f"/api/pos/visits/{visit}/covers", json={"covers": 3})
    assert r.status_code == 200 and r.get_json()["covers"] == 3
    tiles = {t["table"]: t for t in client.get("/api/pos/tables").get_json()}
    assert tiles["T6"]["state"] == "seated" and tiles["T6"]["covers"] == 3
    token = token_of(ctx, "T6")
    order(ctx, token, MILK_TEA)
    assert client.post(f"/api/visits/{token}/requests", json={"kind": "bill"}).status_code == 201
    tiles = {t["table"]: t for t in client.get("/api/pos/tables").get_json()}
    assert tiles["T6"]["state"] == "bill" and tiles["T6"]["requests"] == 1
    assert client.post(f"/api/pos/visits/{visit}/covers", json={"covers": 0}).status_code == 422


def test_a_takeaway_link_follows_the_order_but_cannot_order_or_ask(client, sign_in, ctx):
    sign_in(client, "cashier")
    placed = client.post("/api/pos/orders", json={"kind": "takeaway", "pickup": "Lee", "items": [MILK_TEA]}).get_json()
    token = placed["url"].rsplit("/v/", 1)[1]
    phone = client.application.test_client()
    assert phone.get(f"/api/visits/{token}").status_code == 200  # following it works
    before = row_counts(ctx.db)
    r = phone.post(f"/api/visits/{token}/orders", json={"idempotency_key": "takeaway-more-1", "items": [MILK_TEA]})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "follow_only"
    r = phone.post(f"/api/visits/{token}/requests", json={"kind": "waiter"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "follow_only"
    assert row_counts(ctx.db) == before


def test_calling_again_while_it_rings_writes_nothing(client, ctx):
    token = token_of(ctx, "T8")
    assert client.post(f"/api/visits/{token}/requests", json={"kind": "waiter"}).status_code == 201
    before = row_counts(ctx.db)
    for _ in range(5):
        assert client.post(f"/api/visits/{token}/requests", json={"kind": "waiter"}).status_code == 200
    assert row_counts(ctx.db) == before
