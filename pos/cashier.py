"""What the cashier does to a check: discounts and comps, voids, payments by any tender
with tips, and refunds; each audited.

Every operation locks the visit, checks, writes and audits in one transaction, so a
refusal (a 4xx DomainError) writes nothing and two terminals never overpay one check.
A manager's approval (staff.services.approve) is checked before that transaction: it
is a PIN check with its own lockout bookkeeping. The arithmetic is pos.billing's."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.context import Context
from core.errors import Conflict, DomainError, Forbidden, NotFound
from kitchen import services as kitchen
from pos import billing, receipts
from pos.checks import check_dict, load_visit, money, publish_summary, visit_bill, visit_url
from pos.model import AuditEntry, CheckAdjustment, OrderItem, Payment, RegisterSession, Visit
from staff.services import approve

CASH = "cash"


def _refuse(e: billing.BillingError) -> DomainError:
    return Conflict(str(e), code=e.code) if e.code in ("overpay", "nothing_due") \
        else DomainError(str(e), code=e.code, status=422)


def audit(ctx: Context, s: Session, action: str, *, staff_id: int | None, approved_by: int | None = None,
          visit_id: int | None = None, item_id: int | None = None, amount: int | None = None,
          reason: str | None = None, **details) -> None:
    s.add(AuditEntry(at=ctx.clock.now(), action=action, staff_id=staff_id, approved_by=approved_by,
                     visit_id=visit_id, item_id=item_id, amount=amount, reason=reason, details=details))


def _open_check(s: Session, visit_id: int) -> Visit:
    visit = load_visit(s, visit_id, lock=True)
    if not visit.is_open:
        raise Conflict("This check is closed: it cannot change.", code="check_closed")
    return visit


def _changed(ctx: Context, s: Session, visit: Visit) -> dict:
    """The check after a change, and the cashier screens told."""
    s.flush()
    return check_dict(ctx, publish_summary(ctx, s, visit))


# -- discounts and comps -----------------------------------------------------------------------

def _adjustment(kind: str, item_id: int | None, percent: Decimal | None, amount: int | None) -> billing.Adjustment:
    return billing.Adjustment(kind=kind, line=item_id, percent=percent, amount=amount)


def _adjusted_bill(ctx: Context, visit: Visit, extra: billing.Adjustment | None = None) -> billing.Bill:
    try:
        return visit_bill(ctx, visit, extra=(extra,) if extra else ())
    except billing.BillingError as e:
        raise _refuse(e) from None


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


def _not_below_paid(before: billing.Bill, after: billing.Bill) -> None:
    """A change that makes a check cost less than was already paid on it is refused: refund
    the difference first, so no guest's money is silently kept."""
    if after.total < before.total and after.total < after.paid:
        raise Conflict("More has been paid than the check would cost: refund the difference first.",
                       code="refund_first", details={"paid": after.paid, "total": after.total})


def add_adjustment(ctx: Context, visit_id: int, *, kind: str, item_id: int | None, percent: Decimal | None,
                   amount: int | None, reason: str, staff: dict | None, approval: dict | None,
                   address: str) -> dict:
    """A discount (percent or amount) or comp on one item or the whole check."""
    adj = _adjustment(kind, item_id, percent, amount)
    with ctx.db.read() as s:
        visit = load_visit(s, visit_id)
        if not visit.is_open:
            raise Conflict("This check is closed: it cannot change.", code="check_closed")
        if item_id is not None and not any(i.id == item_id and i.status != "voided"
                                           for o in visit.orders for i in o.items):
            raise NotFound(f"Item {item_id} is not on this check.", code="unknown_item")
        if item_id is None and not any(i.status != "voided" for o in visit.orders for i in o.items):
            raise Conflict("Nothing is on this check yet to discount.", code="nothing_to_discount")
        needs = _needs_manager(ctx, visit, adj)
    approver = approve(ctx, staff, approval, address, "A comp" if kind == "comp" else "This discount") \
        if needs else None
    staff_id = staff["id"] if staff else None
    with ctx.db.write() as s:
        visit = _open_check(s, visit_id)
        before = _adjusted_bill(ctx, visit)
        after = _adjusted_bill(ctx, visit, adj)  # validates again, under the lock
        if approver is None and _needs_manager(ctx, visit, adj):  # the check changed meanwhile
            raise Forbidden("This discount needs a manager's approval.", code="approval_required",
                            details={"needed": "manager"})
        _not_below_paid(before, after)
        row = CheckAdjustment(visit_id=visit.id, item_id=item_id, kind=kind, percent=percent, amount=amount,
                              reason=reason, staff_id=staff_id, approved_by=approver, created_at=ctx.clock.now())
        visit.adjustments.append(row)
        s.flush()
        audit(ctx, s, kind, staff_id=staff_id, approved_by=approver, visit_id=visit.id, item_id=item_id,
              amount=before.total - after.total, reason=reason, adjustment_id=row.id,
              percent=str(percent) if percent is not None else None)
        return _changed(ctx, s, visit)


def remove_adjustment(ctx: Context, visit_id: int, adjustment_id: int, staff: dict | None) -> dict:
    """Take a discount or comp off again (the check grows: no approval needed)."""
    staff_id = staff["id"] if staff else None
    with ctx.db.write() as s:
        visit = _open_check(s, visit_id)
        row = next((a for a in visit.adjustments if a.id == adjustment_id and a.removed_at is None), None)
        if row is None:
            raise NotFound(f"There is no discount {adjustment_id} on this check.", code="unknown_adjustment")
        row.removed_at = ctx.clock.now()
        audit(ctx, s, f"{row.kind}_removed", staff_id=staff_id, visit_id=visit.id, item_id=row.item_id,
              reason=row.reason, adjustment_id=row.id)
        return _changed(ctx, s, visit)


# -- voids -------------------------------------------------------------------------------------

def _visit_of_item(ctx: Context, item_id: int) -> int:
    """The check an item is on (404 when there is no such item), read before asking a
    manager, so a request for nothing never costs a PIN try."""
    with ctx.db.read() as s:
        item = s.get(OrderItem, item_id)
        if item is None:
            raise NotFound(f"There is no item {item_id}.", code="unknown_item")
        return item.order.visit_id


def void_item(ctx: Context, item_id: int, *, reason: str, staff: dict | None, approval: dict | None,
              address: str) -> dict:
    """Take an item the kitchen already has off the check: manager approved; the kitchen
    gets a VOID ticket and its screens update; its discounts go with it."""
    visit_id = _visit_of_item(ctx, item_id)
    approver = approve(ctx, staff, approval, address, "A void")
    staff_id = staff["id"] if staff else None
    with ctx.db.write() as s:
        visit = _open_check(s, visit_id)
        item = next(i for o in visit.orders for i in o.items if i.id == item_id)
        if item.status == "voided":
            raise Conflict("This item is already voided.", code="already_voided")
        if item.status == "served":
            raise Conflict("This item was served: comp it instead.", code="served")
        before = visit_bill(ctx, visit)
        _not_below_paid(before, visit_bill(ctx, visit, without={item.id}))
        kitchen.void_items(ctx, s, [item], reason)
        for a in visit.adjustments:
            if a.item_id == item.id and a.removed_at is None:
                a.removed_at = ctx.clock.now()
        audit(ctx, s, "void", staff_id=staff_id, approved_by=approver, visit_id=visit.id, item_id=item.id,
              amount=item.unit_price * item.quantity, reason=reason, dish=item.names)
        return _changed(ctx, s, visit)


# -- payments and refunds -----------------------------------------------------------------------

def open_register_id(s: Session) -> int:
    """The open register's id: money moves only while the day is open, so that every
    payment and refund is in exactly one Z report."""
    register_id = s.scalar(select(RegisterSession.id).where(RegisterSession.closed_at.is_(None)))
    if register_id is None:
        raise Conflict("The register is closed: open the day (with its float) first.", code="register_closed")
    return register_id


def pay(ctx: Context, visit_id: int, *, tender: str, amount: int | None, tendered: int | None = None,
        tip: int = 0, reference: str | None = None, staff: dict | None) -> dict:
    """Take a payment. Cash may be more than is due (the change is handed back); any other
    tender at most what is due. A tip is on top and is not part of the check."""
    cfg = ctx.settings.pos.tender(tender)
    if tender != CASH and cfg is None:
        raise DomainError(f"There is no tender {tender!r}.", code="unknown_tender", status=422)
    if cfg is not None and cfg.reference and not reference:
        raise DomainError(f"{cfg.label}: type the terminal's reference.", code="reference_required", status=422)
    if tip and not ctx.settings.pos.tips:
        raise DomainError("Tips are not taken here.", code="no_tips", status=422)
    staff_id = staff["id"] if staff else None
    with ctx.db.write() as s:
        visit = _open_check(s, visit_id)
        register_id = open_register_id(s)
        due = visit_bill(ctx, visit).due
        if amount is None:  # cash: what was handed over; any other tender: all that is due
            amount = tendered if tender == CASH and tendered else due
        try:
            result = billing.apply_tender(due, tender, amount, tendered if tender == CASH else None, tip)
        except billing.BillingError as e:
            raise _refuse(e) from None
        payment = Payment(visit=visit, kind="payment", tender=tender, amount=result.applied,
                          tendered=result.tendered, change=result.change, tip=result.tip, reference=reference,
                          register_id=register_id, created_at=ctx.clock.now(), staff_id=staff_id)
        s.add(payment)
        s.flush()
        if tender == CASH:
            receipts.queue_drawer(ctx, s)
            audit(ctx, s, "drawer_open", staff_id=staff_id, visit_id=visit.id, amount=result.applied,
                  payment_id=payment.id)
        visit = load_visit(s, visit.id)
        if visit_bill(ctx, visit).due == 0:
            receipts.queue_receipt(ctx, s, visit)
        out = {"payment_id": payment.id, "tender": tender, "amount": result.applied, "tip": result.tip,
               "tendered": payment.tendered, "change": result.change, "change_formatted": money(ctx, result.change)}
        return {**out, "check": _changed(ctx, s, visit)}


def refund(ctx: Context, payment_id: int, *, amount: int, reason: str, staff: dict | None,
           approval: dict | None, address: str) -> dict:
    """Give money back on a payment (manager approved): at most what it applied, less what
    was refunded on it already; cash opens the drawer."""
    approver = approve(ctx, staff, approval, address, "A refund")
    staff_id = staff["id"] if staff else None
    with ctx.db.write() as s:
        original = s.get(Payment, payment_id, with_for_update=True)
        if original is None or original.kind != "payment":
            raise NotFound(f"There is no payment {payment_id}.", code="unknown_payment")
        load_visit(s, original.visit_id, lock=True)  # serialises refunds of one check
        register_id = open_register_id(s)
        done = sum(p.amount for p in s.scalars(select(Payment).where(Payment.refund_of == payment_id)))
        try:  # the limit is pos.billing's, applied to this one payment
            left = billing.refundable({original.tender: original.amount}, {original.tender: done},
                                      original.tender, amount)
        except billing.BillingError:
            raise Conflict(f"At most {money(ctx, original.amount - done)} of this payment can be refunded.",
                           code="over_refund", details={"refundable": original.amount - done}) from None
        row = Payment(visit_id=original.visit_id, kind="refund", tender=original.tender, amount=amount,
                      tendered=amount, change=0, refund_of=original.id, register_id=register_id,
                      created_at=ctx.clock.now(), staff_id=staff_id)
        s.add(row)
        s.flush()
        audit(ctx, s, "refund", staff_id=staff_id, approved_by=approver, visit_id=original.visit_id,
              amount=amount, reason=reason, payment_id=original.id, tender=original.tender)
        if original.tender == CASH:
            receipts.queue_drawer(ctx, s)
            audit(ctx, s, "drawer_open", staff_id=staff_id, visit_id=original.visit_id, amount=-amount,
                  payment_id=row.id)
        return {"refund_id": row.id, "payment_id": original.id, "amount": amount, "tender": original.tender,
                "refundable": left}


# -- the audit log -----------------------------------------------------------------------------

def audit_log(ctx: Context, *, action: str | None = None, staff_id: int | None = None,
              since: datetime | None = None, until: datetime | None = None, limit: int = 200) -> list[dict]:
    from staff.model import StaffUser
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        q = q.where(AuditEntry.action == action)
    if staff_id:
        q = q.where((AuditEntry.staff_id == staff_id) | (AuditEntry.approved_by == staff_id))
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at < until)
    with ctx.db.read() as s:
        names = dict(s.execute(select(StaffUser.id, StaffUser.name)).all())
        return [{"id": e.id, "at": e.at.isoformat(), "action": e.action, "staff_id": e.staff_id,
                 "staff": names.get(e.staff_id), "approved_by": e.approved_by,
                 "approver": names.get(e.approved_by), "visit_id": e.visit_id, "item_id": e.item_id,
                 "amount": e.amount, "amount_formatted": money(ctx, e.amount) if e.amount is not None else None,
                 "reason": e.reason, "details": e.details} for e in s.scalars(q)]


# -- moving and merging checks, price overrides -----------------------------------------------------

def _table_visit(s: Session, table_id: int) -> Visit:
    visit_id = s.scalar(select(Visit.id).where(Visit.table_id == table_id, Visit.closed_at.is_(None)))
    if visit_id is None:
        raise NotFound(f"There is no table {table_id}.", code="unknown_table")
    return load_visit(s, visit_id, lock=True)


def _retell_kitchen(ctx: Context, s: Session, visit: Visit) -> None:
    """The kitchen's cards and the pass show the check's new table; nothing is printed again."""
    orders = {o.id for o in visit.orders}
    tickets = {t for o in visit.orders for i in o.items if (t := i.ticket_id) is not None}
    kitchen.publish(ctx, s, tickets, orders)


def move_check(ctx: Context, visit_id: int, to_table_id: int, staff: dict | None) -> dict:
    """The party moves to another (free) table with its whole check and its phones' link.
    The free table's unused visit is closed; the table left behind gets a new visit. Both
    tables get a fresh QR slip, so the paper code on each table is that table's check."""
    from pos.services import open_visit
    with ctx.db.write() as s:
        visit = _open_check(s, visit_id)
        if visit.table_id is None:
            raise Conflict("A takeaway or counter check has no table to move from.", code="not_a_table")
        target = _table_visit(s, to_table_id)
        if target.id == visit.id:
            raise Conflict("The check is already at that table.", code="same_table")
        if target.orders or target.payments or target.adjustments:
            raise Conflict("That table has a check of its own: merge instead.", code="table_taken")
        source_table = visit.table_id
        target.closed_at = ctx.clock.now()  # nobody used it; its link stops working
        s.flush()
        visit.table_id = to_table_id
        s.flush()
        s.expire(visit, ["table"])
        left = open_visit(ctx, s, source_table)
        for v in (visit, left):
            receipts.queue_qr_slip(ctx, s, v.label, visit_url(ctx, v))
        audit(ctx, s, "check_moved", staff_id=staff["id"] if staff else None, visit_id=visit.id,
              from_table=source_table, to_table=to_table_id)
        _retell_kitchen(ctx, s, visit)
        publish_summary(ctx, s, left)
        return _changed(ctx, s, visit)


def merge_checks(ctx: Context, from_visit_id: int, into_visit_id: int, staff: dict | None) -> dict:
    """Two tables become one check: the orders, payments, discounts and requests of one move
    to the other, nothing goes to the kitchen again, and the emptied table gets its next
    visit and QR link (its old link stops working)."""
    from pos.model import ServiceRequest
    from pos.services import open_visit
    if from_visit_id == into_visit_id:
        raise Conflict("A check cannot be merged into itself.", code="same_check")
    with ctx.db.write() as s:
        # Lock both in id order, so two merges the other way round cannot deadlock.
        first, second = sorted((from_visit_id, into_visit_id))
        locked = {first: _open_check(s, first), second: _open_check(s, second)}
        source, into = locked[from_visit_id], locked[into_visit_id]
        if any(a.item_id is None and a.removed_at is None for a in source.adjustments):
            # A check discount was given (and approved) for that check alone.
            raise Conflict("Take this check's whole-check discounts off before merging it.",
                           code="check_discounts")
        if source.covers or into.covers:
            into.covers = (into.covers or 0) + (source.covers or 0)
        for o in list(source.orders):
            o.visit_id = into.id
        for p in list(source.payments):
            p.visit_id = into.id
        for a in list(source.adjustments):
            a.visit_id = into.id
        for r in s.scalars(select(ServiceRequest).where(ServiceRequest.visit_id == source.id)):
            r.visit_id = into.id
        source.closed_at = ctx.clock.now()
        source.closed_by = staff["id"] if staff else None
        s.flush()
        s.expire_all()
        into = load_visit(s, into.id)
        audit(ctx, s, "checks_merged", staff_id=staff["id"] if staff else None, visit_id=into.id,
              merged_visit=source.id)
        ctx.publish(s, f"visit:{source.id}", "visit_closed", {"visit_id": source.id, "merged_into": into.id})
        _retell_kitchen(ctx, s, into)
        if source.table_id is not None:
            nxt = open_visit(ctx, s, source.table_id)
            receipts.queue_qr_slip(ctx, s, nxt.label, visit_url(ctx, nxt))
            publish_summary(ctx, s, nxt)
        else:
            publish_summary(ctx, s, source)  # the takeaway card leaves the terminals
        return _changed(ctx, s, into)


def override_price(ctx: Context, item_id: int, *, unit_price: int, reason: str, staff: dict | None,
                   approval: dict | None, address: str) -> dict:
    """Charge an item at another price (manager approved, audited with the old price)."""
    visit_id = _visit_of_item(ctx, item_id)
    approver = approve(ctx, staff, approval, address, "A price change")
    with ctx.db.write() as s:
        visit = _open_check(s, visit_id)
        item = next(i for o in visit.orders for i in o.items if i.id == item_id)
        if item.status == "voided":
            raise Conflict("This item is voided.", code="already_voided")
        old = item.unit_price
        before = visit_bill(ctx, visit)
        item.unit_price = unit_price
        _not_below_paid(before, visit_bill(ctx, visit))
        audit(ctx, s, "price_override", staff_id=staff["id"] if staff else None, approved_by=approver,
              visit_id=visit.id, item_id=item.id, amount=(unit_price - old) * item.quantity, reason=reason,
              old_unit_price=old, new_unit_price=unit_price)
        return _changed(ctx, s, visit)


def seat_party(ctx: Context, visit_id: int, covers: int, staff: dict | None) -> dict:
    """A party sits down: the table shows "seated" and the day counts its covers."""
    with ctx.db.write() as s:
        visit = _open_check(s, visit_id)
        visit.covers = covers
        return _changed(ctx, s, visit)
