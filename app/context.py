"""The objects a use case needs, built once by the app factory and passed to services."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.database import Database
from app.settings import Settings


@dataclass
class Context:
    settings: Settings
    db: Database
    clock: object  # has now() -> aware UTC datetime
    secret: str
    realtime: object  # app.realtime.Realtime
    # Called after a commit that queued print jobs; the print workers wake up.
    wake_printers: Callable[[], None] = field(default=lambda: None)

    def publish(self, session, rooms, kind: str, data: dict) -> None:
        self.realtime.publish(session, rooms, kind, data)
