"""Shapes of orders and requests in the API: an order's lines as sent (diner and till),
and orders, items and diners' requests as answered (/api/openapi.json)."""
from __future__ import annotations

from pydantic import Field

from core.api import Id, Out, Schema, Text
from pos.orders.status import ItemStatus, literal


ItemStatusName = literal(ItemStatus)


class ItemOut(Out):
    id: int
    order_id: int
    dish_id: int
    name: str
    names: dict[str, str]
    quantity: int
    unit_price: int
    amount: int
    modifiers: list[str]
    note: str | None
    station: str
    status: ItemStatusName
    due_at: str | None = Field(description="when the kitchen's plan has it ready")


class OrderOut(Out):
    id: int
    number: int
    visit_id: int
    created_at: str
    source: str
    promised_at: str | None = Field(description="the ready time promised to the diner at ordering")
    late: bool = Field(description="past its promised time with dishes still cooking")
    items: list[ItemOut]


MAX_LINES = 50


MAX_QUANTITY = 50


MAX_NOTE = 200


class OrderLine(Schema):
    dish_id: Id
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    options: list[Id] = Field(default_factory=list, max_length=20)
    note: Text | None = Field(default=None, max_length=MAX_NOTE)


class RequestOut(Out):
    id: int
    visit_id: int
    table: str
    kind: str
    item_id: int | None
    item: dict | None = Field(description="the dish's names per language")
    reason: str | None
    text: str | None
    created_at: str
    acknowledged_at: str | None
    resolved_at: str | None
    resolution: str | None
