"""Changing what a check charges: discounts and comps, voids and price overrides, each
audited; large ones approved by a manager (staff.services.approve) before the change's
transaction. The arithmetic is pos.checks.billing's."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from core.context import Actor, Context
from core.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from pos.checks import billing
from pos.checks.audit import audit
from pos.checks.summary import changed, load_visit, lock_check, visit_bill
from pos.checks.model import CheckAdjustment
from pos.checks.signals import items_voided
from pos.orders.model import OrderItem, Visit
from staff.services import approve
from pos.orders.status import ItemStatus


def refusal(e: billing.BillingError) -> DomainError:
    """The one mapping of a billing refusal to HTTP: 409 when the money says no (overpay,
    nothing due), else 422."""
    return Conflict(str(e), code=e.code) if e.code in ("overpay", "nothing_due") \
        else Unprocessable(str(e), code=e.code)


def _adjustment(kind: str, item_id: int | None, percent: Decimal | None, amount: int | None) -> billing.Adjustment:
    return billing.Adjustment(kind=kind, line=item_id, percent=percent, amount=amount)


def _adjusted_bill(ctx: Context, visit: Visit, extra: billing.Adjustment | None = None) -> billing.Bill:
    try:
        return visit_bill(ctx, visit, extra=(extra,) if extra else ())
    except billing.BillingError as e:
        raise refusal(e) from None


def _needs_manager(ctx: Context, visit: Visit, adj: billing.Adjustment) -> bool:
    """Comps always; a discount when, with it, the discounts come to more than
    pos.discount_approval_percent of the prices they apply to: the item's own discounts
    against its price, and all discounts on the check against the check's prices (so small
    discounts stacked up count together)."""
    if adj.kind == "comp":
        return True
    limit = ctx.settings.pos.discount_approval_percent
    after = _adjusted_bill(ctx, visit, adj)
    if Decimal(after.discounts) * 100 > limit * after.subtotal:
        return True
    if adj.line is not None:
        line = after.line(adj.line)
        return Decimal(line.discount) * 100 > limit * line.gross
    return False


def not_below_paid(before: billing.Bill, after: billing.Bill) -> None:
    """A change that makes a check cost less than was already paid on it is refused: refund
    the difference first, so no guest's money is silently kept."""
    if after.total < before.total and after.total < after.paid:
        raise Conflict("More has been paid than the check would cost: refund the difference first.",
                       code="refund_first", details={"paid": after.paid, "total": after.total})


def add_adjustment(ctx: Context, visit_id: int, *, kind: str, item_id: int | None, percent: Decimal | None,
                   amount: int | None, reason: str, actor: Actor, approval: dict | None,
                   address: str, label: str | None = None) -> dict:
    """A discount (percent or amount) or comp on one item or the whole check; label is what
    the guest's receipt says, reason the cashier's (audit log and staff screens only)."""
    adj = _adjustment(kind, item_id, percent, amount)
    with ctx.db.read() as s:
        visit = load_visit(s, visit_id)
        if not visit.is_open:
            raise Conflict("This check is closed: it cannot change.", code="check_closed")
        if item_id is not None and not any(i.id == item_id and i.status != ItemStatus.VOIDED
                                           for o in visit.orders for i in o.items):
            raise NotFound(f"Item {item_id} is not on this check.", code="unknown_item")
        if item_id is None and not any(i.status != ItemStatus.VOIDED for o in visit.orders for i in o.items):
            raise Conflict("Nothing is on this check yet to discount.", code="nothing_to_discount")
        needs = _needs_manager(ctx, visit, adj)
    approver = approve(ctx, actor, approval, address, "A comp" if kind == "comp" else "This discount") \
        if needs else None
    with ctx.db.write() as s:
        visit = lock_check(s, visit_id)
        before = _adjusted_bill(ctx, visit)
        after = _adjusted_bill(ctx, visit, adj)  # validates again, under the lock
        if approver is None and _needs_manager(ctx, visit, adj):  # the check changed meanwhile
            raise Forbidden("This discount needs a manager's approval.", code="approval_required",
                            details={"needed": "manager"})
        not_below_paid(before, after)
        row = CheckAdjustment(visit_id=visit.id, item_id=item_id, kind=kind, percent=percent, amount=amount,
                              reason=reason, label=label, staff_id=actor.id, approved_by=approver,
                              created_at=ctx.clock.now())
        visit.adjustments.append(row)
        s.flush()
        audit(ctx, s, kind, staff_id=actor.id, approved_by=approver, visit_id=visit.id, item_id=item_id,
              amount=before.total - after.total, reason=reason, label=label, adjustment_id=row.id,
              percent=str(percent) if percent is not None else None)
        return changed(ctx, s, visit)


def remove_adjustment(ctx: Context, visit_id: int, adjustment_id: int, actor: Actor) -> dict:
    """Take a discount or comp off again (the check grows: no approval needed)."""
    with ctx.db.write() as s:
        visit = lock_check(s, visit_id)
        row = next((a for a in visit.adjustments if a.id == adjustment_id and a.removed_at is None), None)
        if row is None:
            raise NotFound(f"There is no discount {adjustment_id} on this check.", code="unknown_adjustment")
        row.removed_at = ctx.clock.now()
        audit(ctx, s, f"{row.kind}_removed", staff_id=actor.id, visit_id=visit.id, item_id=row.item_id,
              reason=row.reason, adjustment_id=row.id)
        return changed(ctx, s, visit)


def _known_item(ctx: Context, item_id: int) -> None:
    """404 when there is no such item, read before asking a manager, so a request for
    nothing never costs a PIN try."""
    with ctx.db.read() as s:
        _item(s, item_id)


def _item(s: Session, item_id: int) -> OrderItem:
    item = s.get(OrderItem, item_id)
    if item is None:
        raise NotFound(f"There is no item {item_id}.", code="unknown_item")
    return item


def _locked_item(s: Session, item_id: int, voided: str) -> tuple[Visit, OrderItem]:
    """An item and its open check, under the check's lock; refuses a voided item (`voided`
    says why). The item's check is read again under the lock: a merge may have moved it."""
    visit = lock_check(s, _item(s, item_id).order.visit_id)
    item = next(i for o in visit.orders for i in o.items if i.id == item_id)
    if item.status == ItemStatus.VOIDED:
        raise Conflict(voided, code="already_voided")
    return visit, item


def void_item(ctx: Context, item_id: int, *, reason: str, actor: Actor, approval: dict | None,
              address: str) -> dict:
    """Take an item the kitchen already has off the check: manager approved; the kitchen
    gets a VOID ticket and its screens update; its discounts go with it."""
    _known_item(ctx, item_id)
    approver = approve(ctx, actor, approval, address, "A void")
    with ctx.db.write() as s:
        visit, item = _locked_item(s, item_id, "This item is already voided.")
        if item.status == ItemStatus.SERVED:
            raise Conflict("This item was served: comp it instead.", code="served")
        before = visit_bill(ctx, visit)
        not_below_paid(before, visit_bill(ctx, visit, without={item.id}))
        items_voided.send(ctx, session=s, items=[item], reason=reason)
        for a in visit.adjustments:
            if a.item_id == item.id and a.removed_at is None:
                a.removed_at = ctx.clock.now()
        audit(ctx, s, "void", staff_id=actor.id, approved_by=approver, visit_id=visit.id, item_id=item.id,
              amount=item.unit_price * item.quantity, reason=reason, dish=item.names)
        return changed(ctx, s, visit)


def override_price(ctx: Context, item_id: int, *, unit_price: int, reason: str, actor: Actor,
                   approval: dict | None, address: str) -> dict:
    """Charge an item at another price (manager approved, audited with the old price)."""
    _known_item(ctx, item_id)
    approver = approve(ctx, actor, approval, address, "A price change")
    with ctx.db.write() as s:
        visit, item = _locked_item(s, item_id, "This item is voided.")
        old = item.unit_price
        before = visit_bill(ctx, visit)
        item.unit_price = unit_price
        not_below_paid(before, visit_bill(ctx, visit))
        audit(ctx, s, "price_override", staff_id=actor.id, approved_by=approver,
              visit_id=visit.id, item_id=item.id, amount=(unit_price - old) * item.quantity, reason=reason,
              old_unit_price=old, new_unit_price=unit_price)
        return changed(ctx, s, visit)
