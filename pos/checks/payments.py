"""Money in and out of a check: payments by any tender with tips, refunds, and closing
a paid check (the table's next visit and QR slip). Every operation locks the visit,
checks, writes and audits in one transaction, so a refusal (a 4xx) writes nothing and two
terminals never overpay one check."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.context import Actor, Context
from core.errors import Conflict, NotFound, Unprocessable
from pos.checks import billing, receipts
from pos.checks.adjustments import refusal
from pos.checks.floor import finished
from pos.checks.audit import audit
from pos.checks.summary import changed, load_visit, lock_check, money, publish_summary, visit_bill
from pos.checks.model import Payment, RegisterSession
from pos.orders.model import Visit
from pos.orders.requests import close_with_visit as close_requests_with_visit
from pos.orders.visits import new_visit, visit_url
from staff.services import approve


CASH = "cash"


def open_register_id(s: Session) -> int:
    """The open register's id: money moves only while the day is open, so that every
    payment and refund is in exactly one Z report."""
    register_id = s.scalar(select(RegisterSession.id).where(RegisterSession.closed_at.is_(None)))
    if register_id is None:
        raise Conflict("The register is closed: open the day (with its float) first.", code="register_closed")
    return register_id


def pay(ctx: Context, visit_id: int, *, tender: str, amount: int | None, tendered: int | None = None,
        tip: int = 0, reference: str | None = None, actor: Actor) -> dict:
    """Take a payment. Cash may be more than is due (the change is handed back); any other
    tender at most what is due. A tip is on top and is not part of the check."""
    cfg = ctx.settings.pos.tender(tender)
    if tender != CASH and cfg is None:
        raise Unprocessable(f"There is no tender {tender!r}.", code="unknown_tender")
    if cfg is not None and cfg.reference and not reference:
        raise Unprocessable(f"{cfg.label}: type the terminal's reference.", code="reference_required")
    if tip and not ctx.settings.pos.tips:
        raise Unprocessable("Tips are not taken here.", code="no_tips")
    with ctx.db.write() as s:
        visit = lock_check(s, visit_id)
        register_id = open_register_id(s)
        due = visit_bill(ctx, visit).due
        if amount is None:  # cash: what was handed over; any other tender: all that is due
            amount = tendered if tender == CASH and tendered else due
        try:
            result = billing.apply_tender(due, tender, amount, tendered if tender == CASH else None, tip,
                                          cash_step=ctx.settings.restaurant.cash_step)
        except billing.BillingError as e:
            raise refusal(e) from None
        payment = Payment(visit=visit, kind="payment", tender=tender, amount=result.paid, rounding=result.rounding,
                          tendered=result.tendered, change=result.change, tip=result.tip, reference=reference,
                          register_id=register_id, created_at=ctx.clock.now(), staff_id=actor.id)
        s.add(payment)
        s.flush()
        if tender == CASH:
            receipts.queue_drawer(ctx, s)
            audit(ctx, s, "drawer_open", staff_id=actor.id, visit_id=visit.id, amount=result.paid,
                  payment_id=payment.id)
        visit = load_visit(s, visit.id)
        if visit_bill(ctx, visit).due == 0:
            receipts.queue_receipt(ctx, s, visit)
            if finish_if_done(ctx, s, visit):  # a counter order handed over before it was paid
                visit = load_visit(s, visit.id)
        out = {"payment_id": payment.id, "tender": tender, "amount": result.paid, "rounding": result.rounding,
               "tip": result.tip,
               "tendered": payment.tendered, "change": result.change, "change_formatted": money(ctx, result.change)}
        return {**out, "check": changed(ctx, s, visit)}


def refund(ctx: Context, payment_id: int, *, amount: int, reason: str, actor: Actor,
           approval: dict | None, address: str) -> dict:
    """Give money back on a payment (manager approved): at most what it applied, less what
    was refunded on it already; cash opens the drawer."""
    approver = approve(ctx, actor, approval, address, "A refund")
    with ctx.db.write() as s:
        original = s.get(Payment, payment_id, with_for_update=True)
        if original is None or original.kind != "payment":
            raise NotFound(f"There is no payment {payment_id}.", code="unknown_payment")
        lock_check(s, original.visit_id, open_only=False)  # serialises refunds of one check
        register_id = open_register_id(s)
        done = sum(p.amount for p in s.scalars(select(Payment).where(Payment.refund_of == payment_id)))
        try:  # the limit is pos.checks.billing's, applied to this one payment
            left = billing.refundable({original.tender: original.amount}, {original.tender: done},
                                      original.tender, amount)
        except billing.BillingError:
            raise Conflict(f"At most {money(ctx, original.amount - done)} of this payment can be refunded.",
                           code="over_refund", details={"refundable": original.amount - done}) from None
        row = Payment(visit_id=original.visit_id, kind="refund", tender=original.tender, amount=amount,
                      tendered=amount, change=0, refund_of=original.id, register_id=register_id,
                      created_at=ctx.clock.now(), staff_id=actor.id)
        s.add(row)
        s.flush()
        audit(ctx, s, "refund", staff_id=actor.id, approved_by=approver, visit_id=original.visit_id,
              amount=amount, reason=reason, payment_id=original.id, tender=original.tender)
        if original.tender == CASH:
            receipts.queue_drawer(ctx, s)
            audit(ctx, s, "drawer_open", staff_id=actor.id, visit_id=original.visit_id, amount=-amount,
                  payment_id=row.id)
        return {"refund_id": row.id, "payment_id": original.id, "amount": amount, "tender": original.tender,
                "refundable": left}


def pay_cash(ctx: Context, visit_id: int, tendered: int, actor: Actor) -> dict:
    """Take cash for the open check; the change is what was handed over beyond what is due."""
    return pay(ctx, visit_id, tender="cash", amount=None, tendered=tendered,
                       actor=actor)


def close_visit(ctx: Context, visit_id: int, actor: Actor) -> dict:
    """Close a paid (or empty) check and open the table's next visit: the old link
    stops working and the table gets a new QR link."""
    with ctx.db.write() as s:
        visit = lock_check(s, visit_id, open_only=False)
        if not visit.is_open:
            raise Conflict("This check is already closed.", code="check_closed")
        t = visit_bill(ctx, visit)
        if t.due > 0:
            raise Conflict("This check still has money due.", code="unpaid",
                           details={"due": t.due, "due_formatted": money(ctx, t.due)})
        _close(ctx, s, visit, actor.id)
        if visit.table_id is None:  # a takeaway or counter check: no next party
            return {"closed_visit_id": visit.id, "next_visit_id": None, "table_id": None, "url": None}
        nxt = new_visit(ctx, s, visit.table_id)
        receipts.queue_qr_slip(ctx, s, visit.table.name, visit_url(ctx, nxt))
        publish_summary(ctx, s, nxt)
        return {"closed_visit_id": visit.id, "next_visit_id": nxt.id, "table_id": visit.table_id,
                "url": visit_url(ctx, nxt)}


def _close(ctx: Context, s: Session, visit: Visit, staff_id: int | None) -> None:
    """Close a paid check: its requests end, its diners' page turns into the receipt; a
    takeaway or counter card leaves the till (a table's next visit is the caller's)."""
    visit.closed_at = ctx.clock.now()
    visit.closed_by = staff_id
    close_requests_with_visit(ctx, s, visit.id, staff_id)
    s.flush()
    ctx.publish(s, f"visit:{visit.id}", "visit_closed", {"visit_id": visit.id})
    if visit.table_id is None:
        publish_summary(ctx, s, visit)


def finish_if_done(ctx: Context, s: Session, visit: Visit) -> bool:
    """A takeaway or counter check closes by itself once it is paid and every dish was
    handed over (pos.checks.floor.finished), so the day's report counts it as a sale;
    returns whether it closed. Tables are closed by the cashier (the next party's QR)."""
    if visit.table_id is not None or not visit.is_open:
        return False
    visit = load_visit(s, visit.id)
    if not finished([i.status for o in visit.orders for i in o.items], visit_bill(ctx, visit).due):
        return False
    _close(ctx, s, visit, None)
    return True
