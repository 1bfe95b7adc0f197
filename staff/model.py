"""Staff users with a role and a hashed PIN."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.database import Base, UTCDateTime

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


class PinFailure(Base):
    """Wrong PINs in a row for one staff member from one address, and until when that
    address is locked out. Keyed by address so that a phone on the shop's Wi-Fi guessing
    PINs locks out itself, not the cashier's terminal."""
    __tablename__ = "pin_failures"
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
