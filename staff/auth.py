"""Who is signed in at this terminal, and the role checks for pages, API and sockets."""
from __future__ import annotations

import functools

from flask import g, redirect, request, session, url_for

from core.context import NOBODY, Actor
from core.web import current_ctx
from core.errors import Forbidden, Unauthorized
from staff.model import role_at_least


def current_staff() -> dict | None:
    """The signed-in staff member, re-read from the database once per request (or socket
    event): a deactivated or demoted person loses access at once."""
    if "staff" not in g:
        from staff.services import active_member
        user_id = session.get("staff_id")
        g.staff = active_member(current_ctx(), user_id) if isinstance(user_id, int) else None
    return g.staff


def current_actor() -> Actor:
    """Who is acting in this request: the signed-in staff member, or NOBODY."""
    staff = current_staff()
    return Actor(staff["id"], staff["role"]) if staff else NOBODY


def has_role(needed: str) -> bool:
    staff = current_staff()
    return bool(staff) and role_at_least(staff["role"], needed)


def role_guard(needed: str):
    """A guard for core.api routes: raises 401/403 before the body is even read."""
    def guard():
        staff = current_staff()
        if staff is None:
            raise Unauthorized("Sign in with your PIN first.", code="not_signed_in")
        if not role_at_least(staff["role"], needed):
            raise Forbidden(f"This needs the {needed} role or above.", code="insufficient_role",
                            details={"needed": needed, "role": staff["role"]})
    guard.security = "staff"
    guard.errors = (401, 403)
    return guard


def require_page_role(needed: str):
    """Pages send a signed-out (or under-privileged) user to the PIN screen."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            staff = current_staff()
            if staff is None or not role_at_least(staff["role"], needed):
                return redirect(url_for("staff.login_page", next=request.full_path.rstrip("?"), need=needed))
            return view(*args, **kwargs)
        return wrapper
    return decorate
