"""Use cases of the dining room: table visits and their links, orders, the check,
cash payments and closing a table."""
from __future__ import annotations

import hashlib
import json
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.context import Context
from app.errors import Conflict, DomainError, Forbidden
from kitchen import services as kitchen
from menu import services as menu
from menu.model import localized
from pos import billing
from pos.checks import VISIT_LOADS, check_dict, load_visit, money, order_dict, summary_of, table_summary, totals
from pos.model import DiningTable, Order, OrderCounter, OrderItem, Payment, Visit
from pos.ordering import OrderRejected, RequestedLine, price_lines
from pos.tokens import make_token, read_token
from printers import services as printing


# -- visits and links --------------------------------------------------------

def open_visit(ctx: Context, session: Session, table_id: int) -> Visit:
    visit = Visit(table_id=table_id, nonce=secrets.token_urlsafe(16), opened_at=ctx.clock.now())
    session.add(visit)
    session.flush()
    return visit


def visit_token(ctx: Context, visit: Visit) -> str:
    return make_token(ctx.secret, visit.id, visit.nonce)


def visit_url(ctx: Context, visit: Visit) -> str:
    return f"{ctx.settings.server.public_base_url}/v/{visit_token(ctx, visit)}"


def visit_for_token(ctx: Context, session: Session, token: str, *, lock: bool = False,
                    closed_ok: bool = False) -> Visit:
    """The open visit a diner's token names; refuses forged tokens and (unless closed_ok)
    closed visits. lock=True holds the visit's row lock, so an order cannot slip in while
    the check closes."""
    parsed = read_token(ctx.secret, token)
    if parsed is None:
        raise Forbidden("This table link is not valid.", code="invalid_token")
    if not 0 < parsed[0] < 2**31:
        raise Forbidden("This table link is not valid.", code="invalid_token")
    visit = session.get(Visit, parsed[0], with_for_update=lock or None, populate_existing=lock)
    if visit is None or not secrets.compare_digest(visit.nonce, parsed[1]):
        raise Forbidden("This table link is not valid.", code="invalid_token")
    if not visit.is_open and not closed_ok:
        raise Forbidden("This table has been closed. Scan the code on your table again.",
                        code="visit_closed")
    return visit


def current_visits(ctx: Context) -> list[dict]:
    """Every table with its open visit's link (for QR codes)."""
    with ctx.db.read() as s:
        rows = s.execute(select(DiningTable, Visit).join(Visit, Visit.table_id == DiningTable.id)
                         .where(Visit.closed_at.is_(None)).order_by(DiningTable.sort, DiningTable.id)).all()
        return [{"table_id": t.id, "table": t.name, "seats": t.seats, "visit_id": v.id,
                 "url": visit_url(ctx, v)} for t, v in rows]


# -- orders ------------------------------------------------------------------

def _next_order_number(session: Session, day) -> int:
    dialect = session.bind.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OrderCounter).values(day=day, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=[OrderCounter.day],
                                      set_={"last": OrderCounter.last + 1}).returning(OrderCounter.last)
    return session.execute(stmt).scalar_one()


def _request_hash(items: list[RequestedLine]) -> str:
    canon = json.dumps([[i.dish_id, i.quantity, sorted(i.option_ids), i.note or ""] for i in items])
    return hashlib.sha256(canon.encode()).hexdigest()


def place_order(ctx: Context, token: str, idempotency_key: str, items: list[RequestedLine],
                source: str = "diner") -> tuple[dict, bool]:
    """Price the items on the server, write the order, its kitchen tickets and print
    jobs in one transaction. Returns (order, created); a repeated idempotency key
    returns the first order with created=False."""
    digest = _request_hash(items)
    try:
        with ctx.db.write() as s:
            visit = visit_for_token(ctx, s, token, lock=True)
            existing = s.scalar(select(Order).where(Order.visit_id == visit.id,
                                                    Order.idempotency_key == idempotency_key))
            if existing is not None:
                return _replay(ctx, s, existing, digest), False
            try:
                priced = price_lines(menu.catalogue(s, {i.dish_id for i in items}), items)
            except OrderRejected as e:
                status = 409 if e.code == "sold_out" else 422
                raise DomainError("Some items cannot be ordered.", code=e.code, status=status,
                                  details=e.problems) from None
            now = ctx.clock.now()
            day = now.astimezone(ctx.settings.restaurant.tz).date()
            order = Order(visit=visit, number=_next_order_number(s, day), business_day=day, source=source,
                          idempotency_key=idempotency_key, request_hash=digest, created_at=now)
            order.items = [OrderItem(dish_id=p.dish_id, names=p.names, quantity=p.quantity,
                                     unit_price=p.unit_price, modifiers=p.modifiers, note=p.note,
                                     station=p.station, prep_seconds=p.prep_seconds,
                                     extra_prep_seconds=p.extra_prep_seconds, course=p.course, status="queued")
                           for p in priced]
            s.add(order)
            s.flush()
            kitchen.accept_order(ctx, s, order)
            data = order_dict(ctx, order)
            ctx.publish(s, f"visit:{visit.id}", "order", data)
            ctx.publish(s, "pos", "table", table_summary(ctx, s, visit))
            return data, True
    except IntegrityError:
        # Two submits with one key raced (PostgreSQL): the other one won; return its order.
        with ctx.db.read() as s:
            visit = visit_for_token(ctx, s, token)
            existing = s.scalar(select(Order).where(Order.visit_id == visit.id,
                                                    Order.idempotency_key == idempotency_key))
            if existing is None:
                raise
            return _replay(ctx, s, existing, digest), False


def _replay(ctx: Context, s: Session, order: Order, digest: str) -> dict:
    if order.request_hash != digest:
        raise Conflict("This idempotency key was used for a different order.", code="idempotency_key_reused")
    return order_dict(ctx, order)


# -- the check ---------------------------------------------------------------

def diner_view(ctx: Context, token: str, lang: str) -> dict:
    with ctx.db.read() as s:
        visit = load_visit(s, visit_for_token(ctx, s, token).id)
        return check_dict(ctx, visit, lang)


def closed_receipt(ctx: Context, token: str, lang: str) -> dict:
    """The receipt of the visit a token names, once its table is closed: the QR code on the
    paper receipt (and a diner's bookmarked link) keeps showing what was ordered and paid."""
    with ctx.db.read() as s:
        visit = load_visit(s, visit_for_token(ctx, s, token, closed_ok=True).id)
        if visit.is_open:
            raise Conflict("This table is still open.", code="visit_open")
        return receipt_data(ctx, visit, lang)


def floor(ctx: Context) -> list[dict]:
    with ctx.db.read() as s:
        visits = s.scalars(select(Visit).join(DiningTable).where(Visit.closed_at.is_(None))
                           .order_by(DiningTable.sort, DiningTable.id).options(*VISIT_LOADS)).all()
        return [summary_of(ctx, v) for v in visits]


def open_check(ctx: Context, visit_id: int) -> dict:
    with ctx.db.read() as s:
        return check_dict(ctx, load_visit(s, visit_id))


def pay_cash(ctx: Context, visit_id: int, tendered: int, staff_id: int | None) -> dict:
    """Take cash for the open check; the change is what was handed over beyond what is due."""
    with ctx.db.write() as s:
        visit = load_visit(s, visit_id, lock=True)
        if not visit.is_open:
            raise Conflict("This check is closed.", code="check_closed")
        due = totals(ctx, visit).due
        if due == 0:
            raise Conflict("Nothing is due on this check.", code="nothing_due")
        cash = billing.cash_payment(due, tendered)
        payment = Payment(visit=visit, tender="cash", amount=cash.applied, tendered=tendered,
                          change=cash.change, created_at=ctx.clock.now(), staff_id=staff_id)
        s.add(payment)
        s.flush()
        _queue_drawer(ctx, s)  # first in the printer's line: the drawer opens, then the receipt prints
        visit = load_visit(s, visit_id)
        if totals(ctx, visit).due == 0:
            _queue_receipt(ctx, s, visit)
        result = {"payment_id": payment.id, "amount": cash.applied, "tendered": tendered,
                  "change": cash.change, "change_formatted": money(ctx, cash.change),
                  "check": check_dict(ctx, visit)}
        ctx.publish(s, "pos", "table", table_summary(ctx, s, visit))
        return result


def _queue_drawer(ctx: Context, s: Session) -> None:
    """A cash payment opens the drawer, through the receipt printer it is wired to."""
    printer = ctx.settings.printer(ctx.settings.printing.receipt_printer)
    if printer is not None and printer.enabled:
        printing.enqueue(ctx, s, printer.name, "drawer", {})


TENDER_LABELS = {"cash": "Cash"}


def receipt_data(ctx: Context, visit: Visit, lang: str | None = None) -> dict:
    """The customer receipt's layout data (printers.layout.receipt) for a check as it is now;
    the diner's receipt page shows the same."""
    r = ctx.settings.restaurant
    t = totals(ctx, visit)
    lang = lang or r.languages[0]
    service = ([{"label": f"Service {r.service_charge}%", "amount": money(ctx, t.service_charge)}]
               if t.service_charge else [])
    tax = ([{"label": f"{'incl. ' if t.tax_included else ''}Tax {r.tax_rate}%", "amount": money(ctx, t.tax)}]
           if t.tax else [])
    last = max(visit.payments, key=lambda p: p.id, default=None)
    change = sum(p.change or 0 for p in visit.payments)
    return {
        "restaurant": r.name, "header_lines": list(r.receipt_header), "table": visit.table.name,
        "check_number": visit.id,
        "closed_at": (last.created_at if last else ctx.clock.now()).astimezone(r.tz).strftime("%Y-%m-%d %H:%M"),
        "lines": [{"qty": i.quantity, "name": localized(i.names, lang, r.languages),
                   "modifiers": [localized(m["names"], lang, r.languages) for m in i.modifiers],
                   "amount": money(ctx, i.unit_price * i.quantity)}
                  for o in visit.orders for i in o.items if i.status != "voided"],
        "subtotal": money(ctx, t.subtotal), "service_lines": service, "tax_lines": tax,
        "total": money(ctx, t.total),
        "payments": [{"label": TENDER_LABELS.get(p.tender, p.tender.title()), "amount": money(ctx, p.tendered or p.amount)}
                     for p in visit.payments],
        "change": money(ctx, change) if change else None,
        "footer": r.receipt_footer or None,
        "visit_url": visit_url(ctx, visit)}


def _queue_receipt(ctx: Context, s: Session, visit: Visit, reprint: bool = False) -> str | None:
    """The customer receipt on the receipt printer; the printer's name, or None when there is none."""
    printer = ctx.settings.printer(ctx.settings.printing.receipt_printer)
    if printer is None or not printer.enabled:
        return None
    printing.enqueue(ctx, s, printer.name, "receipt", {**receipt_data(ctx, visit), "reprint": reprint})
    return printer.name


def reprint_receipt(ctx: Context, visit_id: int) -> dict:
    """Print a check's receipt again (the diner wants a copy, the first one jammed), marked
    REPRINT once paid; an unpaid check prints as the bill."""
    with ctx.db.write() as s:
        visit = load_visit(s, visit_id)
        if not any(i.status != "voided" for o in visit.orders for i in o.items):
            raise Conflict("This check has nothing on it to print.", code="empty_check")
        # A paid check already printed its receipt: a copy says REPRINT. An unpaid one
        # prints its bill, which is not evidence of payment: no banner.
        printer = _queue_receipt(ctx, s, visit, reprint=totals(ctx, visit).due == 0)
        if printer is None:
            raise Conflict("No receipt printer is configured.", code="no_printer")
        return {"queued": True, "printer": printer}


def _queue_qr_slip(ctx: Context, s: Session, table: str, url: str) -> None:
    """The next party's QR code, printed on the receipt printer as the table is closed."""
    printer = ctx.settings.printer(ctx.settings.printing.receipt_printer)
    if printer is None or not printer.enabled:
        return
    r = ctx.settings.restaurant
    printing.enqueue(ctx, s, printer.name, "qr_slip", {
        "restaurant": r.name, "table": table, "url": url,
        "printed_at": ctx.clock.now().astimezone(r.tz).strftime("%Y-%m-%d %H:%M")})


def close_visit(ctx: Context, visit_id: int, staff_id: int | None) -> dict:
    """Close a paid (or empty) check and open the table's next visit: the old link
    stops working and the table gets a new QR link."""
    with ctx.db.write() as s:
        visit = load_visit(s, visit_id, lock=True)
        if not visit.is_open:
            raise Conflict("This check is already closed.", code="check_closed")
        t = totals(ctx, visit)
        if t.due > 0:
            raise Conflict("This check still has money due.", code="unpaid",
                           details={"due": t.due, "due_formatted": money(ctx, t.due)})
        visit.closed_at = ctx.clock.now()
        visit.closed_by = staff_id
        s.flush()
        nxt = open_visit(ctx, s, visit.table_id)
        _queue_qr_slip(ctx, s, visit.table.name, visit_url(ctx, nxt))
        ctx.publish(s, f"visit:{visit.id}", "visit_closed", {"visit_id": visit.id})
        ctx.publish(s, "pos", "table", table_summary(ctx, s, nxt))
        return {"closed_visit_id": visit.id, "next_visit_id": nxt.id, "table_id": visit.table_id,
                "url": visit_url(ctx, nxt)}
