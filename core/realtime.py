"""Live updates: a transactional outbox delivered over Socket.IO.

A service calls ``publish(session, room, kind, data)`` inside its transaction. That
writes an ``outbox`` row whose ``seq`` increases monotonically; once the
transaction commits the event is emitted to the Socket.IO room. Nothing is sent
for a rolled-back transaction, and a screen that was away asks for every event of
its rooms after the last ``seq`` it saw (the ``join`` handler below).

Commit order equals ``seq`` order because write transactions are serialised on
both databases (core.database: BEGIN IMMEDIATE on SQLite, an advisory lock on
PostgreSQL), so a client can never see seq 7 committed and later miss seq 6.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import request
from flask_socketio import SocketIO, join_room
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import JSON, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.database import Base, UTCDateTime, after_commit


class JoinRequest(BaseModel):
    """The payload of the Socket.IO ``join`` event."""
    model_config = ConfigDict(strict=True, extra="ignore")
    rooms: list[str] = Field(min_length=1, max_length=64)  # the all-stations screen joins every station
    after: int = Field(0, ge=0, le=2**63 - 1, description="the last seq this client has seen")
    token: str | None = Field(None, max_length=512, description="a diner's visit token, for visit:<id> rooms")


class OutboxEvent(Base):
    __tablename__ = "outbox"
    # AUTOINCREMENT on SQLite: a seq is never handed out twice, even after pruning empties
    # the table (a screen would otherwise drop new events as already seen).
    __table_args__ = {"sqlite_autoincrement": True}
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    room: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def envelope(ev: OutboxEvent) -> dict:
    return {"seq": ev.seq, "room": ev.room, "kind": ev.kind, "data": ev.data}


class Realtime:
    """Owns the SocketIO server and the room authorisers registered by features."""

    def __init__(self, socketio: SocketIO | None, clock):
        self.socketio = socketio
        self.clock = clock
        # room prefix ("station", "visit", ...) -> fn(room_suffix, auth) -> bool
        self._authorisers: dict[str, Callable[[str, dict], bool]] = {}

    # -- publishing -------------------------------------------------------
    def publish(self, session: Session, rooms: str | list[str], kind: str, data: dict) -> None:
        rows = [OutboxEvent(room=r, kind=kind, data=data, created_at=self.clock.now())
                for r in ([rooms] if isinstance(rooms, str) else rooms)]
        session.add_all(rows)
        session.flush()
        envelopes = [envelope(r) for r in rows]
        after_commit(session, lambda: self._emit(envelopes))

    def _emit(self, envelopes: list[dict]) -> None:
        if self.socketio is None:  # services used without a server (CLI, unit tests)
            return
        for env in envelopes:
            self.socketio.emit("update", env, to=env["room"])

    # -- resync -----------------------------------------------------------
    @staticmethod
    def backlog(session: Session, rooms: list[str], after: int, limit: int = 5000) -> dict:
        """Events of these rooms after seq ``after``; ``reset`` when some were pruned."""
        first, last = session.execute(select(func.min(OutboxEvent.seq), func.max(OutboxEvent.seq))).one()
        last = last or 0
        if after > last:  # the client saw a newer database (restored backup): start over
            return {"reset": True, "seq": last, "events": []}
        if first is not None and after < first - 1 and after != 0:
            return {"reset": True, "seq": last, "events": []}
        rows = session.scalars(
            select(OutboxEvent).where(OutboxEvent.room.in_(rooms), OutboxEvent.seq > after)
            .order_by(OutboxEvent.seq).limit(limit)).all()
        if len(rows) == limit:
            return {"reset": True, "seq": last, "events": []}
        return {"reset": False, "seq": last, "events": [envelope(r) for r in rows]}

    @staticmethod
    def current_seq(session: Session) -> int:
        return session.scalar(select(func.max(OutboxEvent.seq))) or 0

    @staticmethod
    def prune(session: Session, older_than: datetime) -> int:
        """Delete old events but always keep the newest, so the current seq never drops
        back (screens would otherwise be told to reset after a quiet day)."""
        newest = session.scalar(select(func.max(OutboxEvent.seq)))
        return session.execute(delete(OutboxEvent).where(OutboxEvent.created_at < older_than,
                                                         OutboxEvent.seq != newest)).rowcount

    # -- subscriptions ----------------------------------------------------
    def authorise(self, prefix: str, fn: Callable[[str, dict], bool]) -> None:
        self._authorisers[prefix] = fn

    def install_handlers(self, db) -> None:
        sio = self.socketio

        @sio.on("join")
        def _join(payload=None):
            """Join rooms and get every event of them after ``after`` (see JoinRequest)."""
            try:
                req = JoinRequest.model_validate(payload)
            except ValidationError as e:
                return {"error": {"code": "bad_request", "message": "invalid join request",
                                  "details": [{"field": ".".join(map(str, x["loc"])), "message": x["msg"]}
                                              for x in e.errors(include_url=False)]}}
            payload = req.model_dump()
            rooms, after = req.rooms, req.after
            for room in rooms:
                prefix, _, rest = room.partition(":")
                check = self._authorisers.get(prefix)
                if check is None or not check(rest, payload):
                    return {"error": {"code": "forbidden", "message": f"may not join {room}"}}
            try:
                for room in rooms:  # join first, then read: nothing falls between the two
                    join_room(room, sid=request.sid)
            except ValueError:  # the client disconnected while joining: nobody to answer
                return None
            with db.read() as s:
                return {**self.backlog(s, rooms, after), "now": self.clock.now().isoformat()}


def prune_outbox(db, clock, keep: timedelta = timedelta(hours=24)) -> int:
    with db.write() as s:
        return Realtime.prune(s, clock.now() - keep)
