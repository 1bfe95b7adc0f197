"""Dish photos over HTTP: a manager uploads and removes them, phones get them resized,
cached for ever under a URL that changes with the photo."""
import io
import os

import pytest
from PIL import Image

from core.api import api
from menu import demo_photos, photos
from menu.model import Dish

DISH = 11  # Kung Pao Chicken
URL = f"/api/menu/dishes/{DISH}/photo"


def jpeg(w=1600, h=1200, color=(200, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (w, h), color).save(out, "JPEG", quality=90)
    return out.getvalue()


def noise_png(w=600, h=600) -> bytes:
    """About 1 MB: more than the app takes in a JSON body (256 KB)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (w, h), os.urandom(w * h * 3)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def put(client, data: bytes, content_type="image/jpeg", dish=DISH):
    return client.put(f"/api/menu/dishes/{dish}/photo", data=data, content_type=content_type)


def image_of(ctx, dish=DISH):
    with ctx.db.read() as s:
        return s.get(Dish, dish).image


def photo_files(ctx) -> list[str]:
    root = ctx.settings.var_dir / "photos"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def webp(resp) -> Image.Image:
    assert resp.status_code == 200 and resp.mimetype == "image/webp"
    img = Image.open(io.BytesIO(resp.data))
    assert img.format == "WEBP"
    return img


@pytest.fixture
def manager(client, sign_in):
    sign_in(client, "manager")
    return client


def test_a_manager_uploads_a_photo(manager, ctx):
    r = put(manager, jpeg())
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    token = image_of(ctx)
    assert len(token) == 12 and body == {"dish_id": DISH, "image": token, "urls": photos.image_urls(DISH, token)}
    [route] = [x for x in api.routes if x.path == "/api/menu/dishes/<id:dish_id>/photo" and x.method == "PUT"]
    route.response.model_validate(body)
    assert photo_files(ctx) == [f"originals/{DISH}.jpg"]
    original = ctx.settings.var_dir / "photos" / "originals" / f"{DISH}.jpg"
    assert photos.token_of(original.read_bytes()) == token


def test_a_photo_larger_than_a_json_body_is_taken(manager, ctx):
    data = noise_png()
    assert 256 * 1024 < len(data) < photos.MAX_BYTES
    r = put(manager, data, "image/png")
    assert r.status_code == 200, r.get_json()
    assert photo_files(ctx) == [f"originals/{DISH}.png"]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
@pytest.mark.parametrize("role,status,code", [(None, 401, "not_signed_in"), ("cook", 403, "insufficient_role"),
                                              ("cashier", 403, "insufficient_role")])
def test_only_managers_change_photos(client, ctx, sign_in, method, role, status, code):
    if role:
        sign_in(client, role)
    r = client.open(URL, method=method, data=jpeg(), content_type="image/jpeg")
    assert r.status_code == status and r.get_json()["error"]["code"] == code
    assert image_of(ctx) is None and photo_files(ctx) == []


@pytest.mark.parametrize("data,content_type,status,code", [
    (b"not an image", "image/jpeg", 422, "bad_photo"),
    (b"", "image/jpeg", 422, "bad_photo"),
    (jpeg()[:2000], "image/jpeg", 422, "bad_photo"),
    (jpeg(), "application/octet-stream", 415, "unsupported_photo_type"),
    (jpeg(), "application/json", 415, "unsupported_photo_type"),
    (jpeg(), "multipart/form-data; boundary=x", 415, "unsupported_photo_type"),
])
def test_a_bad_upload_changes_nothing(manager, ctx, data, content_type, status, code):
    assert put(manager, jpeg(color=(10, 200, 10))).status_code == 200
    token, files = image_of(ctx), photo_files(ctx)
    before = (ctx.settings.var_dir / "photos" / "originals" / f"{DISH}.jpg").read_bytes()
    r = put(manager, data, content_type)
    assert r.status_code == status and r.get_json()["error"]["code"] == code
    assert image_of(ctx) == token and photo_files(ctx) == files
    assert (ctx.settings.var_dir / "photos" / "originals" / f"{DISH}.jpg").read_bytes() == before


def test_an_upload_over_10_mb_is_refused_unread(manager, ctx):
    r = put(manager, b"\xff" * (photos.MAX_BYTES + 1))
    assert r.status_code == 413
    err = r.get_json()["error"]
    assert err["code"] == "photo_too_large" and err["details"]["max_bytes"] == photos.MAX_BYTES
    assert image_of(ctx) is None and photo_files(ctx) == []


def test_unknown_dishes(manager, ctx):
    for method in ("PUT", "DELETE"):
        r = manager.open("/api/menu/dishes/9999/photo", method=method, data=jpeg(), content_type="image/jpeg")
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_dish"
    r = manager.get("/photos/dishes/9999/160.webp")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_dish"
    assert photo_files(ctx) == []


def test_a_dish_without_a_photo_has_none_to_serve(client):
    r = client.get(f"/photos/dishes/{DISH}/160.webp")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "no_photo"


@pytest.mark.parametrize("width", photos.WIDTHS)
def test_each_width_is_served_as_webp_of_that_width(app, manager, width):
    token = put(manager, jpeg(1600, 1200)).get_json()["image"]
    img = webp(app.test_client().get(f"/photos/dishes/{DISH}/{width}.webp?v={token}"))
    assert img.size == (width, width * 3 // 4)


def test_the_sizes_are_made_once_and_never_enlarged(manager, ctx):
    token = put(manager, jpeg(400, 300)).get_json()["image"]
    sizes = [webp(manager.get(f"/photos/dishes/{DISH}/{w}.webp?v={token}")).size for w in photos.WIDTHS]
    assert sizes == [(160, 120), (320, 240), (400, 300), (400, 300)]
    cached = [f"cache/{DISH}-{token}-{w}.webp" for w in photos.WIDTHS]
    assert photo_files(ctx) == sorted(cached + [f"originals/{DISH}.jpg"])
    (ctx.settings.var_dir / "photos" / "originals" / f"{DISH}.jpg").unlink()  # served from the cache now
    assert webp(manager.get(f"/photos/dishes/{DISH}/320.webp?v={token}")).size == (320, 240)


@pytest.mark.parametrize("width", [0, 100, 161, 640, 1920])
def test_other_widths_are_not_served(manager, width):
    put(manager, jpeg())
    r = manager.get(f"/photos/dishes/{DISH}/{width}.webp")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_size"


def test_the_current_url_is_cached_for_ever_and_revalidated_otherwise(manager):
    token = put(manager, jpeg()).get_json()["image"]
    url = f"/photos/dishes/{DISH}/320.webp"
    r = manager.get(f"{url}?v={token}")
    cc = r.cache_control
    assert cc.public and cc.max_age == 31536000 and cc.immutable
    etag = r.headers["ETag"]
    assert etag
    for other in (url, f"{url}?v=0123456789ab"):  # no token, or an old one: the photo, checked every time
        r = manager.get(other)
        assert r.status_code == 200 and r.cache_control.no_cache and not r.cache_control.immutable
        assert r.headers["ETag"] == etag
    again = manager.get(f"{url}?v={token}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert manager.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert manager.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_new_photo_has_new_urls_and_the_old_sizes_go(manager, ctx):
    first = put(manager, jpeg(color=(200, 0, 0))).get_json()
    old = manager.get(f"/photos/dishes/{DISH}/160.webp?v={first['image']}")
    second = put(manager, noise_png(), "image/png").get_json()
    assert second["image"] != first["image"] and second["image"] == image_of(ctx)
    assert second["urls"]["thumb"] != first["urls"]["thumb"]
    assert photo_files(ctx) == [f"originals/{DISH}.png"]  # the old original and its sizes are gone
    r = manager.get(first["urls"]["thumb"])  # an old URL shows the new photo, not cached for ever
    assert r.data != old.data and r.cache_control.no_cache
    assert manager.get(f"{second['urls']['thumb']}").cache_control.immutable


def test_deleting_the_photo(manager, ctx):
    urls = put(manager, jpeg()).get_json()["urls"]
    assert manager.get(urls["hero"]).status_code == 200
    r = manager.delete(URL)
    assert r.status_code == 200 and r.get_json() == {"dish_id": DISH, "image": None, "urls": None}
    assert image_of(ctx) is None and photo_files(ctx) == []
    r = manager.get(urls["hero"])
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "no_photo"
    assert manager.delete(URL).status_code == 200  # again: nothing to remove


def test_the_routes_are_in_the_openapi_document(client):
    doc = client.get("/api/openapi.json").get_json()
    ops = doc["paths"]["/api/menu/dishes/{dish_id}/photo"]
    assert set(ops) == {"put", "delete"}
    assert {"401", "403", "404", "413", "415", "422"} <= set(ops["put"]["responses"])


def test_demo_photos(ctx, client):
    count = demo_photos.seed_demo_photos(ctx)
    with ctx.db.read() as s:
        dishes = s.query(Dish).filter(Dish.active.is_(True)).all()
        tokens = {d.id: d.image for d in dishes}
    assert count == len(dishes) > 20 and all(tokens.values())
    original = Image.open(ctx.settings.var_dir / "photos" / "originals" / f"{DISH}.jpg")
    assert original.size == demo_photos.DEMO_SIZE
    assert webp(client.get(f"/photos/dishes/{DISH}/160.webp?v={tokens[DISH]}")).size == (160, 120)


def test_the_tidying_of_an_upload_that_lost_a_race_keeps_the_winners_file(manager, ctx):
    # Two managers upload at once, a JPEG (A) and a PNG (B): both originals are written,
    # B commits last. A's tidying, running after B's commit, must not delete B's file.
    store = photos.store_of(ctx)
    loser = photos.prepare(jpeg(color=(10, 200, 10)), "image/jpeg")
    assert put(manager, noise_png(), "image/png").status_code == 200  # B, the photo now
    winner = image_of(ctx)
    store.write_original(DISH, loser)  # A's file, written before B committed
    photos._tidy(ctx, store, DISH)  # A's after-commit tidying, late
    assert [p.rsplit("/", 1)[-1] for p in photo_files(ctx) if p.startswith("originals")] == [f"{DISH}.png"]
    assert webp(manager.get(f"/photos/dishes/{DISH}/160.webp?v={winner}"))
    assert image_of(ctx) == winner
