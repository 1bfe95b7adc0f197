"""The check as screens show it: items, totals and the table's state. Read-side
helpers shared by the dining room and the kitchen (no kitchen imports here)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.context import Context
from core.errors import NotFound
from menu.model import localized
from pos import billing
from pos.floor import table_state
from pos.model import Order, OrderItem, Visit
from pos.money import format_money
from pos.tokens import make_token


def money(ctx: Context, minor: int) -> str:
    r = ctx.settings.restaurant
    return format_money(minor, r.currency, r.minor_unit)


def visit_token(ctx: Context, visit: Visit) -> str:
    return make_token(ctx.secret, visit.id, visit.nonce)


def visit_url(ctx: Context, visit: Visit) -> str:
    """The diner's page of this visit: what its table's QR code and its receipt link to."""
    return f"{ctx.settings.server.public_base_url}/v/{visit_token(ctx, visit)}"


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


def _promise(order: Order) -> dict:
    return {"promised_at": order.promised_at.isoformat() if order.promised_at else None,
            "late": order.late_at is not None}


def order_dict(ctx: Context, order: Order) -> dict:
    return {"id": order.id, "number": order.number, "visit_id": order.visit_id,
            "created_at": order.created_at.isoformat(), "source": order.source, **_promise(order),
            "items": [item_dict(ctx, i) for i in order.items]}


# Everything a check shows, loaded in a few queries for any number of visits.
VISIT_LOADS = (selectinload(Visit.orders).selectinload(Order.items), selectinload(Visit.payments),
               selectinload(Visit.adjustments), selectinload(Visit.requests), selectinload(Visit.table))


def load_visit(s: Session, visit_id: int, *, lock: bool = False) -> Visit:
    """The visit with its orders, items and payments. lock=True takes the row lock that
    serialises everything that changes one check (on SQLite BEGIN IMMEDIATE already does)."""
    stmt = select(Visit).where(Visit.id == visit_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    visit = s.scalar(stmt.options(*VISIT_LOADS))
    if visit is None:
        raise NotFound(f"There is no visit {visit_id}.", code="unknown_visit")
    return visit


def visit_bill(ctx: Context, visit: Visit, extra: tuple[billing.Adjustment, ...] = (),
               without: set[int] = frozenset()) -> billing.Bill:
    """The check's arithmetic (pos.billing) from a visit loaded with VISIT_LOADS: its items
    not voided, its discounts and comps in force (plus `extra`, to see one before adding
    it; `without`: these items taken off, to see a void before it), and its payments.
    Refunds do not reopen a check: they are money given back,
    reported on their own."""
    r = ctx.settings.restaurant
    lines = [billing.Line(i.id, i.unit_price * i.quantity, i.seat)
             for o in visit.orders for i in o.items if i.status != "voided" and i.id not in without]
    adjustments = [billing.Adjustment(a.kind, a.item_id, a.percent, a.amount, a.reason)
                   for a in active_adjustments(visit) if a.item_id not in without]
    payments = [p for p in visit.payments if p.kind == "payment"]
    return billing.bill(lines, [*adjustments, *extra], service_pct=r.service_charge, tax_pct=r.tax_rate,
                        prices_include_tax=r.prices_include_tax, paid=sum(p.amount for p in payments),
                        tips=sum(p.tip for p in payments))



def totals_dict(ctx: Context, t: billing.Bill) -> dict:
    fields = {"subtotal": t.subtotal, "discounts": t.discounts, "comps": t.comps,
              "service_charge": t.service_charge, "tax": t.tax, "total": t.total, "paid": t.paid, "due": t.due,
              "tips": t.tips}
    return {**fields, "tax_included": t.tax_included,
            "formatted": {k: money(ctx, v) for k, v in fields.items()}}


def check_dict(ctx: Context, visit: Visit, lang: str | None = None) -> dict:
    t = visit_bill(ctx, visit)
    return {"visit_id": visit.id, "table_id": visit.table_id, "table": visit.label, "kind": visit.kind,
            "pickup": visit.pickup, "covers": visit.covers, "open": visit.is_open, "opened_at": visit.opened_at.isoformat(),
            "state": state_of(visit, t),
            "orders": [{"id": o.id, "number": o.number, "created_at": o.created_at.isoformat(), **_promise(o),
                        "items": [item_dict(ctx, i, lang) for i in o.items]} for o in visit.orders],
            "payments": [{"id": p.id, "kind": p.kind, "tender": p.tender, "amount": p.amount, "tendered": p.tendered,
                          "change": p.change, "tip": p.tip, "reference": p.reference, "refund_of": p.refund_of,
                          "created_at": p.created_at.isoformat()} for p in visit.payments],
            "adjustments": [{"id": a.id, "kind": a.kind, "item_id": a.item_id,
                             "percent": format(a.percent.normalize(), "f") if a.percent is not None else None,
                             "amount": a.amount, "reason": a.reason, "taken": taken,
                             "taken_formatted": money(ctx, taken)}
                            for a, taken in zip(active_adjustments(visit), t.adjustment_amounts)],
            "totals": totals_dict(ctx, t)}


def active_adjustments(visit: Visit) -> list:
    """The discounts and comps in force, in the order pos.billing applies them."""
    return [a for a in visit.adjustments if a.removed_at is None]


def publish_summary(ctx: Context, s: Session, visit: Visit) -> Visit:
    """Tell the cashier terminals, from the visit as it is now in this session: a table's
    tile ("table") or an open takeaway or counter check ("check"; open false once it is
    closed). Returns the visit as loaded for it (with VISIT_LOADS)."""
    fresh = load_visit(s, visit.id)
    ctx.publish(s, "pos", "table" if fresh.table_id is not None else "check", summary_of(ctx, fresh))
    return fresh


def _late(visit: Visit) -> bool:
    return any(o.late_at is not None and any(i.status in ("queued", "cooking", "ready") for i in o.items)
               for o in visit.orders)


def state_of(visit: Visit, t: billing.Bill) -> str:
    """The table's state on the floor (pos.floor.table_state) from a loaded visit."""
    return table_state([i.status for o in visit.orders for i in o.items], t.due, t.total,
                       seated=visit.covers is not None, late=_late(visit),
                       bill_requested=any(r.kind == "bill" and r.resolved_at is None for r in visit.requests))


def summary_of(ctx: Context, visit: Visit) -> dict:
    """The tile of a visit already loaded with VISIT_LOADS (what publish_summary sends)."""
    t = visit_bill(ctx, visit)
    items = [i for o in visit.orders for i in o.items]
    table = visit.table
    return {"table_id": visit.table_id, "table": visit.label, "seats": table.seats if table else 0,
            "x": table.x if table else None, "y": table.y if table else None,
            "shape": table.shape if table else None, "kind": visit.kind, "pickup": visit.pickup,
            "visit_id": visit.id, "open": visit.is_open, "state": state_of(visit, t), "covers": visit.covers,
            "requests": sum(1 for r in visit.requests if r.resolved_at is None),
            "items": sum(i.quantity for i in items if i.status != "voided"),
            "total": t.total, "due": t.due, "total_formatted": money(ctx, t.total),
            "opened_at": visit.opened_at.isoformat(),
            "late": _late(visit)}


