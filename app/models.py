"""Imports every feature's models so Base.metadata knows all tables (for Alembic and tests)."""
from core.database import Base
from core.realtime import OutboxEvent  # noqa: F401
from kitchen.model import Ticket  # noqa: F401
from menu.model import Category, Dish, ModifierGroup, ModifierOption  # noqa: F401
from pos.checks.model import AuditEntry, CashMovement, CheckAdjustment, Payment, RegisterSession  # noqa: F401
from pos.orders.model import DiningTable, Order, OrderCounter, OrderItem, ServiceRequest, Visit  # noqa: F401
from printers.model import PrintJob  # noqa: F401
from staff.model import StaffUser  # noqa: F401

metadata = Base.metadata
