"""Kitchen tickets (the items of one order for one station) and learned prep times."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import Base, UTCDateTime
from pos.orders.model import Order, OrderItem
from pos.orders.status import TicketStatus


class Ticket(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    station: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.OPEN, index=True)  # pos.orders.status
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bumped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)  # guards concurrent start/bump

    order: Mapped[Order] = relationship()
    items: Mapped[list[OrderItem]] = relationship(order_by=OrderItem.id)

    __mapper_args__ = {"version_id_col": version}


class PrepEstimate(Base):
    """A dish's prep time as the kitchen really cooks it, derived from the last measured
    start-to-bump times of its items (order_items.cook_seconds) by kitchen.prep_learning.
    A cache: recomputed from order_items whenever one of the dish's items is bumped or recalled."""
    __tablename__ = "prep_estimates"
    dish_id: Mapped[int] = mapped_column(ForeignKey("dishes.id", ondelete="CASCADE"), primary_key=True)
    seconds: Mapped[int | None] = mapped_column()  # None until enough measurements
    samples: Mapped[int] = mapped_column(default=0)  # measurements in the window
    outliers: Mapped[int] = mapped_column(default=0)  # of those, ignored as outliers
    recent: Mapped[list] = mapped_column(JSON, default=list)  # the window's measurements, newest first
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
