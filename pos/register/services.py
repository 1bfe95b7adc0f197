"""The day at the till: the cash register from opening (with a float) to closing (with the
counted cash), cash put in and taken out with a reason, and the end-of-day Z report.

One register session is open at a time: RegisterSession.open_marker is 1 while open and
NULL once closed, and its unique constraint refuses a second open one on both engines
(write transactions are serialised anyway; the constraint is the safety net). Every
payment and refund taken while a session is open carries its id (pos.checks.payments.pay).

Which checks a Z report counts: the checks closed during the session. A closed check no
longer changes, and each is closed once in one session, so its sales are in exactly one
report even when it was paid across a close (a check still open at closing counts in the
session that closes it; the close reports how many are still open). Sales, discounts,
comps, voids, service, tax, covers and the average check come from those checks
(pos.checks.summary.visit_bill); tenders, tips, refunds and the cash drawer from the payments and
refunds taken in the session, whichever check they belong to.

Expected cash = float + cash sales + cash tips - cash refunds + cash in - cash out: a tip
paid in cash stays in the drawer (pos.checks.billing.apply_tender gives back only the change).

This module reads and writes: it loads the rows and hands them to the pure Z report
(pos.register.report) and its paper and CSV shapes (pos.register.export). All money is in
integer minor units, each figure with its formatted text beside it. A refusal is a
DomainError (4xx) raised before anything is written."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.context import Actor, Context
from core.time import business_day, iso, local_text
from core.errors import Conflict, NotFound, Unprocessable
from menu.model import Category, Dish, localized
from pos.checks import receipts
from pos.checks.audit import audit
from pos.checks.summary import VISIT_LOADS, active_adjustments, money, visit_bill
from pos.checks.model import CashMovement, Payment, RegisterSession
from pos.checks.payments import CASH
from pos.orders.model import Order, OrderItem, Visit
from pos.register import export
from pos.register.export import csv_text
from pos.register import report as zreport
from pos.register.report import MOVEMENT_LABELS, CheckRow, ItemRow, MovementRow, PaymentRow, SessionRow
from printers import services as printing
from printers.routing import receipt_printer
from staff.model import StaffUser
from staff.services import approve
from pos.orders.status import ItemStatus

MAX_AMOUNT = 10**9


# -- small helpers --------------------------------------------------------------------------------

def _amount(value: object, what: str, *, positive: bool) -> int:
    low = 1 if positive else 0
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_AMOUNT:
        raise Unprocessable(f"{what} must be a whole number of minor units from {low} to {MAX_AMOUNT}.",
                          code="bad_amount", details={"value": repr(value)})
    return value


def _local(ctx: Context, at: datetime | None) -> str | None:
    return local_text(at, ctx.settings.restaurant.tz)


def _names(s: Session, *ids: int | None) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(s.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(wanted))).all())


def _settings(ctx: Context) -> zreport.ReportSettings:
    """What the pure report (pos.register.report) needs of the settings."""
    r = ctx.settings.restaurant
    return zreport.ReportSettings(
        currency=r.currency, minor_unit=r.minor_unit, tz=r.tz, tax_rate=r.tax_rate,
        prices_include_tax=r.prices_include_tax, service_charge=r.service_charge,
        tenders=tuple((t.name, receipts.tender_label(ctx, t.name)) for t in ctx.settings.pos.tenders),
        cash_label=receipts.tender_label(ctx, CASH))


# -- the register -----------------------------------------------------------------------------------

def _open_register(s: Session, *, lock: bool = False) -> RegisterSession | None:
    stmt = select(RegisterSession).where(RegisterSession.open_marker == 1)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return s.scalar(stmt)


def _refuse_closed() -> Conflict:
    return Conflict("The register is not open: open it with a float first.", code="register_closed")


def _cash(s: Session, reg: RegisterSession) -> dict:
    """The drawer's running figures (pos.register.report.drawer over the session's payments
    and cash movements, summed by the database)."""
    sums = select(Payment.kind, Payment.tender, func.sum(Payment.amount), func.sum(Payment.tip),
                  func.sum(Payment.rounding)).where(Payment.register_id == reg.id).group_by(Payment.kind, Payment.tender)
    payments = [PaymentRow(kind, tender, amount or 0, tip or 0, rounding or 0)
                for kind, tender, amount, tip, rounding in s.execute(sums)]
    moves = dict(s.execute(select(CashMovement.kind, func.sum(CashMovement.amount))
                           .where(CashMovement.register_id == reg.id).group_by(CashMovement.kind)).all())
    return zreport.drawer(reg.float_amount, payments, cash_in=moves.get("in") or 0, cash_out=moves.get("out") or 0)


def _movement_rows(s: Session, reg: RegisterSession) -> list[MovementRow]:
    rows = s.scalars(select(CashMovement).where(CashMovement.register_id == reg.id).order_by(CashMovement.id)).all()
    names = _names(s, *(m.staff_id for m in rows))
    return [MovementRow(m.id, m.created_at, m.kind, m.amount, m.reason, names.get(m.staff_id)) for m in rows]


def _movements(ctx: Context, s: Session, reg: RegisterSession) -> list[dict]:
    return zreport.movement_dicts(_movement_rows(s, reg), _settings(ctx))


def _state(ctx: Context, s: Session, reg: RegisterSession) -> dict:
    """The open register as the cashier's screen shows it."""
    cash = _cash(s, reg)
    payments = s.scalar(select(func.count()).select_from(Payment).where(Payment.register_id == reg.id,
                                                                         Payment.kind == "payment"))
    return {"id": reg.id, "business_day": reg.business_day.isoformat(), "opened_at": reg.opened_at.isoformat(),
            "opened_local": _local(ctx, reg.opened_at),
            "opened_by": _names(s, reg.opened_by).get(reg.opened_by), **cash, "payments": payments,
            "formatted": {k: money(ctx, v) for k, v in cash.items()}, "movements": _movements(ctx, s, reg)}


def current(ctx: Context) -> dict | None:
    """The open register with its running figures (float, cash sales, cash tips, cash
    refunds, cash in and out, the cash expected in the drawer now), or None."""
    with ctx.db.read() as s:
        reg = _open_register(s)
        return _state(ctx, s, reg) if reg is not None else None


def open_register(ctx: Context, float_amount: int, actor: Actor) -> dict:
    """Open the register with `float_amount` in the drawer (0 is allowed): the drawer opens
    (a kick queued on the receipt printer) and the opening is audited."""
    float_amount = _amount(float_amount, "The float", positive=False)
    staff_id = actor.id
    try:
        with ctx.db.write() as s:
            reg = _open_register(s)
            if reg is not None:
                raise Conflict(f"The register is already open (since {_local(ctx, reg.opened_at)}).",
                               code="register_open", details={"register_id": reg.id})
            now = ctx.clock.now()
            reg = RegisterSession(business_day=business_day(now, ctx.settings.restaurant.tz), opened_at=now,
                                  opened_by=staff_id, float_amount=float_amount, open_marker=1)
            s.add(reg)
            s.flush()  # a racing opening on another connection fails here (the unique open_marker)
            receipts.queue_drawer(ctx, s)
            audit(ctx, s, "register_open", staff_id=staff_id, amount=float_amount, register_id=reg.id)
            audit(ctx, s, "drawer_open", staff_id=staff_id, amount=float_amount, register_id=reg.id,
                  why="register_open")
            return _state(ctx, s, reg)
    except IntegrityError:
        raise Conflict("The register was opened at the same moment elsewhere.", code="register_open") from None


def cash_movement(ctx: Context, kind: str, amount: int, reason: str, actor: Actor) -> dict:
    """Cash put into (kind "in") or taken out of (kind "out") the open register's drawer,
    with a reason: the drawer opens, both are audited. More cash than the drawer should
    hold cannot be taken out."""
    if kind not in MOVEMENT_LABELS:
        raise Unprocessable("kind is in or out.", code="bad_kind")
    amount = _amount(amount, "The amount", positive=True)
    reason = (reason or "").strip()
    if not reason:
        raise Unprocessable("Say why the cash goes in or out.", code="reason_required")
    staff_id = actor.id
    with ctx.db.write() as s:
        reg = _open_register(s, lock=True)
        if reg is None:
            raise _refuse_closed()
        if kind == "out":
            expected = _cash(s, reg)["expected"]
            if amount > expected:
                raise Conflict(f"The drawer should hold only {money(ctx, expected)}.", code="not_enough_cash",
                               details={"expected": expected})
        row = CashMovement(register_id=reg.id, kind=kind, amount=amount, reason=reason, staff_id=staff_id,
                           created_at=ctx.clock.now())
        s.add(row)
        s.flush()
        receipts.queue_drawer(ctx, s)
        audit(ctx, s, f"cash_{kind}", staff_id=staff_id, amount=amount, reason=reason, register_id=reg.id,
              movement_id=row.id)
        audit(ctx, s, "drawer_open", staff_id=staff_id, amount=amount if kind == "in" else -amount,
              reason=reason, register_id=reg.id, why=f"cash_{kind}")
        state = _state(ctx, s, reg)
        return {"movement": next(m for m in state["movements"] if m["id"] == row.id), "current": state}


# -- the Z report -------------------------------------------------------------------------------------

def _counted_visit_ids(s: Session, reg: RegisterSession, until: datetime) -> list[int]:
    """See the module docstring: the checks closed during this session (with something
    ordered). Each check is closed once, and sessions never overlap, so every check's sales
    are in exactly one report, whenever and in how many sessions it was paid."""
    return list(s.scalars(select(Visit.id).where(
        Visit.closed_at.is_not(None), Visit.closed_at >= reg.opened_at, Visit.closed_at <= until,
        exists().where(Order.visit_id == Visit.id)).order_by(Visit.id)))


def _open_checks(ctx: Context, s: Session) -> list[dict]:
    """Checks with something ordered and not closed yet, with what is paid and unpaid on them:
    they count in the report of the session they close in."""
    visits = s.scalars(select(Visit).where(Visit.closed_at.is_(None), exists().where(Order.visit_id == Visit.id))
                       .order_by(Visit.id).options(*VISIT_LOADS)).all()
    rows = []
    for v in visits:
        b = visit_bill(ctx, v)
        rows.append({"visit_id": v.id, "label": v.label, "total": b.total, "paid": b.paid, "due": b.due,
                     "formatted": {k: money(ctx, x) for k, x in (("total", b.total), ("paid", b.paid), ("due", b.due))}})
    return rows


def _item_row(item: OrderItem, line_net: dict[int, int], categories: dict[int, tuple], lang: str,
              langs: tuple[str, ...]) -> ItemRow:
    cat_id, cat_name, cat_sort = categories.get(item.dish_id, (0, "", 0))
    return ItemRow(dish_id=item.dish_id, name=localized(item.names, lang, langs), quantity=item.quantity,
                   unit_price=item.unit_price, net=line_net.get(item.id, 0), voided=item.status == ItemStatus.VOIDED,
                   category_id=cat_id, category=cat_name, category_sort=cat_sort)


def _check_rows(ctx: Context, s: Session, visits: list[Visit]) -> list[CheckRow]:
    """The counted checks with their bills (pos.checks.summary.visit_bill) and the
    categories of their dishes."""
    r = ctx.settings.restaurant
    lang, langs = r.languages[0], r.languages
    dish_ids = {i.dish_id for v in visits for o in v.orders for i in o.items}
    categories = {dish_id: (cat_id, localized(names, lang, langs), sort) for dish_id, cat_id, names, sort in s.execute(
        select(Dish.id, Category.id, Category.names, Category.sort).join(Category, Dish.category_id == Category.id)
        .where(Dish.id.in_(dish_ids)))} if dish_ids else {}
    rows = []
    for v in visits:
        b = visit_bill(ctx, v)
        active = active_adjustments(v)
        line_net = {ln.key: ln.net for ln in b.lines}
        rows.append(CheckRow(
            visit_id=v.id, covers=v.covers, gross=b.subtotal, discounts=b.discounts, comps=b.comps, net=b.net,
            service_charge=b.service_charge, tax=b.tax, total=b.total,
            discount_count=sum(1 for a in active if a.kind == "discount"),
            comp_count=sum(1 for a in active if a.kind == "comp"),
            items=tuple(_item_row(i, line_net, categories, lang, langs) for o in v.orders for i in o.items)))
    return rows


def _report(ctx: Context, s: Session, reg: RegisterSession, now: datetime, *, counted: int | None = None,
            closed_by: int | None = None, approved_by: int | None = None) -> dict:
    """The Z report (pos.register.report.z_report) over the rows loaded here."""
    ids = _counted_visit_ids(s, reg, reg.closed_at or now)
    visits = s.scalars(select(Visit).where(Visit.id.in_(ids)).options(*VISIT_LOADS).order_by(Visit.id)).all() \
        if ids else []
    payments = [PaymentRow(p.kind, p.tender, p.amount, p.tip, p.rounding) for p in
                s.scalars(select(Payment).where(Payment.register_id == reg.id).order_by(Payment.id))]
    names = _names(s, reg.opened_by, closed_by, approved_by)
    session = SessionRow(id=reg.id, business_day=reg.business_day, opened_at=reg.opened_at,
                         float_amount=reg.float_amount, closed_at=reg.closed_at, opened_by=names.get(reg.opened_by))
    return zreport.z_report(session, _check_rows(ctx, s, visits), payments, _movement_rows(s, reg), _settings(ctx),
                            now=now, open_checks=_open_checks(ctx, s), counted=counted, closed_by=names.get(closed_by),
                            approved_by=names.get(approved_by))


def _register(s: Session, register_id: int) -> RegisterSession:
    reg = s.get(RegisterSession, register_id)
    if reg is None:
        raise NotFound(f"There is no register session {register_id}.", code="unknown_register")
    return reg


def day_report(ctx: Context, register_id: int) -> dict:
    """The Z report of a register session: as stored at its closing, or, while it is still
    open, as it stands now (counted and difference are None)."""
    with ctx.db.read() as s:
        reg = _register(s, register_id)
        if reg.report is not None:
            return reg.report
        return _report(ctx, s, reg, ctx.clock.now())


def print_data(ctx: Context, report: dict) -> dict:
    """printers.layout.day_report's data for a report (pos.register.export.print_layout)."""
    r = ctx.settings.restaurant
    return export.print_layout(report, restaurant=r.name, printed_at=_local(ctx, ctx.clock.now()),
                               currency=r.currency, minor_unit=r.minor_unit)


def close_register(ctx: Context, counted: int, actor: Actor, approval: dict | None = None,
                   address: str = "") -> dict:
    """Close the day with the cash counted in the drawer: a manager approves (signed in, or
    their id and PIN in `approval`); the Z report is stored with the expected cash and the
    difference, printed on the receipt printer, and the closing is audited."""
    counted = _amount(counted, "The counted cash", positive=False)
    with ctx.db.read() as s:
        if _open_register(s) is None:
            raise _refuse_closed()
    approver = approve(ctx, actor, approval, address, "Closing the day")
    staff_id = actor.id or approver
    with ctx.db.write() as s:
        reg = _open_register(s, lock=True)
        if reg is None:  # closed meanwhile by another terminal
            raise _refuse_closed()
        now = ctx.clock.now()
        report = _report(ctx, s, reg, now, counted=counted, closed_by=staff_id, approved_by=approver)
        reg.closed_at, reg.closed_by, reg.open_marker = now, staff_id, None
        reg.counted, reg.expected, reg.report = counted, report["cash"]["expected"], report
        printer = receipt_printer(ctx)
        if printer is not None:
            printer = printing.enqueue(ctx, s, printer.name, "day_report", print_data(ctx, report))
        audit(ctx, s, "register_close", staff_id=staff_id, approved_by=approver, amount=counted,
              register_id=reg.id, expected=report["cash"]["expected"], difference=report["cash"]["difference"])
        s.flush()
        return {"session": _summary(ctx, reg, _names(s, reg.opened_by, reg.closed_by)), "printer": printer,
                "report": report}


def print_report(ctx: Context, register_id: int) -> dict:
    """The Z report of a closed session printed again (marked REPRINT)."""
    with ctx.db.write() as s:
        reg = _register(s, register_id)
        if reg.report is None:
            raise Conflict("This register is still open: close it to print its Z report.", code="register_open")
        printer = receipt_printer(ctx)
        if printer is None:
            raise Conflict("No receipt printer is configured.", code="no_printer")
        printer = printing.enqueue(ctx, s, printer.name, "day_report", {**print_data(ctx, reg.report), "reprint": True})
        return {"queued": True, "printer": printer}


# -- the report as CSV (pos.register.export) ----------------------------------------------------------

def report_csv(ctx: Context, register_id: int) -> str:
    """The Z report as CSV: a header row, then one row per figure (section, name, count,
    amount), amounts as plain decimal numbers of the currency."""
    return csv_text(day_report(ctx, register_id))


# -- history -----------------------------------------------------------------------------------------

def _summary(ctx: Context, reg: RegisterSession, names: dict[int, str]) -> dict:
    difference = reg.counted - reg.expected if reg.counted is not None and reg.expected is not None else None
    figures = {"float": reg.float_amount, "expected": reg.expected, "counted": reg.counted, "difference": difference}
    return {"id": reg.id, "business_day": reg.business_day.isoformat(), "open": reg.closed_at is None,
            "opened_at": reg.opened_at.isoformat(), "closed_at": iso(reg.closed_at),
            "opened_by": names.get(reg.opened_by), "closed_by": names.get(reg.closed_by), **figures,
            "formatted": {k: money(ctx, v) if v is not None else None for k, v in figures.items()}}


def history(ctx: Context, limit: int = 30) -> list[dict]:
    """The most recent register sessions, newest first."""
    with ctx.db.read() as s:
        regs = s.scalars(select(RegisterSession).order_by(RegisterSession.id.desc()).limit(limit)).all()
        names = _names(s, *(r.opened_by for r in regs), *(r.closed_by for r in regs))
        return [_summary(ctx, reg, names) for reg in regs]

