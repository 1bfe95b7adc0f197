"""Time as the restaurant reads it: everything is stored as aware UTC datetimes and turned
into local time here, in the restaurant's time zone. The business day an instant belongs
to and the local formats the screens, tickets and reports use are computed only here."""
from __future__ import annotations

from datetime import date, datetime, tzinfo

MINUTES = "%Y-%m-%d %H:%M"
SECONDS = "%Y-%m-%d %H:%M:%S"
CLOCK = "%H:%M"


def business_day(at: datetime, tz: tzinfo) -> date:
    """The restaurant's day an instant belongs to (its local date)."""
    return at.astimezone(tz).date()


def local_text(at: datetime | None, tz: tzinfo, fmt: str = MINUTES) -> str | None:
    """An instant as local time text (None stays None)."""
    return at.astimezone(tz).strftime(fmt) if at is not None else None


def iso(at: datetime | None) -> str | None:
    """An instant as ISO 8601 (with its UTC offset) for the API and screens."""
    return at.isoformat() if at is not None else None
