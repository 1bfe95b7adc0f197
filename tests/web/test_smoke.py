def test_openapi_lists_order_endpoint(client):
    doc = client.get("/api/openapi.json").get_json()
    assert "/api/visits/{token}/orders" in doc["paths"]
