"""What a phone downloads on first load of the diner's page, per language.

    .venv/bin/python -m bench.diner_page

Builds the demo restaurant (with its photos) on SQLite in a temporary folder, asks the server (Flask's test
client: the bytes the server sends) for a table's page in each menu language, then follows
what the page loads: stylesheets and scripts named in the HTML, and ES module imports inside
the scripts, recursively, plus any fonts the stylesheets name (url(...)). Photos are
excluded (they are lazy-loaded). It asks as a phone's browser does (Accept-Encoding: gzip,
deflate, br, zstd) and sums the bytes as the server sends them, compressed; it also sums
them decompressed, which is what a client that cannot decompress would get.

Goal (issue 6): first load <= 100 KB. The last line printed is one JSON object:
{"first_load_kb": the largest over languages, as sent, "uncompressed_kb": the largest
decompressed, "languages": [...]}.
"""
from __future__ import annotations

import gzip
import json
import zlib
import re
import tempfile
from pathlib import Path

from core.clock import SystemClock
from core.database import Database
from app.demo import seed_demo
from app.factory import create_app
from app.models import metadata
from core.settings import load_settings
from menu.demo_photos import seed_demo_photos
from pos.orders.visits import current_visits

_ASSETS = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+)"')
_IMPORTS = re.compile(r'(?:^|[;\n])\s*import\s[^"\']*["\']([^"\']+)["\']|import\(\s*["\']([^"\']+)["\']\s*\)')
_FONTS = re.compile(r'url\(\s*["\']?([^"\')]+\.(?:woff2?|ttf|otf))["\']?\s*\)')


PHONE = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium on a phone sends


def _decoded(r) -> bytes:
    encoding = r.headers.get("Content-Encoding")
    if encoding is None:
        return r.data
    if encoding == "gzip":
        return gzip.decompress(r.data)
    if encoding == "deflate":
        return zlib.decompress(r.data)
    if encoding == "br":
        import brotli
        return brotli.decompress(r.data)
    if encoding == "zstd":
        from backports import zstd
        return zstd.decompress(r.data)
    raise ValueError(encoding)


def first_load(client, url: str) -> dict[str, tuple[bytes, bytes]]:
    """Every resource the page loads before the first photo: path -> (as sent, decoded)."""
    page = client.get(url, headers=PHONE)
    assert page.status_code == 200, (url, page.status_code)
    got = {url: (page.data, _decoded(page))}
    todo = [m for m in _ASSETS.findall(got[url][1].decode()) if not m.startswith("data:")]
    while todo:
        path = todo.pop()
        if path in got or path.startswith(("http:", "https:")):
            continue
        r = client.get(path, headers=PHONE)
        assert r.status_code == 200, (path, r.status_code)
        got[path] = (r.data, _decoded(r))
        text = got[path][1].decode()
        if path.endswith(".js"):
            todo += [a or b for a, b in _IMPORTS.findall(text)]
        elif path.endswith(".css"):
            todo += _FONTS.findall(text)
    return got


def main() -> int:
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{Path(d) / 'bench.db'}"
        db = Database(url)
        metadata.create_all(db.engine)
        settings = load_settings(overrides={"database.url": url, "server.secret_key": "bench"})
        settings = settings.model_copy(update={"var_dir": Path(d) / "var"})
        app = create_app(settings, clock=SystemClock(), db=db)
        ctx = app.extensions["pos_ctx"]
        seed_demo(ctx)
        seed_demo_photos(ctx)  # the photos' URLs are in the menu the page carries
        token = current_visits(ctx)[0]["url"].rsplit("/v/", 1)[1]
        client = app.test_client()
        sizes, plain = {}, {}
        for lang in settings.restaurant.languages:
            got = first_load(client, f"/v/{token}?lang={lang}")
            sizes[lang] = sum(len(sent) for sent, _ in got.values())
            plain[lang] = sum(len(body) for _, body in got.values())
            print(f"{lang}: {sizes[lang] / 1024:.1f} KB as sent ({plain[lang] / 1024:.1f} KB decompressed), "
                  f"{len(got)} files:")
            for path, (sent, body) in sorted(got.items(), key=lambda kv: -len(kv[1][1])):
                name = "/v/<token> (the page)" if path.startswith("/v/") else path
                print(f"    {len(sent) / 1024:7.1f} KB sent {len(body) / 1024:7.1f} KB decompressed  {name}")
    worst, worst_plain = max(sizes.values()) / 1024, max(plain.values()) / 1024
    print(f"goal first_load_kb <= 100: {'MET' if worst <= 100 else 'NOT MET'} ({worst:.1f} KB as sent; "
          f"{worst_plain:.1f} KB decompressed: {'also' if worst_plain <= 100 else 'NOT'} within 100)")
    print(json.dumps({"first_load_kb": round(worst, 1), "uncompressed_kb": round(worst_plain, 1),
                      "languages": list(sizes)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
