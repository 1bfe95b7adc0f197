"""Who may join the diners' Socket.IO rooms: a diner only their own visit, anyone the
public menu room."""
from __future__ import annotations

import re

from core.errors import DomainError
from pos.orders.visits import visit_for_token


def register(realtime, ctx) -> None:
    def visit_room(rest: str, payload: dict) -> bool:
        token = payload.get("token")
        if not isinstance(token, str) or not re.fullmatch(r"[1-9][0-9]{0,9}", rest):
            return False
        try:
            with ctx.db.read() as s:
                return visit_for_token(ctx, s, token).id == int(rest)
        except DomainError:
            return False

    realtime.authorise("visit", visit_room)
    realtime.authorise("menu", lambda rest, _p: rest == "")
