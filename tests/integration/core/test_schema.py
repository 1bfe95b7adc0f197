"""The schema Alembic builds is exactly the one the models describe, on both databases."""
import os
import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.database import after_commit, make_engine
from core.migrate import upgrade
from app.models import metadata


@pytest.fixture
def fresh_url(backend, tmp_path, db):  # db: marks the test for the PostgreSQL pass
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    import psycopg
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"pos_migrate_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrated_schema_equals_models(fresh_url):
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_twice_is_harmless(fresh_url):
    upgrade(fresh_url)
    upgrade(fresh_url)


def test_outbox_seq_is_never_reused_after_pruning(ctx, clock):
    from datetime import timedelta

    from sqlalchemy import text

    from core.realtime import Realtime, prune_outbox
    from menu import services as menu
    menu.set_sold_out(ctx, 1, True)
    with ctx.db.read() as s:
        last = Realtime.current_seq(s)
    clock.advance(days=2)
    assert prune_outbox(ctx.db, clock, keep=timedelta(hours=24)) > 0
    with ctx.db.read() as s:
        assert Realtime.current_seq(s) == last  # the newest event is always kept
        assert Realtime.backlog(s, ["menu"], last) == {"reset": False, "seq": last, "events": []}
    with ctx.db.write() as s:  # even if every row goes (an older database), seqs do not repeat
        s.execute(text("DELETE FROM outbox"))
    menu.set_sold_out(ctx, 1, False)
    with ctx.db.read() as s:
        assert Realtime.backlog(s, ["menu"], last)["events"][0]["seq"] > last


def test_migrations_go_down_and_up_again(fresh_url):
    from alembic import command

    from core.migrate import alembic_config
    upgrade(fresh_url)
    command.downgrade(alembic_config(fresh_url), "base")
    upgrade(fresh_url)


def test_migrations_keep_data_that_points_at_rebuilt_tables(fresh_url):
    """Upgrading a shop's database with staff, closed visits and payments in it (the
    tables SQLite rebuilds in batch mode are referenced by those rows), and back."""
    from alembic import command
    from sqlalchemy import text

    from core.migrate import alembic_config
    upgrade(fresh_url, "0001")
    engine = make_engine(fresh_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff_users (id, name, role, pin_hash, active) VALUES (1, 'Ling', 'cashier', 'x', true)"))
        conn.execute(text("INSERT INTO dining_tables (id, name, seats, sort) VALUES (1, 'T1', 4, 0)"))
        conn.execute(text("INSERT INTO visits (id, table_id, nonce, opened_at, closed_at, closed_by) "
                          "VALUES (1, 1, 'n', '2026-11-27 04:00:00', '2026-11-27 05:00:00', 1)"))
        conn.execute(text("INSERT INTO payments (id, visit_id, tender, amount, tendered, change, created_at, staff_id) "
                          "VALUES (1, 1, 'cash', 100, 100, 0, '2026-11-27 05:00:00', 1)"))
    engine.dispose()

    def rows():
        e = make_engine(fresh_url)
        with e.connect() as conn:
            out = (conn.execute(text("SELECT closed_by FROM visits")).all(),
                   conn.execute(text("SELECT staff_id FROM payments")).all(),
                   conn.execute(text("SELECT name FROM staff_users")).all())
        e.dispose()
        return out

    before = rows()
    upgrade(fresh_url)
    assert rows() == before
    command.downgrade(alembic_config(fresh_url), "0001")
    assert rows() == before
    upgrade(fresh_url)
    assert rows() == before == ([(1,)], [(1,)], [("Ling",)])


def test_the_migrated_sqlite_outbox_never_reuses_seqs(fresh_url, backend):
    from sqlalchemy import text
    upgrade(fresh_url)
    if backend != "sqlite":
        return  # PostgreSQL sequences never hand out a number twice
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'outbox'")).scalar_one()
    engine.dispose()
    assert "AUTOINCREMENT" in sql


def test_a_nested_write_fails_at_once_and_after_commit_effects_all_run(db):
    ran = []
    with db.write() as s:
        with pytest.raises(RuntimeError, match="already open"):
            with db.write():
                pass
        after_commit(s, lambda: 1 / 0)  # a broken effect ...
        after_commit(s, lambda: ran.append("emitted"))  # ... does not stop the next one
    assert ran == ["emitted"]
    with db.write():  # the thread can write again
        pass


def test_times_read_back_are_utc_whatever_the_session_time_zone(db):
    from datetime import datetime, timezone

    from sqlalchemy import select, text

    from core.realtime import OutboxEvent
    at = datetime(2026, 11, 27, 4, 5, tzinfo=timezone.utc)
    with db.write() as s:
        s.add(OutboxEvent(room="r", kind="k", data={}, created_at=at))
    with db.read() as s:
        if not db.is_sqlite:  # PostgreSQL answers in the session's zone (the server's, by default)
            s.execute(text("SET LOCAL TIME ZONE 'Asia/Hong_Kong'"))
        got = s.scalar(select(OutboxEvent.created_at))
        row = s.connection().execute(select(OutboxEvent.created_at)).scalar_one()
    assert got == at and got.utcoffset().total_seconds() == 0 and got.isoformat() == "2026-11-27T04:05:00+00:00"
    assert row.isoformat() == "2026-11-27T04:05:00+00:00"


def test_jobs_laid_out_before_0007_and_still_waiting_are_set_aside(fresh_url):
    from sqlalchemy import text
    upgrade(fresh_url, "0010")
    engine = make_engine(fresh_url)
    insert = text("INSERT INTO print_jobs (printer, kind, document, status, attempts, next_attempt_at, created_at, "
                  "maybe_delivered) VALUES (:p, 'kitchen_ticket', :doc, :status, 0, :at, :at, false)")
    rows = [("old-pending", '[{"type": "text", "text": "T5"}]', "pending"),
            ("old-printed", '[{"type": "text", "text": "T5"}]', "printed"),
            ("new-pending", '{"table": "T5", "items": []}', "pending")]
    with engine.begin() as conn:
        for printer, doc, status in rows:
            conn.execute(insert, {"p": printer, "doc": doc, "status": status, "at": "2026-11-20 12:00:00+00:00"})
    upgrade(fresh_url)
    with engine.connect() as conn:
        got = dict(conn.execute(text("SELECT printer, status FROM print_jobs")).all())
        error = conn.execute(text("SELECT last_error FROM print_jobs WHERE printer = 'old-pending'")).scalar_one()
    engine.dispose()
    assert got == {"old-pending": "failed", "old-printed": "printed", "new-pending": "pending"}
    assert "print it again" in error
