"""Staff users with a role and a hashed PIN."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.database import Base, UTCDateTime

ROLES = ("cook", "cashier", "manager", "admin")


def role_at_least(role: str, needed: str) -> bool:
    """Roles are ordered: cook < cashier < manager < admin."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


class StaffUser(Base):
    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Wrong PINs in a row, and until when sign-in is refused after too many.
    failed_pins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
