"""Small helpers shared by tests (placing demo orders, counting rows)."""
from __future__ import annotations

import itertools
import json
import re

from sqlalchemy import func, select

from app.models import metadata
from pos.orders import visits
from pos.orders import services as orders
from pos.orders.ordering import RequestedLine

_keys = itertools.count(1)

# Demo dishes used by the tests: Kung Pao Chicken (wok, spice + size required), HK milk tea (bar).
KUNG_PAO = {"dish_id": 11, "quantity": 2, "options": [2, 5], "note": "no peanuts"}
MILK_TEA = {"dish_id": 28, "quantity": 1, "options": [12]}  # iced (+HK$3)


def token_of(ctx, table: str = "T1") -> str:
    url = next(v["url"] for v in visits.current_visits(ctx) if v["table"] == table)
    return url.rsplit("/v/", 1)[1]


def visit_of(ctx, table: str = "T1") -> int:
    return next(v["visit_id"] for v in visits.current_visits(ctx) if v["table"] == table)


def order(ctx, token: str, *lines: dict, key: str | None = None):
    lines = lines or (KUNG_PAO,)
    reqs = [RequestedLine(l["dish_id"], l["quantity"], tuple(l.get("options", ())), l.get("note")) for l in lines]
    return orders.place_order(ctx, token, key or f"test-key-{next(_keys):06d}", reqs)


def boot_of(html: str) -> dict:
    """The JSON a page boots its script from (<script id="boot" type="application/json">)."""
    return json.loads(re.search(r'<script id="boot" type="application/json">(.*?)</script>', html, re.S).group(1))


def row_counts(db) -> dict[str, int]:
    with db.read() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}
