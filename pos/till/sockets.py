"""Who may join the till's Socket.IO room: a signed-in cashier (or above)."""
from __future__ import annotations

from staff.auth import has_role


def register(realtime, ctx) -> None:
    realtime.authorise("pos", lambda rest, _p: rest == "" and has_role("cashier"))
