"""Who may join the kitchen's Socket.IO rooms: cooks and above."""
from __future__ import annotations

from staff.auth import has_role


def register(realtime, ctx) -> None:
    realtime.authorise("station", lambda name, _p: has_role("cook") and ctx.settings.station(name) is not None)
    realtime.authorise("expo", lambda rest, _p: rest == "" and has_role("cook"))
