"""The money on a check: payments and refunds, discounts and comps, the audit log, and
the register sessions every payment belongs to (with their cash movements)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from core.database import Base, UTCDateTime
from pos.orders.model import Visit


class Payment(Base):
    """Money taken for a check (kind "payment") or given back (kind "refund": amount is
    what was refunded, positive; refund_of names the payment)."""
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="payment", server_default="payment")
    tender: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column()  # received toward the check (a refund: given back)
    # Cash rounded to the smallest coin: amount minus what it settled (-2: HK$483.12 paid with HK$483.10).
    rounding: Mapped[int] = mapped_column(default=0, server_default="0")
    tendered: Mapped[int] = mapped_column()  # handed over
    change: Mapped[int] = mapped_column(default=0)
    tip: Mapped[int] = mapped_column(default=0, server_default="0")  # on top of amount, not part of the check
    reference: Mapped[str | None] = mapped_column(String(64))  # the card terminal's reference
    refund_of: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    register_id: Mapped[int | None] = mapped_column(ForeignKey("register_sessions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    visit: Mapped[Visit] = relationship(backref=backref("payments", order_by="Payment.id"))


class CheckAdjustment(Base):
    """A discount (percent or amount) or comp on one item or the whole check, with its
    reason and, above the configured threshold, the approving manager."""
    __tablename__ = "check_adjustments"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("order_items.id"))  # None: the whole check
    kind: Mapped[str] = mapped_column(String(16))  # discount comp
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    amount: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)  # the cashier's, for the audit log and staff screens only
    label: Mapped[str | None] = mapped_column(String(64))  # what the guest's receipt says (None: "Discount")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship(backref=backref("adjustments", order_by="CheckAdjustment.id"))


class RegisterSession(Base):
    """The cash register from opening (with a float) to closing (with the counted cash)."""
    __tablename__ = "register_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    business_day: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    float_amount: Mapped[int] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    counted: Mapped[int | None] = mapped_column()
    expected: Mapped[int | None] = mapped_column()
    report: Mapped[dict | None] = mapped_column(JSON)  # the Z report as it was at closing
    # 1 while open, NULL once closed: the unique constraint allows one open register at a
    # time on both engines (NULLs never collide).
    open_marker: Mapped[int | None] = mapped_column(unique=True)


class CashMovement(Base):
    """Cash put into (kind "in") or taken out of (kind "out") the drawer, with a reason."""
    __tablename__ = "cash_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("register_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[int] = mapped_column()  # positive
    reason: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Every void, comp, discount, refund, price override and drawer opening: who, when,
    what, and the approving manager."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("order_items.id"))
    amount: Mapped[int | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
