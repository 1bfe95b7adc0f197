"""Tables, their visits (one party's stay = one check), orders, their items, and the
diners' requests. The money on a check is pos.checks.model's."""
from __future__ import annotations

from datetime import date, datetime


from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import Base, UTCDateTime
from pos.orders.status import ItemStatus


class DiningTable(Base):
    __tablename__ = "dining_tables"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    seats: Mapped[int] = mapped_column(default=4)
    sort: Mapped[int] = mapped_column(default=0)
    # Where the table stands on the floor plan (grid cells; a manager arranges them).
    x: Mapped[int | None] = mapped_column()
    y: Mapped[int | None] = mapped_column()
    shape: Mapped[str] = mapped_column(String(8), default="square", server_default="square")  # square round


KIND_LABELS = {"takeaway": "外賣 Takeaway", "counter": "櫃台 Counter"}


class Visit(Base):
    """One check: a party's stay at a table, or a takeaway or counter order (no table, a
    pickup name or number). Each table always has exactly one open visit; closing it
    opens the next one with a fresh link token."""
    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="table", server_default="table")
    table_id: Mapped[int | None] = mapped_column(ForeignKey("dining_tables.id"), index=True)
    pickup: Mapped[str | None] = mapped_column(String(40))  # takeaway and counter: the name or number called
    nonce: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    covers: Mapped[int | None] = mapped_column()  # guests, as the cashier or the diner said

    table: Mapped[DiningTable] = relationship()
    orders: Mapped[list["Order"]] = relationship(back_populates="visit", order_by="Order.id")
    # payments and adjustments: the money on the check, added by pos.checks.model.
    requests: Mapped[list["ServiceRequest"]] = relationship(order_by="ServiceRequest.id", viewonly=True)

    __table_args__ = (
        # At most one open visit per table, enforced by the database on both engines.
        Index("uq_visits_open_table", "table_id", unique=True,
              sqlite_where=closed_at.is_(None), postgresql_where=closed_at.is_(None)),
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def label(self) -> str:
        """What tickets, screens and receipts call this check: the table, or the pickup."""
        if self.table is not None:
            return self.table.name
        return f"{KIND_LABELS.get(self.kind, self.kind)} {self.pickup or self.id}"


class OrderCounter(Base):
    """Order numbers restart at 1 every business day."""
    __tablename__ = "order_counters"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    number: Mapped[int] = mapped_column()
    business_day: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16), default="diner")
    idempotency_key: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rush: Mapped[bool] = mapped_column(default=False, server_default=false())
    promised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # shown to the diner at ordering
    late_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # found past its promise (apology shown)
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the expeditor sent it out

    visit: Mapped[Visit] = relationship(back_populates="orders")
    items: Mapped[list["OrderItem"]] = relationship(back_populates="order", order_by="OrderItem.id")

    __table_args__ = (UniqueConstraint("visit_id", "idempotency_key"),)


class OrderItem(Base):
    """One line of an order; names, prices and modifiers are copied at order time
    so later menu edits do not change what was ordered."""
    __tablename__ = "order_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    dish_id: Mapped[int] = mapped_column(ForeignKey("dishes.id"))
    names: Mapped[dict] = mapped_column(JSON)
    quantity: Mapped[int] = mapped_column()
    unit_price: Mapped[int] = mapped_column()  # dish price plus option deltas, minor units
    modifiers: Mapped[list] = mapped_column(JSON, default=list)  # [{"option_id", "names", "price_delta"}]
    note: Mapped[str | None] = mapped_column(Text)
    station: Mapped[str] = mapped_column(String(32))
    prep_seconds: Mapped[int] = mapped_column()  # the menu's prep time plus the modifiers' deltas
    extra_prep_seconds: Mapped[int] = mapped_column(default=0, server_default="0")  # the modifiers' part
    course: Mapped[int] = mapped_column(default=2, server_default="2")
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.QUEUED, index=True)  # pos.orders.status
    # The kitchen's plan (kitchen.sequencing): when to start, when it should be ready.
    fire_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # True while the item cooks since a cook pressed start (not after a recall, not when
    # bumped without a start): only then is start-to-bump a measurement of the dish.
    timed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Seconds from a cook's start to the bump, when both happened: what prep-time learning reads.
    cook_seconds: Mapped[int | None] = mapped_column()
    seat: Mapped[int | None] = mapped_column()  # which guest, for splitting by seats
    # A void takes an item sent to the kitchen off the check (manager approved, audited).
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)

    order: Mapped[Order] = relationship(back_populates="items")

    __table_args__ = (Index("ix_order_items_dish_measured", "dish_id", "ready_at"),)


class ServiceRequest(Base):
    """A diner asking from their phone: a waiter, the bill, or help with a dish (an item,
    a reason, optional text). It rings on the cashier's terminal until acknowledged and
    stays listed until resolved."""
    __tablename__ = "service_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # waiter bill problem
    item_id: Mapped[int | None] = mapped_column(ForeignKey("order_items.id"))
    reason: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)


