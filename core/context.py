"""The objects a use case needs, built once by the app factory and passed to services;
who is acting (an Actor, resolved once per request); and the two things services talk
to that tests replace: the clock and the realtime publisher."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.database import Database
from core.settings import Settings


class Clock(Protocol):
    """core.clock.SystemClock in the server, core.clock.FixedClock in tests."""
    def now(self) -> datetime: ...  # an aware UTC datetime


class Realtime(Protocol):
    """core.realtime.Realtime: what services publish goes into the outbox of their session."""
    def publish(self, session, rooms: str | list[str], kind: str, data: dict) -> None: ...

    def current_seq(self, session) -> int: ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does something: a signed-in staff member (id and role), or NOBODY (a diner, the
    scheduler, a script). What services record as staff_id, closed_by, approved_by."""
    id: int | None = None
    role: str | None = None


NOBODY = Actor()


@dataclass
class Context:
    settings: Settings
    db: Database
    clock: Clock
    secret: str
    realtime: Realtime | None
    # Called with a printer's name after a commit that queued a job for it; its worker wakes up.
    wake_printers: Callable[[str], None] = field(default=lambda printer: None)

    def publish(self, session, rooms, kind: str, data: dict) -> None:
        self.realtime.publish(session, rooms, kind, data)

