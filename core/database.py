"""Engine, sessions and the declarative base.

SQLite (the default) gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE``
for write transactions, so concurrent writers queue instead of failing or
interleaving (see STACK-NOTES: 0 errors, 0 duplicates in that mode). PostgreSQL is
used through psycopg 3, and its write transactions take one transaction-scoped
advisory lock first, so they are serialised the same way: one restaurant writes a
few rows a second, and in exchange every read-modify-write (order numbers, PIN
failures, payments, outbox seqs committed in seq order) behaves identically on
both databases. Reads never wait. On SQLite the threads of one process first queue on a
Python lock (SQLite's own busy wait is sleep-and-retry, which lets some writers wait
seconds under load).

A use case runs in ``db.write()`` (one transaction, committed once at the end) or
``db.read()``. Work that must follow the commit (socket events, waking print
workers) is queued with ``after_commit(session, fn)`` and runs only if the
transaction committed.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, MetaData, TypeDecorator, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from core.errors import Unavailable

WAIT_S = 5.0  # how long a change waits for the database before answering 503 (database.wait_s)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store UTC-aware datetimes")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect):
        # SQLite gives naive values; PostgreSQL gives them in the session's time zone
        # (the server's, e.g. +08:00). Always UTC, so times compare and format alike.
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL and in-memory databases)."""
    if not url.startswith("sqlite"):
        return None
    path = url.removeprefix("sqlite:///")
    return Path(path) if path and ":memory:" not in path else None


def make_engine(url: str, wait_s: float = WAIT_S) -> Engine:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():  # it holds the staff's PIN hashes: only the server's user reads it
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": wait_s})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below open transactions
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(wait_s * 1000)}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            immediate = conn.get_execution_options().get("immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True,
                         connect_args={"connect_timeout": max(1, round(wait_s))})


def unavailable(e: OperationalError) -> Unavailable:
    """What a database failure means to the client: busy (try again in a moment), read-only
    or down (try again later). The one place a database error becomes an HTTP answer."""
    text_ = str(e.orig if e.orig is not None else e).lower()
    if any(w in text_ for w in ("locked", "busy", "lock timeout", "write lock", "canceling statement")):
        return Unavailable("The database is busy; nothing was changed. Please try again in a moment.",
                           code="database_busy", retry_after=2)
    if any(w in text_ for w in ("readonly", "read-only", "read only")):
        return Unavailable("The database cannot be written (read-only); nothing was changed.",
                           code="database_read_only", retry_after=30)
    return Unavailable("The database cannot be reached; nothing was changed.",
                       code="database_unavailable", retry_after=10)


log = logging.getLogger(__name__)
_AFTER_COMMIT = "after_commit_callbacks"
WRITE_LOCK_KEY = 7_441_001  # the PostgreSQL advisory lock every write transaction holds


def after_commit(session: Session, fn: Callable[[], None]) -> None:
    """Run fn once the session's transaction has committed (never on rollback)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(fn)


class Database:
    def __init__(self, url: str, wait_s: float = WAIT_S):
        self.url = url
        self.wait_s = wait_s
        self.engine = make_engine(url, wait_s)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(immediate=True) if self.is_sqlite else self.engine
        self._write = sessionmaker(bind=writer, expire_on_commit=False)
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        # SQLite's own wait for its write lock is sleep-and-retry: under load some writers
        # wait seconds while others get straight in (measured: p99 5.2 s for a lock held
        # 55 ms). The threads of one process queue here first; SQLite's busy timeout is
        # left to arbitrate between processes.
        self._local_writer = threading.Lock() if self.is_sqlite else None
        self._writing = threading.local()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed at the end, rolled back on any exception."""
        if getattr(self._writing, "open", False):  # it would wait for itself (SQLite 30 s, PostgreSQL for ever)
            raise RuntimeError("a write transaction is already open in this thread: pass its session down")
        lock = self._local_writer
        if lock is not None and not lock.acquire(timeout=self.wait_s):
            raise unavailable(OperationalError("BEGIN IMMEDIATE", None, TimeoutError("write lock busy")))
        self._writing.open = True
        try:
            session = self._write()
            try:
                with session.begin():
                    if not self.is_sqlite:
                        session.execute(text("SELECT set_config('lock_timeout', :t, true)"), {"t": f"{int(self.wait_s * 1000)}ms"})
                        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
                    yield session
                callbacks = session.info.pop(_AFTER_COMMIT, [])
            except OperationalError as e:
                session.info.pop(_AFTER_COMMIT, None)
                raise unavailable(e) from e
            except BaseException:
                session.info.pop(_AFTER_COMMIT, None)
                raise
            finally:
                session.close()
        finally:
            self._writing.open = False
            if lock is not None:
                lock.release()
        for fn in callbacks:  # the transaction is committed: one failing effect must not stop the others
            try:
                fn()
            except Exception:
                log.exception("an after-commit effect failed")

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read()
        try:
            with session.begin():
                yield session
        except OperationalError as e:
            raise unavailable(e) from e
        finally:
            session.close()

    def health(self) -> str | None:
        """None when the database can be read and written, else the code a change would
        get (database_read_only, database_unavailable). Does not take the write lock."""
        path = sqlite_path(self.url)
        if path is not None and not (os.access(path, os.R_OK | os.W_OK) and os.access(path.parent, os.W_OK)):
            return "database_read_only"
        try:
            with self.read() as s:
                s.execute(text("SELECT 1"))
                if not self.is_sqlite and s.scalar(text("SELECT pg_is_in_recovery()")):
                    return "database_read_only"
        except Unavailable as e:
            return e.code
        return None

    def dispose(self) -> None:
        self.engine.dispose()
