"""Orders and their items as screens and the API show them."""
from __future__ import annotations

from core.context import Context
from menu.model import localized
from pos.orders.model import Order, OrderItem


def item_dict(ctx: Context, item: OrderItem, lang: str | None = None) -> dict:
    langs = ctx.settings.restaurant.languages
    lang = lang or langs[0]
    return {"id": item.id, "order_id": item.order_id, "dish_id": item.dish_id,
            "name": localized(item.names, lang, langs), "names": item.names,
            "quantity": item.quantity, "unit_price": item.unit_price,
            "amount": item.unit_price * item.quantity,
            "modifiers": [localized(m["names"], lang, langs) for m in item.modifiers],
            "note": item.note, "station": item.station, "status": item.status,
            "due_at": item.due_at.isoformat() if item.due_at else None}


def promise_dict(order: Order) -> dict:
    return {"promised_at": order.promised_at.isoformat() if order.promised_at else None,
            "late": order.late_at is not None}


def order_dict(ctx: Context, order: Order) -> dict:
    return {"id": order.id, "number": order.number, "visit_id": order.visit_id,
            "created_at": order.created_at.isoformat(), "source": order.source, **promise_dict(order),
            "items": [item_dict(ctx, i) for i in order.items]}
