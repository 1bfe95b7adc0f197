"""Backups of the SQLite database (core.backup): a checked, private, self-contained copy; a
restore that refuses anything but a whole backup of this application and keeps what it
replaces; the nightly job with its retention and status. On a migrated file database, as
a restaurant's (the suite's shared database is built without migrations)."""
from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone

import pytest

from app.demo import seed_demo
from app.factory import create_app
from app.scheduler import start_scheduler, stop_scheduler
from core import backup
from core.clock import FixedClock
from core.database import Database
from core.migrate import known_revisions, upgrade
from tests.conftest import make_settings
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of

LOCAL = datetime(2026, 12, 4, 23, 30, 5)
REVISIONS = known_revisions()


@pytest.fixture
def restaurant(tmp_path):
    """A migrated SQLite restaurant with two orders; returns its context."""
    url = f"sqlite:///{tmp_path / 'restaurant.db'}"
    upgrade(url)
    db = Database(url)
    settings = make_settings(url, tmp_path, **{"backup.folder": str(tmp_path / "usb"), "backup.keep": 3})
    ctx = create_app(settings, clock=FixedClock(datetime(2026, 12, 4, 15, 0, tzinfo=timezone.utc)), db=db
                     ).extensions["pos_ctx"]
    seed_demo(ctx)
    order(ctx, token_of(ctx, "T1"), KUNG_PAO)
    order(ctx, token_of(ctx, "T2"), MILK_TEA)
    yield ctx
    db.dispose()


def _orders(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    finally:
        conn.close()


def test_a_backup_is_a_checked_private_self_contained_copy(restaurant, tmp_path):
    db_path = tmp_path / "restaurant.db"
    info = backup.take(db_path, tmp_path / "usb", LOCAL, REVISIONS)
    assert info.path == tmp_path / "usb" / "restaurant-20261204-233005.db"
    assert (info.orders, _orders(info.path)) == (2, 2)
    assert info.revision == max(REVISIONS) and info.last_order_at
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600  # it holds the staff's PIN hashes
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == [info.path.name]  # no -wal, no partial
    assert sqlite3.connect(info.path).execute("PRAGMA journal_mode").fetchone() == ("delete",)
    again = backup.take(db_path, tmp_path / "usb", LOCAL, REVISIONS)  # the same second: both kept
    assert again.path.name == "restaurant-20261204-233005-2.db" and len(backup.backups(tmp_path / "usb")) == 2


def test_a_backup_into_a_folder_that_cannot_be_written_says_so_and_leaves_nothing(restaurant, tmp_path):
    (tmp_path / "usb").write_text("a file where the drive should be")
    with pytest.raises(backup.BackupError, match="backup folder .*usb"):
        backup.take(tmp_path / "restaurant.db", tmp_path / "usb", LOCAL, REVISIONS)
    with pytest.raises(backup.BackupError, match="no such file"):
        backup.take(tmp_path / "missing.db", tmp_path / "elsewhere", LOCAL, REVISIONS)


def _bad_files(tmp_path, good):
    (tmp_path / "random.db").write_bytes(os.urandom(8192))
    data = good.read_bytes()
    (tmp_path / "truncated.db").write_bytes(data[: len(data) // 3])
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE notes (x)")
    other.commit()
    other.close()
    newer = tmp_path / "newer.db"
    newer.write_bytes(data)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    return {"random.db": "not a SQLite database", "truncated.db": "damaged",
            "other.db": "not a database of this restaurant server", "newer.db": "revision 9999 is not one",
            "absent.db": "No such file"}


def test_restore_refuses_anything_but_a_whole_backup_of_this_application_and_changes_nothing(restaurant, tmp_path):
    db_path = tmp_path / "restaurant.db"
    good = backup.take(db_path, tmp_path / "usb", LOCAL, REVISIONS).path
    before = sqlite3.connect(db_path).execute("SELECT count(*), max(id) FROM orders").fetchone()
    for name, reason in _bad_files(tmp_path, good).items():
        with pytest.raises(backup.BackupError, match=reason):
            backup.restore(tmp_path / name, db_path, LOCAL, REVISIONS)
    assert sqlite3.connect(db_path).execute("SELECT count(*), max(id) FROM orders").fetchone() == before
    assert not list(tmp_path.glob("restaurant.db.before-restore-*"))


def test_restore_replaces_the_database_and_keeps_the_one_it_replaced(restaurant, tmp_path):
    db_path = tmp_path / "restaurant.db"
    good = backup.take(db_path, tmp_path / "usb", LOCAL, REVISIONS).path
    order(restaurant, token_of(restaurant, "T3"), MILK_TEA)  # after the backup: not in it
    assert _orders(db_path) == 3
    info, kept = backup.restore(good, db_path, LOCAL + timedelta(hours=1), REVISIONS)
    assert (info.orders, _orders(db_path)) == (2, 2)
    assert kept == tmp_path / "restaurant.db.before-restore-20261205-003005" and _orders(kept) == 3
    assert stat.S_IMODE(db_path.stat().st_mode) == stat.S_IMODE(kept.stat().st_mode) == 0o600
    fresh = tmp_path / "new" / "restaurant.db"  # onto a new machine: nothing to keep
    assert backup.restore(good, fresh, LOCAL, REVISIONS)[1] is None and _orders(fresh) == 2


def test_the_nightly_job_keeps_the_newest_backups_and_reports_to_healthz(restaurant, tmp_path):
    clock, folder = restaurant.clock, tmp_path / "usb"
    names = []
    for night in range(5):
        info = backup.nightly(restaurant)
        names.append(info.path.name)
        clock.advance(days=1)
    assert [p.name for p in backup.backups(folder)] == names[-3:]  # keep = 3
    assert names[0] == "restaurant-20261204-230000.db"  # 15:00 UTC is 23:00 in Hong Kong
    status = backup.health(restaurant.settings.var_dir)
    assert status == {"last_at": (clock.now() - timedelta(days=1)).isoformat(), "error": None}
    assert not backup.due_at_start(restaurant.settings.var_dir, clock.now() - timedelta(hours=1))
    assert backup.due_at_start(restaurant.settings.var_dir, clock.now())


def test_a_failed_nightly_backup_is_logged_and_shown_and_the_last_good_one_stays_known(restaurant, tmp_path, caplog):
    good = backup.nightly(restaurant)
    (tmp_path / "usb").rename(tmp_path / "unplugged")
    (tmp_path / "usb").write_text("")  # the drive's mount point is not a folder any more
    restaurant.clock.advance(days=1)
    assert backup.nightly(restaurant) is None
    assert "backup failed: backup folder" in caplog.text
    status = backup.health(restaurant.settings.var_dir)
    assert status["last_at"] == (restaurant.clock.now() - timedelta(days=1)).isoformat()
    assert status["error"].startswith("backup folder") and good is not None


def test_the_scheduler_runs_the_nightly_backup_at_the_configured_local_time_and_catches_up_at_start(restaurant):
    scheduler = start_scheduler(restaurant)
    try:
        jobs = {j.id: j for j in scheduler.get_jobs()}
        trigger = jobs["nightly-backup"].trigger
        assert str(trigger.timezone) == "Asia/Hong_Kong"
        assert {f.name: str(f) for f in trigger.fields}["hour"] == "4"
        at_start = jobs["backup-at-start"].trigger.run_date  # the scheduler's own (wall) time: soon after start
        assert timedelta(0) < at_start - datetime.now(timezone.utc) <= timedelta(minutes=1)
    finally:
        stop_scheduler(scheduler)
    backup.nightly(restaurant)  # now there is a fresh one: none due at start
    scheduler = start_scheduler(restaurant)
    try:
        assert {j.id for j in scheduler.get_jobs()} == {"prune-outbox", "kitchen-tick", "nightly-backup"}
    finally:
        stop_scheduler(scheduler)
