"""Sign-in, roles, and the cashier's operations over HTTP."""
import pytest

from kitchen import services as kitchen
from tests.helpers import KUNG_PAO, MILK_TEA, row_counts, token_of, visit_of


def test_pages_need_a_signed_in_role(client, sign_in):
    r = client.get("/pos")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/kitchen/wok").status_code == 302
    sign_in(client, "cook")
    assert client.get("/kitchen/wok").status_code == 200
    assert client.get("/kitchen").status_code == 200
    assert client.get("/kitchen/nowhere").status_code == 404
    r = client.get("/pos")
    assert r.status_code == 302 and "need=cashier" in r.headers["Location"]
    sign_in(client, "cashier")
    assert client.get("/pos").status_code == 200 and client.get("/kitchen").status_code == 200


@pytest.mark.parametrize("method,url,body", [
    ("GET", "/api/pos/tables", None),
    ("GET", "/api/pos/visits/1", None),
    ("POST", "/api/pos/visits/1/payments/cash", {"tendered": 100}),
    ("POST", "/api/pos/visits/1/close", None),
    ("GET", "/api/pos/tables/1/qr.png", None),
    ("POST", "/api/pos/visits/1/receipt", None),
    ("POST", "/api/pos/visits/1/payments", {"tender": "cash", "tendered": 100}),
    ("POST", "/api/pos/visits/1/adjustments", {"kind": "discount", "amount": 100, "reason": "x"}),
    ("DELETE", "/api/pos/visits/1/adjustments/1", None),
    ("POST", "/api/pos/items/1/void", {"reason": "x"}),
    ("POST", "/api/pos/items/1/price", {"unit_price": 100, "reason": "x"}),
    ("POST", "/api/pos/payments/1/refund", {"amount": 100, "reason": "x"}),
    ("GET", "/api/pos/visits/1/split?by=equal&n=2", None),
    ("POST", "/api/pos/visits/1/split", {"groups": [[1]]}),
    ("POST", "/api/pos/visits/1/move", {"to_table_id": 2}),
    ("POST", "/api/pos/visits/1/merge", {"into_visit_id": 2}),
    ("POST", "/api/pos/visits/1/covers", {"covers": 2}),
    ("POST", "/api/pos/orders", {"kind": "counter", "pickup": "1", "items": [MILK_TEA]}),
    ("GET", "/api/pos/checks", None),
    ("GET", "/api/pos/requests", None),
    ("POST", "/api/pos/requests/1/ack", None),
    ("POST", "/api/pos/requests/1/resolve", {}),
    ("GET", "/api/pos/register", None),
    ("POST", "/api/pos/register/cash", {"kind": "in", "amount": 100, "reason": "x"}),
    ("POST", "/api/pos/register/close", {"counted": 100}),
])
def test_cashier_api_refuses_nobody_and_cooks(client, sign_in, method, url, body, ctx):
    before = row_counts(ctx.db)
    r = client.open(url, method=method, json=body)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "not_signed_in"
    sign_in(client, "cook")
    r = client.open(url, method=method, json=body)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "insufficient_role"
    assert row_counts(ctx.db) == before


def test_printer_health_and_test_pages_need_a_cook(client, sign_in, ctx):
    # The kitchen sees its printer's trouble on its screens and prints a test page after
    # loading paper: cooks may; nobody signed out may.
    assert client.get("/api/printers").status_code == 401
    assert client.post("/api/printers/kitchen/test").status_code == 401
    sign_in(client, "cook")
    assert {p["name"] for p in client.get("/api/printers").get_json()} == {"kitchen", "receipt"}
    assert client.post("/api/printers/kitchen/test").status_code == 202


def test_kitchen_api_needs_a_cook(client, sign_in, ctx):
    assert client.get("/api/kitchen/tickets").status_code == 401
    assert client.post("/api/kitchen/tickets/1/bump").status_code == 401
    assert client.post("/api/menu/dishes/1/sold-out", json={"sold_out": True}).status_code == 401
    sign_in(client, "cook")
    assert client.get("/api/kitchen/tickets?station=nowhere").status_code == 404
    assert client.post("/api/kitchen/tickets/999/bump").get_json()["error"]["code"] == "unknown_ticket"
    r = client.post("/api/menu/dishes/1/sold-out", json={"sold_out": "yes"})
    assert r.status_code == 422


def test_wrong_pins_are_refused_then_locked_out(client, ctx):
    for _ in range(5):
        r = client.post("/api/staff/login", json={"user_id": 2, "pin": "9999"})
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "wrong_pin"
    r = client.post("/api/staff/login", json={"user_id": 2, "pin": "2222"})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "locked_out"
    assert client.post("/api/staff/login", json={"user_id": 2, "pin": "12"}).status_code == 422
    assert client.post("/api/staff/login", json={"user_id": 99, "pin": "1234"}).status_code == 404
    assert client.get("/api/staff/me").status_code == 401


def test_lockout_ends_after_five_minutes(client, clock):
    for _ in range(5):
        client.post("/api/staff/login", json={"user_id": 3, "pin": "0000"})
    assert client.post("/api/staff/login", json={"user_id": 3, "pin": "3333"}).status_code == 429
    clock.advance(minutes=5, seconds=1)
    assert client.post("/api/staff/login", json={"user_id": 3, "pin": "3333"}).status_code == 200


def test_full_service_through_the_api(client, ctx, sign_in):
    token = token_of(ctx, "T5")
    assert client.post(f"/api/visits/{token}/orders",
                       json={"idempotency_key": "t5-order-1", "items": [KUNG_PAO]}).status_code == 201
    sign_in(client, "cashier")
    tiles = {t["table"]: t for t in client.get("/api/pos/tables").get_json()}
    assert tiles["T5"]["state"] == "ordering" and tiles["T4"]["state"] == "free"
    assert tiles["T5"]["total"] == 19360
    ticket = kitchen.open_tickets(ctx, "wok")["tickets"][0]
    assert client.post(f"/api/kitchen/tickets/{ticket['id']}/start").status_code == 200
    assert client.post(f"/api/kitchen/tickets/{ticket['id']}/bump").status_code == 200
    assert client.post(f"/api/kitchen/tickets/{ticket['id']}/bump").status_code == 409
    visit_id = visit_of(ctx, "T5")
    check = client.get(f"/api/pos/visits/{visit_id}").get_json()
    assert check["state"] == "eating" and check["totals"]["formatted"]["due"] == "HK$193.60"
    r = client.post(f"/api/pos/visits/{visit_id}/close")
    assert r.status_code == 409 and r.get_json()["error"]["details"]["due"] == 19360
    for bad in ({"tendered": 0}, {"tendered": -5}, {"tendered": 1.5}, {"tendered": "200"}, {}):
        assert client.post(f"/api/pos/visits/{visit_id}/payments/cash", json=bad).status_code == 422
    r = client.post(f"/api/pos/visits/{visit_id}/payments/cash", json={"tendered": 20000})
    assert r.status_code == 201 and r.get_json()["change"] == 640
    assert r.get_json()["change_formatted"] == "HK$6.40"
    r = client.post(f"/api/pos/visits/{visit_id}/close")
    assert r.status_code == 200
    assert client.post(f"/api/pos/visits/{visit_id}/close").get_json()["error"]["code"] == "check_closed"
    new_token = r.get_json()["url"].rsplit("/v/", 1)[1]
    old = client.get(f"/v/{token}")  # the closed check's link shows its receipt; the new one the menu
    assert old.status_code == 200 and 'data-code="visit_closed"' in old.get_data(as_text=True)
    assert client.get(f"/v/{new_token}").status_code == 200
    assert {t["table"]: t for t in client.get("/api/pos/tables").get_json()}["T5"]["state"] == "free"


def test_table_qr_codes_and_sheet(client, ctx, sign_in):
    sign_in(client, "cashier")
    png = client.get("/api/pos/tables/1/qr.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get("/api/pos/tables/1/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert client.get("/api/pos/tables/99/qr.png").status_code == 404
    sheet = client.get("/pos/qr-sheet").get_data(as_text=True)
    assert sheet.count("<svg") == 12 and token_of(ctx, "T12") in sheet


def test_openapi_documents_every_json_endpoint_with_its_schemas(client):
    doc = client.get("/api/openapi.json").get_json()
    op = doc["paths"]["/api/visits/{token}/orders"]["post"]
    schema = doc["components"]["schemas"][op["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]]
    assert set(schema["properties"]) == {"idempotency_key", "items"}
    assert doc["components"]["schemas"]["OrderLine"]["properties"]["quantity"]["maximum"] == 50
    assert doc["paths"]["/api/pos/visits/{visit_id}/payments/cash"]["post"]["security"] == [{"staff": []}]
    assert "422" in op["responses"] and "403" in op["responses"]
    assert doc["paths"]["/api/pos/visits/{visit_id}/close"]["post"]["parameters"][0]["schema"]["type"] == "integer"


def test_kitchen_lists_dishes_and_marks_them_sold_out(client, ctx, sign_in):
    sign_in(client, "cook")
    dishes = {d["id"]: d for d in client.get("/api/menu/dishes").get_json()}
    assert dishes[11]["name"] == "宮保雞丁" and dishes[11]["station"] == "wok" and not dishes[11]["sold_out"]
    assert len(dishes) >= 30
    assert client.post("/api/menu/dishes/11/sold-out", json={"sold_out": True}).status_code == 200
    assert {d["id"]: d for d in client.get("/api/menu/dishes").get_json()}[11]["sold_out"] is True
    assert client.post("/api/menu/dishes/9999/sold-out", json={"sold_out": True}).status_code == 404


@pytest.mark.parametrize("target,expected", [
    ("/pos", "/pos"), ("/kitchen/wok?x=1", "/kitchen/wok?x=1"), (None, "/"), ("//evil.example/x", "/"),
    ("https://evil.example/x", "/"), ("/\\evil.example/x", "/"), ("/\t/evil.example", "/"), ("pos", "/"),
])
def test_login_page_only_keeps_a_next_path_on_this_site(client, target, expected):
    from staff.views import safe_next
    assert safe_next(target) == expected
    if target is not None:
        page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
        assert f'"next":"{expected}"' in page.replace("\\u0026", "&")


def test_a_lockout_from_one_address_does_not_lock_the_terminal(app, client):
    phone = app.test_client()
    for _ in range(5):
        phone.post("/api/staff/login", json={"user_id": 2, "pin": "0000"}, environ_base={"REMOTE_ADDR": "10.0.0.99"})
    r = phone.post("/api/staff/login", json={"user_id": 2, "pin": "2222"}, environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert r.status_code == 429
    assert client.post("/api/staff/login", json={"user_id": 2, "pin": "2222"}).status_code == 200


def test_a_deactivated_or_demoted_member_loses_access_at_once(app, ctx, client, sign_in):
    from app.factory import socketio_of
    from staff.model import StaffUser
    sign_in(client, "manager")
    assert client.get("/api/pos/tables").status_code == 200
    with ctx.db.write() as s:
        s.get(StaffUser, 3).role = "cook"
    assert client.get("/api/pos/tables").get_json()["error"]["code"] == "insufficient_role"
    sock = socketio_of(app).test_client(app, flask_test_client=client)
    assert sock.emit("join", {"rooms": ["pos"], "after": 0}, callback=True)["error"]["code"] == "forbidden"
    assert "error" not in sock.emit("join", {"rooms": ["station:wok"], "after": 0}, callback=True)
    with ctx.db.write() as s:
        s.get(StaffUser, 3).active = False
    assert client.get("/api/kitchen/tickets").status_code == 401
    assert sock.emit("join", {"rooms": ["station:wok"], "after": 0}, callback=True)["error"]["code"] == "forbidden"
    assert client.get("/pos").status_code == 302


def test_wrong_pins_sent_in_parallel_still_lock_out_after_five(app):
    import threading
    codes, barrier = [], threading.Barrier(12)

    def guess():
        c = app.test_client()
        barrier.wait()
        r = c.post("/api/staff/login", json={"user_id": 4, "pin": "0000"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
        codes.append(r.get_json()["error"]["code"])

    threads = [threading.Thread(target=guess) for _ in range(12)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert codes.count("wrong_pin") == 5 and codes.count("locked_out") == 7


def test_cashier_prints_a_test_page_and_bad_printers_are_refused(client, sign_in, ctx):
    sign_in(client, "cashier")
    before = row_counts(ctx.db)
    assert client.post("/api/printers/nowhere/test").get_json()["error"]["code"] == "unknown_printer"
    assert row_counts(ctx.db) == before
    r = client.post("/api/printers/receipt/test")
    assert r.status_code == 202 and r.get_json() == {"queued": True, "printer": "receipt"}
    from printers.model import PrintJob
    with ctx.db.read() as s:
        [job] = s.query(PrintJob).filter_by(kind="self_test").all()
    from printers.layout import build
    texts = " ".join(b.get("text", "") for b in build(job.kind, job.document, 80))
    assert job.printer == "receipt" and "TEST PAGE" in texts and "80 mm, 48 columns" in texts
    assert {p["name"]: p["state"] for p in client.get("/api/printers").get_json()} == {
        "kitchen": "unknown", "receipt": "unknown"}
