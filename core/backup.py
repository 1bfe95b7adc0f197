"""Backups of the SQLite database, which holds the restaurant's whole day.

``take`` makes a consistent copy while the server runs, through SQLite's online backup API
(in WAL mode readers never block the writers: orders keep flowing while it copies), checks
the copy with ``PRAGMA integrity_check`` and only then gives it its name, so a file named
``restaurant-*.db`` in the folder is always a whole, checked backup. ``nightly`` is the
scheduler's job: one copy a night into ``[backup] folder`` (a USB drive), the oldest beyond
``keep`` removed, the outcome written to ``backup-status.json`` for ``/healthz``.
``restore`` checks a backup (a SQLite file of this application, whole, of a revision these
migrations know) before it replaces the database, and keeps the replaced database beside
it. PostgreSQL is backed up with ``pg_dump`` (README).
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "restaurant-"
STAMP = "%Y%m%d-%H%M%S"   # local time: the owner picks a backup by its date
STATUS_FILE = "backup-status.json"
HEADER = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup could not be taken, or a file is not a usable backup: the message says why."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    bytes: int
    revision: str       # the schema's migration revision
    orders: int         # orders it holds
    last_order_at: str | None  # when its newest order was placed (UTC, ISO), None without orders


def _connect(path: Path, read_only: bool = False, wait_s: float = 5.0) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    return sqlite3.connect(uri, uri=True, timeout=wait_s, isolation_level=None)


def _private(path: Path) -> None:
    """Only the server's user reads a backup: it holds the staff's PIN hashes."""
    os.chmod(path, 0o600)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_name(local_now: datetime) -> str:
    return f"{PREFIX}{local_now.strftime(STAMP)}.db"


def backups(folder: Path) -> list[Path]:
    """The folder's backups, oldest first."""
    if not folder.is_dir():
        return []
    found = [(key, p) for p in folder.glob(f"{PREFIX}*.db") if (key := _order_key(p)) is not None]
    return [p for _, p in sorted(found)]


def _order_key(path: Path) -> tuple[datetime, int] | None:
    """(time, n) of restaurant-<stamp>.db or, for the n-th of one second, restaurant-<stamp>-<n>.db."""
    rest = path.stem.removeprefix(PREFIX)
    stamp, n = rest[:15], rest[15:]
    if n and not (n.startswith("-") and n[1:].isdigit()):
        return None
    try:
        return datetime.strptime(stamp, STAMP), int(n[1:] or 1)
    except ValueError:
        return None


def take(db_path: Path, folder: Path, local_now: datetime, known_revisions: set[str],
         wait_s: float = 5.0) -> BackupInfo:
    """Copy the live database into folder as restaurant-<local time>.db, checked."""
    if not db_path.is_file():
        raise BackupError(f"database {db_path}: no such file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BackupError(f"backup folder {folder}: {e.strerror or e}") from None
    final = folder / backup_name(local_now)
    n = 1
    while final.exists():  # two backups in one second: keep both
        n += 1
        final = folder / f"{PREFIX}{local_now.strftime(STAMP)}-{n}.db"
    partial = final.with_name(final.name + ".partial")
    try:
        src = _connect(db_path, wait_s=wait_s)
        try:
            dst = sqlite3.connect(partial, isolation_level=None)
            try:
                src.backup(dst)  # all pages in one step, inside one read transaction: one moment's state
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                dst.close()
        finally:
            src.close()
        _private(partial)
        _fsync(partial)
        info = inspect(partial, known_revisions)
        os.replace(partial, final)
        _fsync(folder)
    except sqlite3.Error as e:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {db_path}: {e}") from None
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup folder {folder}: {e.strerror or e}") from None
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(final, info.bytes, info.revision, info.orders, info.last_order_at)


def inspect(path: Path, known_revisions: set[str]) -> BackupInfo:
    """What a backup holds, after checking that it is a whole SQLite file of this
    application at a revision these migrations know. Raises BackupError saying why not."""
    try:
        with open(path, "rb") as f:
            header = f.read(len(HEADER))
    except OSError as e:
        raise BackupError(f"{path}: {e.strerror or e}") from None
    if header != HEADER:
        raise BackupError(f"{path}: not a SQLite database")
    try:
        conn = _connect(path, read_only=True)
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path}: damaged ({'; '.join(problems[:3])})")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "orders"} <= tables:
                raise BackupError(f"{path}: not a database of this restaurant server (no orders table)")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            orders, last = conn.execute("SELECT count(*), max(created_at) FROM orders").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path}: damaged ({e})") from None
    if revision is None or revision[0] not in known_revisions:
        raise BackupError(f"{path}: schema revision {revision[0] if revision else 'none'} is not one this "
                          "version of the server knows (a backup of a newer version?)")
    return BackupInfo(path, path.stat().st_size, revision[0], orders, str(last) if last else None)


def restore(backup: Path, db_path: Path, local_now: datetime, known_revisions: set[str]) -> tuple[BackupInfo, Path | None]:
    """Replace the database with a checked backup. The replaced database is first copied
    beside it (restaurant.db.before-restore-<local time>); returns the backup's info and that
    copy's path (None when there was no database). The server must be stopped."""
    info = inspect(backup, known_revisions)
    kept = None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.name}.before-restore-{local_now.strftime(STAMP)}")
            _copy(db_path, kept)
        else:  # created private before SQLite writes into it
            os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT, 0o600))
        _copy(backup, db_path, read_only_source=True)
    except sqlite3.Error as e:
        raise BackupError(f"restore into {db_path}: {e}") from None
    except OSError as e:
        raise BackupError(f"restore into {db_path}: {e.strerror or e}") from None
    return info, kept


def _copy(src_path: Path, dst_path: Path, read_only_source: bool = False) -> None:
    """Page by page through SQLite (so a -wal beside either file is taken into account)."""
    src = _connect(src_path, read_only=read_only_source)
    try:
        dst = _connect(dst_path)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    _private(dst_path)
    _fsync(dst_path)


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` backups; returns what was removed."""
    old = backups(folder)[:-keep] if keep > 0 else []
    for p in old:
        p.unlink(missing_ok=True)
    return old


# --- the nightly job and its status -------------------------------------------------------------

def write_status(var_dir: Path, now: datetime, info: BackupInfo | None, error: str | None) -> None:
    status = read_status(var_dir) or {}
    status["attempted_at"] = now.astimezone(timezone.utc).isoformat()
    if info is not None:
        status.update(last_at=status["attempted_at"], last_file=str(info.path), last_bytes=info.bytes,
                      last_orders=info.orders)
    status["error"] = error
    tmp = var_dir / (STATUS_FILE + ".tmp")
    tmp.write_text(json.dumps(status))
    os.replace(tmp, var_dir / STATUS_FILE)


def read_status(var_dir: Path) -> dict | None:
    try:
        return json.loads((var_dir / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return None


def health(var_dir: Path) -> dict:
    """For /healthz: when the last good backup was taken, and the last attempt's error."""
    status = read_status(var_dir) or {}
    return {"last_at": status.get("last_at"), "error": status.get("error")}


def due_at_start(var_dir: Path, now: datetime, every: timedelta = timedelta(hours=24)) -> bool:
    """A server switched off at night never reaches the nightly time: at start-up a backup
    is due when the last good one is older than a day (or there is none)."""
    last = (read_status(var_dir) or {}).get("last_at")
    if not last:
        return True
    try:
        return now - datetime.fromisoformat(last) >= every
    except ValueError:
        return True


def nightly(ctx) -> BackupInfo | None:
    """The scheduler's job: a backup into [backup] folder, the oldest beyond keep removed,
    the outcome in var/backup-status.json. Never raises: a missing USB drive is logged and
    shown by /healthz, and the next night tries again."""
    from core.database import sqlite_path
    from core.migrate import known_revisions

    settings, now = ctx.settings, ctx.clock.now()
    path = sqlite_path(ctx.db.url)
    if path is None:
        log.info("backup: the database is PostgreSQL; back it up with pg_dump (README, Backups)")
        return None
    cfg = settings.backup
    try:
        info = take(path, settings.backup_folder, now.astimezone(settings.restaurant.tz), known_revisions(), ctx.db.wait_s)
        removed = prune(settings.backup_folder, cfg.keep)
    except BackupError as e:
        log.error("backup failed: %s", e)
        write_status(settings.var_dir, now, None, str(e))
        return None
    write_status(settings.var_dir, now, info, None)
    log.info("backup: %s (%d orders, %.1f MB)%s", info.path, info.orders, info.bytes / 1e6,
             f"; removed {len(removed)} older than the newest {cfg.keep}" if removed else "")
    return info
