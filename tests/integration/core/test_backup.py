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
    (tmp_path / "usb").mkdir()  # the drive, plugged in
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
    (tmp_path / "drive").write_text("a file where the drive should be")
    with pytest.raises(backup.BackupError, match="backup folder .*drive"):
        backup.take(tmp_path / "restaurant.db", tmp_path / "drive", LOCAL, REVISIONS)
    with pytest.raises(backup.BackupError, match="does not exist .is the drive plugged in"):
        backup.take(tmp_path / "restaurant.db", tmp_path / "media" / "usb", LOCAL, REVISIONS, create_folder=False)
    assert not (tmp_path / "media").exists()
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
    manual = backup.take(tmp_path / "restaurant.db", folder, LOCAL, REVISIONS, manual=True)
    backup.nightly(restaurant)
    assert manual.path.name == "restaurant-20261204-233005-manual.db" and manual.path.exists()  # the owner's
    assert len(backup.backups(folder, nightly_only=True)) == 3
    last = clock.now()
    status = backup.health(restaurant.settings, last)
    assert status == {"enabled": True, "last_at": last.isoformat(), "error": None, "stale": False}
    # 23:00 in Hong Kong; the next nightly time is 04:00. Due at a start-up after it, not before.
    var, at, tz = restaurant.settings.var_dir, restaurant.settings.backup.hour_minute, restaurant.settings.restaurant.tz
    assert not backup.due_at_start(var, last + timedelta(hours=4, minutes=59), at, tz)
    assert backup.due_at_start(var, last + timedelta(hours=5, minutes=1), at, tz)
    assert backup.health(restaurant.settings, last + timedelta(hours=6, minutes=1))["stale"] is True


def test_a_failed_nightly_backup_is_logged_and_shown_and_the_last_good_one_stays_known(restaurant, tmp_path, caplog):
    good = backup.nightly(restaurant)
    (tmp_path / "usb").rename(tmp_path / "unplugged")  # the drive, unplugged
    restaurant.clock.advance(days=1)
    assert backup.nightly(restaurant) is None
    assert "backup failed: backup folder" in caplog.text
    status = backup.health(restaurant.settings, restaurant.clock.now())
    assert status["last_at"] == (restaurant.clock.now() - timedelta(days=1)).isoformat()
    assert status["error"] == f"backup folder {tmp_path / 'usb'}: it does not exist (is the drive plugged in?)"
    assert good is not None and not (tmp_path / "usb").is_dir()  # not made on the internal disk


def test_the_scheduler_runs_the_nightly_backup_at_the_configured_local_time_and_looks_for_a_due_one_hourly(
        restaurant, tmp_path, caplog):
    scheduler = start_scheduler(restaurant)
    try:
        jobs = {j.id: j for j in scheduler.get_jobs()}
        trigger = jobs["nightly-backup"].trigger
        assert str(trigger.timezone) == "Asia/Hong_Kong"
        assert {f.name: str(f) for f in trigger.fields}["hour"] == "4"
        due = jobs["backup-due"]  # the scheduler's own (wall) time: a minute after start, then hourly
        assert timedelta(0) < due.next_run_time - datetime.now(timezone.utc) <= timedelta(minutes=1)
        assert due.trigger.interval == timedelta(hours=1)
    finally:
        stop_scheduler(scheduler)
    clock, var = restaurant.clock, restaurant.settings.var_dir
    assert backup.if_due(restaurant) is not None  # none yet: due
    assert backup.if_due(restaurant) is None  # a fresh one: not due
    (tmp_path / "usb").rename(tmp_path / "unplugged")
    clock.advance(hours=1)
    assert backup.if_due(restaurant) is None  # reported at once, not at night
    assert backup.health(restaurant.settings, clock.now())["error"].endswith("(is the drive plugged in?)")
    assert "backup: backup folder" in caplog.text
    (tmp_path / "unplugged").rename(tmp_path / "usb")
    clock.advance(hours=1)
    assert backup.if_due(restaurant) is None and backup.health(restaurant.settings, clock.now())["error"] is None
    clock.advance(hours=12)  # past 04:00 with no nightly backup (the server was off): the next look takes one
    assert backup.if_due(restaurant) is not None


def test_restore_survives_what_goes_wrong_with_the_database_it_replaces(restaurant, tmp_path):
    db_path = tmp_path / "restaurant.db"
    folder = tmp_path / "usb #1"  # a space and a hash: a file name, not part of a URI
    good = backup.take(db_path, folder, LOCAL, REVISIONS, manual=True).path
    assert good.parent == folder and backup.inspect(good, REVISIONS).orders == 2
    with pytest.raises(backup.BackupError, match="is the database itself"):
        backup.restore(good, good, LOCAL, REVISIONS)
    restaurant.db.dispose()
    held = sqlite3.connect(db_path, isolation_level=None)
    held.execute("BEGIN IMMEDIATE")  # another process writing: a server still running
    try:
        with pytest.raises(backup.BackupError, match="in use by another process"):
            backup.restore(good, db_path, LOCAL, REVISIONS)
    finally:
        held.execute("ROLLBACK")
        held.close()
    damaged = os.urandom(4096)
    db_path.write_bytes(damaged)  # what a restore is for
    (tmp_path / "restaurant.db-wal").write_bytes(b"stale journal of the damaged file")
    info, kept = backup.restore(good, db_path, LOCAL, REVISIONS)
    assert kept.read_bytes() == damaged and kept.with_name(kept.name + "-wal").exists()
    assert not (tmp_path / "restaurant.db-wal").exists() and _orders(db_path) == 2
    _, again = backup.restore(good, db_path, LOCAL, REVISIONS)  # the same second: both kept
    assert again != kept and kept.read_bytes() == damaged and _orders(again) == 2
