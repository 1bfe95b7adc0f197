"""When the database cannot take a change, the client is told so at once and clearly: a
locked database answers 503 database_busy with Retry-After after database.wait_s (not a
bare 500 after 30 s), nothing is half-written, and the same order goes through when the
lock is gone."""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager

import pytest

from app.demo import seed_demo
from app.factory import create_app
from core.database import WRITE_LOCK_KEY, Database, sqlite_path
from tests.helpers import MILK_TEA, row_counts, token_of

WAIT_S = 0.3


@contextmanager
def held_write_lock(url: str):
    """Another process's writer holding the database's write lock."""
    path = sqlite_path(url)
    if path is not None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        yield
        conn.rollback()


@pytest.fixture
def quick_app(settings, db, clock, database_url):
    quick = Database(database_url, wait_s=WAIT_S)
    application = create_app(settings, clock=clock, db=quick)
    seed_demo(application.extensions["pos_ctx"])
    yield application
    quick.dispose()


def test_a_locked_database_answers_503_busy_soon_and_changes_nothing(quick_app):
    ctx = quick_app.extensions["pos_ctx"]
    phone = quick_app.test_client()
    token = token_of(ctx)
    body = {"idempotency_key": "locked-1", "items": [MILK_TEA]}
    before = row_counts(ctx.db)
    with held_write_lock(ctx.db.url):
        started = time.monotonic()
        r = phone.post(f"/api/visits/{token}/orders", json=body)
        waited = time.monotonic() - started
        assert r.status_code == 503, r.get_json()
        assert r.get_json()["error"]["code"] == "database_busy"
        assert r.get_json()["error"]["details"] == {"retry_after": 2} and r.headers["Retry-After"] == "2"
        assert WAIT_S <= waited < WAIT_S + 3  # waited for the lock, then gave up (was 30 s and a 500)
        assert phone.get("/healthz").status_code == 200  # busy is not broken: reads still work
    assert row_counts(ctx.db) == before
    r = phone.post(f"/api/visits/{token}/orders", json=body)  # the phone's retry, once the lock is gone
    assert r.status_code == 201 and [i["dish_id"] for i in r.get_json()["items"]] == [MILK_TEA["dish_id"]]


def test_the_database_file_is_created_readable_by_the_server_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'restaurant.db'}"
    Database(url).dispose()
    assert (sqlite_path(url).stat().st_mode & 0o777) == 0o600
