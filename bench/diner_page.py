"""What a phone downloads on first load of the diner's page, per language.

    .venv/bin/python -m bench.diner_page

Builds the demo restaurant on SQLite in a temporary folder, asks the server (Flask's test
client: the bytes the server sends) for a table's page in each menu language, then follows
what the page loads: stylesheets and scripts named in the HTML, and ES module imports inside
the scripts, recursively, plus any fonts the stylesheets name (url(...)). Photos are
excluded (they are lazy-loaded). Sums the bytes as sent (the server does not compress) and,
for context, their gzip size.

Goal (issue 6): first load <= 100 KB. The last line printed is one JSON object:
{"first_load_kb": the largest over languages, "languages": [...]}.
"""
from __future__ import annotations

import gzip
import json
import re
import tempfile
from pathlib import Path

from app.clock import SystemClock
from app.database import Database
from app.demo import seed_demo
from app.factory import create_app
from app.models import metadata
from app.settings import load_settings
from pos import services as pos

_ASSETS = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+)"')
_IMPORTS = re.compile(r'(?:^|[;\n])\s*import\s[^"\']*["\']([^"\']+)["\']|import\(\s*["\']([^"\']+)["\']\s*\)')
_FONTS = re.compile(r'url\(\s*["\']?([^"\')]+\.(?:woff2?|ttf|otf))["\']?\s*\)')


def first_load(client, url: str) -> dict[str, bytes]:
    """Every resource the page loads before the first photo: path -> bytes."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    got = {url: page.data}
    todo = [m for m in _ASSETS.findall(page.get_data(as_text=True)) if not m.startswith("data:")]
    while todo:
        path = todo.pop()
        if path in got or path.startswith(("http:", "https:")):
            continue
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        got[path] = r.data
        text = r.get_data(as_text=True)
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
        token = pos.current_visits(ctx)[0]["url"].rsplit("/v/", 1)[1]
        client = app.test_client()
        sizes = {}
        for lang in settings.restaurant.languages:
            got = first_load(client, f"/v/{token}?lang={lang}")
            raw = sum(len(b) for b in got.values())
            zipped = sum(len(gzip.compress(b, 9)) for b in got.values())
            sizes[lang] = raw
            print(f"{lang}: {raw / 1024:.1f} KB as sent ({zipped / 1024:.1f} KB if gzipped), {len(got)} files:")
            for path, body in sorted(got.items(), key=lambda kv: -len(kv[1])):
                print(f"    {len(body) / 1024:7.1f} KB  {'/v/<token> (the page)' if path.startswith('/v/') else path}")
    worst = max(sizes.values()) / 1024
    print(f"goal first_load_kb <= 100: {'MET' if worst <= 100 else 'NOT MET'} ({worst:.1f} KB)")
    print(json.dumps({"first_load_kb": round(worst, 1), "languages": list(sizes)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
