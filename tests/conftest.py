"""Shared fixtures. The database backend is SQLite unless POS_TEST_DATABASE=postgresql,
in which case a throwaway database is created on 127.0.0.1:5432 for the session.
Tests that use the database are marked ``db`` automatically, so the PostgreSQL pass
runs exactly those."""
from __future__ import annotations

import functools
import os
import secrets
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "escpos-cache"))

from hypothesis import settings as hypothesis_settings  # noqa: E402

from core.clock import FixedClock  # noqa: E402
from core.database import Database  # noqa: E402
from app.demo import seed_demo  # noqa: E402
from app.factory import create_app  # noqa: E402
from core.api import api  # noqa: E402
from app.models import metadata  # noqa: E402
from core.settings import load_settings  # noqa: E402
from staff import services as staff_services  # noqa: E402

# Property tests explore new random examples on every run of pytest; the suite's command
# (scripts/test.sh, which CI runs) sets HYPOTHESIS_PROFILE=ci: the same examples every run,
# so a red CI run is about the change, never about the dice.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PG_ADMIN_URL = os.environ.get("POS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DEMO_PINS = {"cook": (1, "1111"), "cashier": (2, "2222"), "manager": (3, "3333"), "admin": (4, "4444")}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session", autouse=True)
def _fast_pin_hashes():
    """scrypt is slow by design; the demo staff is created before every test, so hash
    each demo PIN once per session. Sign-in still checks real scrypt hashes."""
    original = staff_services.hash_pin
    staff_services.hash_pin = functools.lru_cache(maxsize=None)(original)
    yield
    staff_services.hash_pin = original


@pytest.fixture(scope="session")
def backend() -> str:
    return os.environ.get("POS_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    import psycopg
    name = f"pos_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _schema_db(database_url):
    database = Database(database_url)
    metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def db(_schema_db):
    """The session's database, emptied before the test."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with _schema_db.engine.begin() as conn:
        if _schema_db.is_sqlite:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
            conn.execute(text("DELETE FROM sqlite_sequence")) if conn.execute(
                text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first() else None
        else:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in tables) + " RESTART IDENTITY CASCADE"))
    return _schema_db


@pytest.fixture
def clock():
    return FixedClock()


api.check_responses = True  # every declared JSON response is validated against its model


@pytest.fixture(autouse=True)
def responses_match_their_models():
    """A test fails when any response it caused (test client or live server) did not match
    its declared model, even when the test itself did not look at that response."""
    api.violations.clear()
    yield
    assert api.violations == []


def pytest_terminal_summary(terminalreporter):
    declared = [r for r in api.routes if r.response is not None]
    if api.checked:
        terminalreporter.write_line(f"API responses checked against their models: {len(api.checked)} of "
                                    f"{len(declared)} declared routes")


@pytest.fixture
def settings(database_url, tmp_path):
    return make_settings(database_url, tmp_path)


def make_settings(database_url, tmp_path, printer_ports=(9, 9), **overrides):
    """The demo config with this test's database, var folder and printer ports."""
    s = load_settings(overrides={"database.url": database_url, "server.secret_key": "test-secret",
                                 "server.public_base_url": "http://127.0.0.1:5000",
                                 "backup.folder": str(tmp_path / "var" / "backups"), **overrides})
    printers = tuple(p.model_copy(update={"port": port}) for p, port in zip(s.printers, printer_ports))
    return s.model_copy(update={"var_dir": tmp_path / "var", "printers": printers})


@pytest.fixture
def app(settings, db, clock):
    application = create_app(settings, clock=clock, db=db)
    seed_demo(application.extensions["pos_ctx"])
    return application


@pytest.fixture
def ctx(app):
    return app.extensions["pos_ctx"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sign_in():
    """sign_in(client, "cashier") signs the demo user of that role in on this client."""
    def _sign_in(test_client, role: str):
        user_id, pin = DEMO_PINS[role]
        resp = test_client.post("/api/staff/login", json={"user_id": user_id, "pin": pin})
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()
    return _sign_in


@contextmanager
def live_server(application):
    """Serve the app (HTTP and Socket.IO, threaded) on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
