"""A table's link may place at most diner.max_orders new orders and send at most
diner.max_requests new requests per diner.rate_window_seconds (counted in the database,
per visit, by the injected clock). Over the limit: 429 rate_limited with retry_after and
a Retry-After header, and nothing is written. A retry of an order already placed is always
answered, a repeated call that still rings is not new, and the till is never limited."""
import pytest

from core.settings import ConfigError, load_settings
from tests.helpers import MILK_TEA, row_counts, token_of, visit_of


def post_order(client, token, key):
    return client.post(f"/api/visits/{token}/orders", json={"idempotency_key": key, "items": [MILK_TEA]})


def assert_rate_limited(resp, retry_after: int):
    assert resp.status_code == 429, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "rate_limited" and err["message"]
    assert err["details"]["retry_after"] == retry_after
    assert resp.headers["Retry-After"] == str(retry_after)


def fill_orders(client, clock, token, n, prefix="limit", every=30):
    """n diner orders, one every `every` seconds; the clock ends `every` after the last."""
    ids = []
    for i in range(n):
        r = post_order(client, token, f"{prefix}-{i:04d}")
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
        clock.advance(seconds=every)
    return ids


def test_the_defaults_are_ten_per_ten_minutes(settings):
    d = settings.diner
    assert (d.rate_window_seconds, d.max_orders, d.max_requests) == (600, 10, 10)


def test_an_order_over_the_limit_is_refused_until_the_oldest_leaves_the_window(client, ctx, clock):
    limit, window = ctx.settings.diner.max_orders, ctx.settings.diner.rate_window_seconds
    token = token_of(ctx, "T3")
    fill_orders(client, clock, token, limit)  # the first at t0, the clock now at t0 + 30 * limit
    elapsed = 30 * limit
    before = row_counts(ctx.db)
    assert_rate_limited(post_order(client, token, "limit-over-1"), window - elapsed)
    assert row_counts(ctx.db) == before  # no order, item, ticket, print job or outbox event
    clock.advance(seconds=window - elapsed - 1)
    assert_rate_limited(post_order(client, token, "limit-over-1"), 1)
    assert row_counts(ctx.db) == before
    clock.advance(seconds=1)  # the first order leaves the window: room for exactly one more
    assert post_order(client, token, "limit-over-1").status_code == 201
    assert_rate_limited(post_order(client, token, "limit-over-2"), 30)  # until the second leaves


def test_a_retry_of_an_order_already_placed_is_answered_over_the_limit(client, ctx, clock):
    token = token_of(ctx, "T3")
    ids = fill_orders(client, clock, token, ctx.settings.diner.max_orders)
    assert post_order(client, token, "limit-new").status_code == 429
    before = row_counts(ctx.db)
    for i in (0, len(ids) - 1):
        again = post_order(client, token, f"limit-{i:04d}")
        assert again.status_code == 200 and again.get_json()["id"] == ids[i]
    assert row_counts(ctx.db) == before


def test_the_limit_is_per_visit(client, ctx, clock):
    fill_orders(client, clock, token_of(ctx, "T3"), ctx.settings.diner.max_orders, every=0)
    assert post_order(client, token_of(ctx, "T3"), "limit-more").status_code == 429
    assert post_order(client, token_of(ctx, "T4"), "limit-more").status_code == 201


def test_the_tills_orders_are_neither_limited_nor_counted(client, ctx, clock, sign_in):
    limit = ctx.settings.diner.max_orders
    token, visit_id = token_of(ctx, "T5"), visit_of(ctx, "T5")
    sign_in(client, "cashier")
    for i in range(limit + 2):
        r = client.post("/api/pos/orders", json={"kind": "table", "visit_id": visit_id,
                                                 "idempotency_key": f"till-{i:04d}", "items": [MILK_TEA]})
        assert r.status_code == 201, r.get_json()
    fill_orders(client, clock, token, limit, every=0)  # the phones still have their whole allowance
    assert post_order(client, token, "limit-over").status_code == 429
    r = client.post("/api/pos/orders", json={"kind": "table", "visit_id": visit_id,
                                             "idempotency_key": "till-over", "items": [MILK_TEA]})
    assert r.status_code == 201, r.get_json()  # and the till still orders for the table


def test_requests_over_the_limit_are_refused_and_a_repeated_ringing_call_is_not_counted(app, client, ctx, clock,
                                                                                      sign_in):
    limit, window = ctx.settings.diner.max_requests, ctx.settings.diner.rate_window_seconds
    token = token_of(ctx, "T6")
    url = f"/api/visits/{token}/requests"
    phone = app.test_client()
    sign_in(client, "cashier")
    for i in range(limit):
        r = phone.post(url, json={"kind": "waiter"})
        assert r.status_code == 201, r.get_json()
        call = r.get_json()["id"]
        # Pressed again while it rings: the same call, not a new request (and never refused).
        assert phone.post(url, json={"kind": "waiter"}).get_json()["id"] == call
        if i < limit - 1:
            assert client.post(f"/api/pos/requests/{call}/resolve", json={}).status_code == 200
        clock.advance(seconds=10)
    before = row_counts(ctx.db)
    elapsed = 10 * limit
    assert_rate_limited(phone.post(url, json={"kind": "bill"}), window - elapsed)
    again = phone.post(url, json={"kind": "waiter"})  # the last call still rings: answered, not refused
    assert again.status_code == 200 and again.get_json()["id"] == call
    assert row_counts(ctx.db) == before
    clock.advance(seconds=window - elapsed)
    assert phone.post(url, json={"kind": "bill"}).status_code == 201


def test_the_order_route_declares_its_429(client):
    doc = client.get("/api/openapi.json").get_json()
    assert "429" in doc["paths"]["/api/visits/{token}/orders"]["post"]["responses"]


@pytest.mark.parametrize("key,value", [("rate_window_seconds", 0), ("max_orders", 0), ("max_requests", -1),
                                       ("max_orders", "many")])
def test_a_bad_limit_stops_start_up_naming_the_key(tmp_path, key, value):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"[diner]\n{key} = {value!r}\n".replace("'", '"'))
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg, env={})
    assert f"diner.{key}" in str(exc.value)
