"""Staff sign-in with a PIN. PINs are stored as salted scrypt hashes (werkzeug);
five wrong PINs in a row for one person from one address lock that address out for
five minutes (kept in the database, so every server process sees it)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from core.context import Actor, Context
from core.errors import Forbidden, NotFound, TooMany, Unauthorized
from staff.model import ROLES, PinFailure, StaffUser, role_at_least

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)


def hash_pin(pin: str) -> str:
    return generate_password_hash(pin, method="scrypt")


def create_user(session, name: str, role: str, pin: str) -> StaffUser:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = StaffUser(name=name, role=role, pin_hash=hash_pin(pin), active=True)
    session.add(user)
    return user


def staff_list(ctx: Context) -> list[dict]:
    with ctx.db.read() as s:
        users = s.scalars(select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.id)).all()
        return [{"id": u.id, "name": u.name, "role": u.role} for u in users]


def sign_in(ctx: Context, user_id: int, pin: str, address: str) -> dict:
    now = ctx.clock.now()
    address = (address or "unknown")[:64]
    with ctx.db.write() as s:
        user = s.get(StaffUser, user_id)
        if user is None or not user.active:
            raise NotFound("There is no such staff member.", code="unknown_user")
        failure = s.get(PinFailure, (user_id, address))
        if failure and failure.locked_until and failure.locked_until > now:
            raise TooMany("Too many wrong PINs; try again in a few minutes.", code="locked_out")
        wrong = not check_password_hash(user.pin_hash, pin)
        if wrong:
            failure = failure or s.merge(PinFailure(user_id=user_id, address=address, failures=0))
            failure.failures += 1
            if failure.failures >= MAX_FAILURES:
                failure.failures, failure.locked_until = 0, now + LOCKOUT
        elif failure:
            s.delete(failure)
        result = staff_dict(user)
    if wrong:  # raised after the commit, so the count of wrong PINs is kept
        raise Unauthorized("Wrong PIN.", code="wrong_pin")
    return result


def staff_dict(user: StaffUser) -> dict:
    return {"id": user.id, "name": user.name, "role": user.role}


def active_member(ctx: Context, user_id: int) -> dict | None:
    """The staff member as they are now (None when deactivated): roles are checked
    against the database on every request, not trusted from the session cookie."""
    with ctx.db.read() as s:
        user = s.get(StaffUser, user_id)
        return staff_dict(user) if user is not None and user.active else None


def approve(ctx: Context, acting: Actor, approval: dict | None, address: str, what: str) -> int:
    """The id of the manager who approves `what`: the signed-in staff member if a manager,
    else the manager whose id and PIN were typed on the terminal (`approval`:
    {"manager_id", "pin"}; wrong PINs count toward that manager's lockout like a sign-in)."""
    if acting.role is not None and role_at_least(acting.role, "manager"):
        return acting.id
    if not approval:
        raise Forbidden(f"{what} needs a manager's approval.", code="approval_required",
                        details={"needed": "manager"})
    manager = sign_in(ctx, approval["manager_id"], approval["pin"], address)
    if not role_at_least(manager["role"], "manager"):
        raise Forbidden(f"{manager['name']} is not a manager.", code="not_a_manager")
    return manager["id"]
