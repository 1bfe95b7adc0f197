"""The check as screens show it: its bill (pos.checks.billing over the visit's items,
discounts and payments), its items, totals and the table's state; the till's tiles and
takeaway cards; locking an open check for a change."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.context import Context
from core.errors import Conflict, NotFound
from pos.checks import billing, presentation
from pos.checks.floor import table_state
from pos.checks.money import format_money
from pos.checks.model import CheckAdjustment, Payment  # noqa: F401  (Visit.payments, Visit.adjustments)
from pos.orders.model import DiningTable, Order, Visit
from pos.orders.presenters import item_dict, promise_dict
from pos.orders.status import IN_KITCHEN, ItemStatus
from pos.orders.visits import lock_visit


# Everything a check shows, loaded in a few queries for any number of visits.
VISIT_LOADS = (selectinload(Visit.orders).selectinload(Order.items), selectinload(Visit.payments),
               selectinload(Visit.adjustments), selectinload(Visit.requests), selectinload(Visit.table))


def load_visit(s: Session, visit_id: int) -> Visit:
    """The visit with everything its check shows (VISIT_LOADS), read without a lock."""
    visit = s.scalar(select(Visit).where(Visit.id == visit_id).options(*VISIT_LOADS))
    if visit is None:
        raise NotFound(f"There is no visit {visit_id}.", code="unknown_visit")
    return visit



def money(ctx: Context, minor: int) -> str:
    r = ctx.settings.restaurant
    return format_money(minor, r.currency, r.minor_unit)


def visit_bill(ctx: Context, visit: Visit, extra: tuple[billing.Adjustment, ...] = (),
               without: set[int] = frozenset()) -> billing.Bill:
    """The check's arithmetic (pos.checks.billing) from a visit loaded with VISIT_LOADS: its items
    not voided, its discounts and comps in force (plus `extra`, to see one before adding
    it; `without`: these items taken off, to see a void before it), and its payments.
    Refunds do not reopen a check: they are money given back,
    reported on their own."""
    r = ctx.settings.restaurant
    lines = [billing.Line(i.id, i.unit_price * i.quantity, i.seat)
             for o in visit.orders for i in o.items if i.status != ItemStatus.VOIDED and i.id not in without]
    adjustments = [billing.Adjustment(a.kind, a.item_id, a.percent, a.amount, a.reason)
                   for a in active_adjustments(visit) if a.item_id not in without]
    payments = [p for p in visit.payments if p.kind == "payment"]
    return billing.bill(lines, [*adjustments, *extra], service_pct=r.service_rate(visit.kind), tax_pct=r.tax_rate,
                        prices_include_tax=r.prices_include_tax, paid=sum(p.amount - p.rounding for p in payments),
                        tips=sum(p.tip for p in payments))


def visit_presentation(ctx: Context, visit: Visit, b: billing.Bill | None = None) -> presentation.Presentation:
    """The guest's lines of the check (pos.checks.presentation.present) from a visit loaded with
    VISIT_LOADS (and its bill, when the caller has it)."""
    r = ctx.settings.restaurant
    b = b or visit_bill(ctx, visit)
    items = [presentation.ItemIn(i.id, i.quantity, i.names, tuple(m["names"] for m in i.modifiers))
             for o in visit.orders for i in o.items if i.status != ItemStatus.VOIDED]
    adjustments = [presentation.AdjustmentIn(a.kind, a.item_id, a.percent, a.label) for a in active_adjustments(visit)]
    payments = [presentation.PaymentIn(p.id, p.kind, p.tender, p.amount, p.tendered, p.change or 0, p.tip, p.rounding,
                                       p.reference) for p in visit.payments]
    return presentation.present(b, items, adjustments, payments, service_rate=r.service_rate(visit.kind),
                                tax_rate=r.tax_rate)


def bill_dict(ctx: Context, p: presentation.Presentation) -> dict:
    """The check's sums as the till shows them, from its presentation: each row's key (subtotal,
    discount, service, tax, total, rounding), amount and formatted text, then what was paid
    and what is due."""
    def row(key: str, amount: int, details: dict) -> dict:
        extra = {k: (format(v.normalize(), "f") if hasattr(v, "normalize") else v) for k, v in details.items()
                 if v is not None}
        return {"key": key, "amount": amount, "formatted": money(ctx, amount), **extra}
    return {"sums": [row(*r) for r in p.sums()],
            "after": [row(k, v, {}) for k, v in (("paid", p.paid), ("tips", p.tips)) if v] + [row("due", p.due, {})]}


def totals_dict(ctx: Context, t: billing.Bill, rounding: int = 0) -> dict:
    """The check's figures; rounding: what cash rounding changed what was paid by (-2: two cents
    less); cash_due: what settling the rest in cash takes (the due rounded to the smallest coin)."""
    cash_due = t.due + billing.cash_rounding(t.due, ctx.settings.restaurant.cash_step)
    fields = {"subtotal": t.subtotal, "discounts": t.discounts, "comps": t.comps,
              "service_charge": t.service_charge, "tax": t.tax, "total": t.total, "paid": t.paid, "due": t.due,
              "tips": t.tips, "rounding": rounding, "cash_due": cash_due}
    return {**fields, "tax_included": t.tax_included,
            "formatted": {k: money(ctx, v) for k, v in fields.items()}}


def check_dict(ctx: Context, visit: Visit, lang: str | None = None) -> dict:
    t = visit_bill(ctx, visit)
    shown = visit_presentation(ctx, visit, t)
    return {"visit_id": visit.id, "table_id": visit.table_id, "table": visit.label, "kind": visit.kind,
            "pickup": visit.pickup, "covers": visit.covers, "open": visit.is_open, "opened_at": visit.opened_at.isoformat(),
            "state": state_of(visit, t),
            "orders": [{"id": o.id, "number": o.number, "created_at": o.created_at.isoformat(), **promise_dict(o),
                        "items": [item_dict(ctx, i, lang) for i in o.items]} for o in visit.orders],
            "payments": [{"id": p.id, "kind": p.kind, "tender": p.tender, "amount": p.amount, "rounding": p.rounding,
                          "tendered": p.tendered,
                          "change": p.change, "tip": p.tip, "reference": p.reference, "refund_of": p.refund_of,
                          "created_at": p.created_at.isoformat()} for p in visit.payments],
            "adjustments": [{"id": a.id, "kind": a.kind, "item_id": a.item_id,
                             "percent": format(a.percent.normalize(), "f") if a.percent is not None else None,
                             "amount": a.amount, "reason": a.reason, "label": a.label, "taken": taken,
                             "taken_formatted": money(ctx, taken)}
                            for a, taken in zip(active_adjustments(visit), t.adjustment_amounts)],
            "totals": totals_dict(ctx, t, shown.rounding), "bill": bill_dict(ctx, shown)}


def active_adjustments(visit: Visit) -> list:
    """The discounts and comps in force, in the order pos.checks.billing applies them."""
    return [a for a in visit.adjustments if a.removed_at is None]


def publish_summary(ctx: Context, s: Session, visit: Visit) -> Visit:
    """Tell the cashier terminals, from the visit as it is now in this session: a table's
    tile ("table") or an open takeaway or counter check ("check"; open false once it is
    closed). Returns the visit as loaded for it (with VISIT_LOADS)."""
    fresh = load_visit(s, visit.id)
    ctx.publish(s, "pos", "table" if fresh.table_id is not None else "check", summary_of(ctx, fresh))
    return fresh


def _late(visit: Visit) -> bool:
    return any(o.late_at is not None and any(i.status in IN_KITCHEN for i in o.items)
               for o in visit.orders)


def state_of(visit: Visit, t: billing.Bill) -> str:
    """The table's state on the floor (pos.checks.floor.table_state) from a loaded visit."""
    return table_state([i.status for o in visit.orders for i in o.items], t.due, t.total,
                       seated=visit.covers is not None, late=_late(visit),
                       bill_requested=any(r.kind == "bill" and r.resolved_at is None for r in visit.requests),
                       pickup=visit.table_id is None)


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
            "items": sum(i.quantity for i in items if i.status != ItemStatus.VOIDED),
            "total": t.total, "due": t.due, "total_formatted": money(ctx, t.total),
            "opened_at": visit.opened_at.isoformat(),
            "late": _late(visit)}


def lock_check(s: Session, visit_id: int, *, open_only: bool = True) -> Visit:
    """The visit with everything its check shows, under the visit's row lock
    (pos.orders.visits.lock_visit). open_only refuses a closed check."""
    visit = lock_visit(s, visit_id, VISIT_LOADS)
    if open_only and not visit.is_open:
        raise Conflict("This check is closed: it cannot change.", code="check_closed")
    return visit


def changed(ctx: Context, s: Session, visit: Visit) -> dict:
    """The check after a change, and the cashier screens told."""
    s.flush()
    return check_dict(ctx, publish_summary(ctx, s, visit))


# -- reading checks ---------------------------------------------------------------

def takeaway_checks(ctx: Context) -> list[dict]:
    """The open takeaway and counter checks (tables are on the floor)."""
    with ctx.db.read() as s:
        visits = s.scalars(select(Visit).where(Visit.closed_at.is_(None), Visit.table_id.is_(None))
                           .order_by(Visit.id).options(*VISIT_LOADS)).all()
        return [summary_of(ctx, v) for v in visits]


def floor(ctx: Context) -> list[dict]:
    with ctx.db.read() as s:
        visits = s.scalars(select(Visit).join(DiningTable).where(Visit.closed_at.is_(None))
                           .order_by(DiningTable.sort, DiningTable.id).options(*VISIT_LOADS)).all()
        return [summary_of(ctx, v) for v in visits]


def bill_of(ctx: Context, visit_id: int):
    """The check's arithmetic (pos.checks.billing.Bill), for splitting it."""
    with ctx.db.read() as s:
        return visit_bill(ctx, load_visit(s, visit_id))


def read_check(ctx: Context, visit_id: int) -> dict:
    with ctx.db.read() as s:
        return check_dict(ctx, load_visit(s, visit_id))

