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
import re
import shutil
import sqlite3
import time
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
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")  # escaped: "usb #1" is a folder, not a fragment
    return sqlite3.connect(uri, uri=True, timeout=wait_s, isolation_level=None)


def _within(seconds: float, what: str):
    """A progress callback for Connection.backup, which retries a busy database for ever."""
    deadline = time.monotonic() + seconds

    def progress(_status, _remaining, _total):
        if time.monotonic() > deadline:
            raise BackupError(f"{what}: the database stayed busy for {seconds:g} s")
    return progress


def _private(path: Path) -> None:
    """Only the server's user reads a backup: it holds the staff's PIN hashes."""
    os.chmod(path, 0o600)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


NAME = re.compile(r"^restaurant-(\d{8}-\d{6})(-manual)?(?:-(\d+))?\.db$")


def backups(folder: Path, nightly_only: bool = False) -> list[Path]:
    """The folder's backups (nightly ones, and those taken by hand: restaurant-<stamp>-manual.db),
    oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for p in folder.glob(f"{PREFIX}*.db"):
        m = NAME.match(p.name)
        if m is None or (nightly_only and m[2]):
            continue
        try:
            found.append((datetime.strptime(m[1], STAMP), int(m[3] or 1), p))
        except ValueError:
            continue
    return [p for *_, p in sorted(found)]


def _unique(folder: Path, stem: str, suffix: str) -> Path:
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():  # two in one second: keep both
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def _ready_folder(folder: Path, create: bool) -> None:
    """A folder of var/ is made; a configured one (a USB drive's) must exist: made on an
    unplugged drive's empty mount point, backups would fill the internal disk unseen."""
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise BackupError(f"backup folder {folder}: it does not exist (is the drive plugged in?)")
        for stale in folder.glob(f"{PREFIX}*.db.partial"):  # a backup cut short by a crash
            stale.unlink(missing_ok=True)
    except OSError as e:
        raise BackupError(f"backup folder {folder}: {e.strerror or e}") from None


def take(db_path: Path, folder: Path, local_now: datetime, known_revisions: set[str],
         wait_s: float = 5.0, manual: bool = False, create_folder: bool = True) -> BackupInfo:
    """Copy the live database into folder as restaurant-<local time>[-manual].db, checked."""
    if not db_path.is_file():
        raise BackupError(f"database {db_path}: no such file")
    _ready_folder(folder, create_folder)
    final = _unique(folder, f"{PREFIX}{local_now.strftime(STAMP)}{'-manual' if manual else ''}", ".db")
    partial = final.with_name(final.name + ".partial")
    try:
        src = _connect(db_path, wait_s=wait_s)
        try:
            dst = sqlite3.connect(partial, isolation_level=None)
            try:  # all pages in one step, inside one read transaction: one moment's state
                src.backup(dst, progress=_within(max(wait_s, 30.0), f"backup of {db_path}"))
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


def _in_use(db_path: Path) -> bool:
    """Whether another process holds the database (a server): it could not take a write lock.
    A file that is no SQLite database is left untouched (opening it could drop its -wal)."""
    with open(db_path, "rb") as f:
        if f.read(len(HEADER)) != HEADER:
            return False
    try:
        conn = sqlite3.connect(db_path.resolve().as_uri(), uri=True, timeout=1.0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.OperationalError as e:
        return "locked" in str(e) or "busy" in str(e)
    except sqlite3.DatabaseError:
        return False  # damaged: nobody can be using it, and it is what the restore replaces
    return False


def restore(backup: Path, db_path: Path, local_now: datetime, known_revisions: set[str]) -> tuple[BackupInfo, Path | None]:
    """Replace the database with a checked backup; the server must be stopped. The replaced
    database (with its -wal and -shm, byte for byte: it may be the damaged one) is moved aside
    as restaurant.db.before-restore-<local time>; returns the backup's info and that path
    (None when there was no database)."""
    info = inspect(backup, known_revisions)
    if db_path.exists() and os.path.samefile(backup, db_path):
        raise BackupError(f"{backup} is the database itself")
    if db_path.exists() and _in_use(db_path):
        raise BackupError(f"database {db_path} is in use by another process (a server?): stop it, then restore")
    kept = None
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        incoming = _unique(db_path.parent, f".{db_path.name}.restoring", "")
        fd = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(backup, "rb") as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst)  # a backup is one self-contained, checked file
            dst.flush()
            os.fsync(dst.fileno())
        if db_path.exists():
            kept = _unique(db_path.parent, f"{db_path.name}.before-restore-{local_now.strftime(STAMP)}", "")
            os.replace(db_path, kept)
        for side in ("-wal", "-shm"):  # the replaced database's journal must not be applied to the new one
            old = db_path.with_name(db_path.name + side)
            if old.exists():
                if kept is not None:
                    os.replace(old, kept.with_name(kept.name + side))
                else:
                    old.unlink()
        os.replace(incoming, db_path)
        _fsync(db_path.parent)
    except OSError as e:
        if kept is not None and not db_path.exists():  # put the database back as it was
            for side in ("", "-wal", "-shm"):
                if kept.with_name(kept.name + side).exists():
                    os.replace(kept.with_name(kept.name + side), db_path.with_name(db_path.name + side))
        raise BackupError(f"restore into {db_path}: {e.strerror or e}") from None
    finally:
        if "incoming" in locals() and incoming.exists():
            incoming.unlink()
    return info, kept


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` nightly backups (those taken by hand are the
    owner's to remove); returns what was removed."""
    old = backups(folder, nightly_only=True)[:-keep] if keep > 0 else []
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


def last_scheduled(now: datetime, at: tuple[int, int], tz) -> datetime:
    """The most recent nightly time (at, local) at or before now, as UTC."""
    local = now.astimezone(tz)
    candidate = local.replace(hour=at[0], minute=at[1], second=0, microsecond=0)
    if candidate > local:
        candidate = (candidate - timedelta(days=1)).replace(hour=at[0], minute=at[1])  # same wall time the day before
    return candidate.astimezone(timezone.utc)


def _last_good(status: dict | None) -> datetime | None:
    last = (status or {}).get("last_at")
    try:
        return datetime.fromisoformat(last) if last else None
    except ValueError:
        return None


def due_at_start(var_dir: Path, now: datetime, at: tuple[int, int], tz) -> bool:
    """A server switched off at night never reaches the nightly time: at start-up a backup is
    due when the last good one is older than the last nightly time (or there is none)."""
    return _due(_last_good(read_status(var_dir)), now, at, tz)


def _due(last: datetime | None, now: datetime, at: tuple[int, int], tz) -> bool:
    return last is None or last < last_scheduled(now, at, tz)


def health(settings, now: datetime) -> dict:
    """For /healthz: whether nightly backups are on, when the last good one was taken, whether
    that is older than the last nightly time (stale: a night was missed), the last error."""
    status = read_status(settings.var_dir) or {}
    enabled = settings.backup.enabled
    return {"enabled": enabled, "last_at": status.get("last_at"), "error": status.get("error"),
            "stale": enabled and _due(_last_good(status), now - timedelta(hours=1), settings.backup.hour_minute,
                                      settings.restaurant.tz)}


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
        folder = settings.backup_folder
        info = take(path, folder, now.astimezone(settings.restaurant.tz), known_revisions(), ctx.db.wait_s,
                    create_folder=folder.is_relative_to(settings.var_dir))
        removed = prune(settings.backup_folder, cfg.keep)
    except BackupError as e:
        log.error("backup failed: %s", e)
        write_status(settings.var_dir, now, None, str(e))
        return None
    write_status(settings.var_dir, now, info, None)
    log.info("backup: %s (%d orders, %.1f MB)%s", info.path, info.orders, info.bytes / 1e6,
             f"; removed {len(removed)} older than the newest {cfg.keep}" if removed else "")
    return info


def if_due(ctx) -> BackupInfo | None:
    """Hourly, and a minute after start-up: a missing backup folder is reported at once (not
    at night), and a backup is taken when one is due: a night the server was off, or a last
    attempt that failed (a drive plugged back in gets its backup within the hour)."""
    from core.database import sqlite_path

    settings, now = ctx.settings, ctx.clock.now()
    if sqlite_path(ctx.db.url) is None:
        return None
    var, folder = settings.var_dir, settings.backup_folder
    status = read_status(var) or {}
    if not folder.is_relative_to(var) and not folder.is_dir():
        error = f"backup folder {folder}: it does not exist (is the drive plugged in?)"
        if status.get("error") != error:
            log.error("backup: %s", error)
        write_status(var, now, None, error)
        return None
    if due_at_start(var, now, settings.backup.hour_minute, settings.restaurant.tz):
        return nightly(ctx)
    if status.get("error"):  # the folder is back and the last backup is recent: nothing is wrong now
        write_status(var, now, None, None)
    return None
