"""The objects a use case needs, built once by the app factory and passed to services."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.database import Database
from core.settings import Settings


@dataclass
class Context:
    settings: Settings
    db: Database
    clock: object  # has now() -> aware UTC datetime
    secret: str
    realtime: object  # core.realtime.Realtime
    # Called with a printer's name after a commit that queued a job for it; its worker wakes up.
    wake_printers: Callable[[str], None] = field(default=lambda printer: None)

    def publish(self, session, rooms, kind: str, data: dict) -> None:
        self.realtime.publish(session, rooms, kind, data)
