"""Every response schema declared in /api/openapi.json matches what the endpoint really
returns (the response models refuse unknown fields, so a drift either way fails)."""
from core.api import api
from kitchen import services as kitchen
from tests.helpers import KUNG_PAO, MILK_TEA, token_of, visit_of


def declared(path: str, method: str):
    [route] = [r for r in api.routes if r.path == path and r.method == method]
    return route


def check(resp, path: str, method: str = "GET"):
    route = declared(path, method)
    assert resp.status_code in route.ok, resp.get_json()
    route.response.model_validate(resp.get_json())


def test_every_declared_response_matches_the_real_one(client, ctx, sign_in):
    token = token_of(ctx, "T8")
    check(client.post(f"/api/visits/{token}/orders", json={"idempotency_key": "contract-1",
                                                           "items": [{**KUNG_PAO, "note": None}, MILK_TEA]}),
          "/api/visits/<token>/orders", "POST")
    check(client.get(f"/api/visits/{token}"), "/api/visits/<token>")
    check(client.get("/api/menu?lang=en"), "/api/menu")
    check(client.get("/api/staff"), "/api/staff")
    check(client.post("/api/staff/login", json={"user_id": 2, "pin": "2222"}), "/api/staff/login", "POST")
    check(client.get("/api/staff/me"), "/api/staff/me")
    check(client.get("/api/menu/dishes"), "/api/menu/dishes")
    check(client.post("/api/menu/dishes/1/sold-out", json={"sold_out": False}),
          "/api/menu/dishes/<id:dish_id>/sold-out", "POST")
    check(client.get("/api/kitchen/tickets"), "/api/kitchen/tickets")
    ticket = kitchen.open_tickets(ctx, "wok")["tickets"][0]["id"]
    check(client.post(f"/api/kitchen/tickets/{ticket}/start"), "/api/kitchen/tickets/<id:ticket_id>/start", "POST")
    check(client.post(f"/api/kitchen/tickets/{ticket}/bump"), "/api/kitchen/tickets/<id:ticket_id>/bump", "POST")
    check(client.get("/api/pos/tables"), "/api/pos/tables")
    visit_id = visit_of(ctx, "T8")
    check(client.get(f"/api/pos/visits/{visit_id}"), "/api/pos/visits/<id:visit_id>")
    check(client.post(f"/api/pos/visits/{visit_id}/payments/cash", json={"tendered": 100000}),
          "/api/pos/visits/<id:visit_id>/payments/cash", "POST")
    check(client.post(f"/api/pos/visits/{visit_id}/close"), "/api/pos/visits/<id:visit_id>/close", "POST")
    check(client.get("/api/printers"), "/api/printers")


def test_the_openapi_document_points_every_response_at_its_schema(client):
    doc = client.get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    refs = [c["schema"]["$ref"] for p in doc["paths"].values() for op in p.values()
            for r in op["responses"].values() for c in r.get("content", {}).values() if "$ref" in c["schema"]]
    assert refs and all(ref.split("/")[-1] in schemas for ref in refs)
    order = doc["paths"]["/api/visits/{token}/orders"]["post"]["responses"]
    assert order["201"]["content"] == order["200"]["content"]
    assert schemas["CheckOut"]["properties"]["state"]["enum"] == ["free", "seated", "ordering", "waiting", "eating", "bill", "paid",
                                                                  "pickup"]
