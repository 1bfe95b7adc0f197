"""The clock is injected wherever time matters, so tests set time instead of sleeping."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock for tests: stands still until advanced."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 11, 27, 4, 0, tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **kwargs) -> datetime:
        with self._lock:
            self._now += timedelta(**kwargs)
            return self._now
