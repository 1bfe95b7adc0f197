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

All money is in integer minor units, each figure with its formatted text beside it. A
refusal is a DomainError (4xx) raised before anything is written."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.context import Context
from core.errors import Conflict, DomainError, NotFound
from menu.model import Category, Dish, localized
from pos.checks import receipts
from pos.checks.audit import audit
from pos.checks.summary import VISIT_LOADS, money, visit_bill
from pos.checks.model import CashMovement, Payment, RegisterSession
from pos.checks.payments import CASH
from pos.orders.model import Order, Visit
from printers import services as printing
from staff.model import StaffUser
from staff.services import approve

MAX_AMOUNT = 10**9
MOVEMENT_LABELS = {"in": "Paid in", "out": "Paid out"}
COUNTING_RULE = ("Checks closed during this session; checks still open are counted when they close.")


# -- small helpers --------------------------------------------------------------------------------

def _amount(value: object, what: str, *, positive: bool) -> int:
    low = 1 if positive else 0
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_AMOUNT:
        raise DomainError(f"{what} must be a whole number of minor units from {low} to {MAX_AMOUNT}.",
                          code="bad_amount", status=422, details={"value": repr(value)})
    return value


def _staff_id(staff: dict | None) -> int | None:
    return staff["id"] if staff else None


def _local(ctx: Context, at: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str | None:
    return at.astimezone(ctx.settings.restaurant.tz).strftime(fmt) if at is not None else None


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _names(s: Session, *ids: int | None) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(s.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(wanted))).all())


def half_up_div(amount: int, n: int) -> int:
    """amount / n rounded half away from zero (0 when n is 0): the average check."""
    if n <= 0:
        return 0
    q, r = divmod(abs(amount), n)
    q += 1 if 2 * r >= n else 0
    return q if amount >= 0 else -q


def expected_cash(float_amount: int, cash_sales: int, cash_tips: int, cash_refunds: int, cash_in: int,
                  cash_out: int) -> int:
    """What the drawer should hold: the float, plus cash taken for checks and cash tips,
    less cash refunded, plus cash put in, less cash taken out."""
    return float_amount + cash_sales + cash_tips - cash_refunds + cash_in - cash_out


def covers_of(covers: list[int | None]) -> tuple[int, str]:
    """The guests of these checks and how the number was found: "recorded" (every check has
    its covers), "estimated" (none has: one guest per check) or "mixed" (a check without
    covers counts as one guest)."""
    known = [c for c in covers if c is not None]
    total = sum(known) + (len(covers) - len(known))
    basis = "recorded" if len(known) == len(covers) else "estimated" if not known else "mixed"
    return total, basis


COVERS_NOTES = {"recorded": "Covers as recorded on every check.",
                "estimated": "No check has its covers recorded: each check counts as one guest.",
                "mixed": "A check without recorded covers counts as one guest."}


def csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is quoted with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def decimal_text(minor: int, minor_unit: int) -> str:
    """Minor units as a plain decimal number (no currency sign, no thousands separator)."""
    sign = "-" if minor < 0 else ""
    if not minor_unit:
        return f"{sign}{abs(minor)}"
    units, cents = divmod(abs(minor), 10 ** minor_unit)
    return f"{sign}{units}.{cents:0{minor_unit}d}"


# -- the register -----------------------------------------------------------------------------------

def _open_register(s: Session, *, lock: bool = False) -> RegisterSession | None:
    stmt = select(RegisterSession).where(RegisterSession.open_marker == 1)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return s.scalar(stmt)


def _refuse_closed() -> Conflict:
    return Conflict("The register is not open: open it with a float first.", code="register_closed")


def _cash(s: Session, reg: RegisterSession) -> dict:
    """The drawer's running figures."""
    sums = {(kind, tender): (count, amount or 0, tips or 0) for kind, tender, count, amount, tips in s.execute(
        select(Payment.kind, Payment.tender, func.count(), func.sum(Payment.amount), func.sum(Payment.tip))
        .where(Payment.register_id == reg.id).group_by(Payment.kind, Payment.tender))}
    moves = dict(s.execute(select(CashMovement.kind, func.sum(CashMovement.amount))
                           .where(CashMovement.register_id == reg.id).group_by(CashMovement.kind)).all())
    _, cash_sales, cash_tips = sums.get(("payment", CASH), (0, 0, 0))
    cash_refunds = sums.get(("refund", CASH), (0, 0, 0))[1]
    cash_in, cash_out = moves.get("in") or 0, moves.get("out") or 0
    return {"float": reg.float_amount, "cash_sales": cash_sales, "cash_tips": cash_tips,
            "cash_refunds": cash_refunds, "cash_in": cash_in, "cash_out": cash_out,
            "expected": expected_cash(reg.float_amount, cash_sales, cash_tips, cash_refunds, cash_in, cash_out)}


def _movements(ctx: Context, s: Session, reg: RegisterSession) -> list[dict]:
    rows = s.scalars(select(CashMovement).where(CashMovement.register_id == reg.id).order_by(CashMovement.id)).all()
    names = _names(s, *(m.staff_id for m in rows))
    return [{"id": m.id, "at": m.created_at.isoformat(), "time": _local(ctx, m.created_at, "%H:%M"),
             "kind": m.kind, "label": MOVEMENT_LABELS[m.kind], "amount": m.amount,
             "amount_formatted": money(ctx, m.amount), "reason": m.reason, "staff": names.get(m.staff_id)}
            for m in rows]


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


def open_register(ctx: Context, float_amount: int, staff: dict | None) -> dict:
    """Open the register with `float_amount` in the drawer (0 is allowed): the drawer opens
    (a kick queued on the receipt printer) and the opening is audited."""
    float_amount = _amount(float_amount, "The float", positive=False)
    staff_id = _staff_id(staff)
    try:
        with ctx.db.write() as s:
            reg = _open_register(s)
            if reg is not None:
                raise Conflict(f"The register is already open (since {_local(ctx, reg.opened_at)}).",
                               code="register_open", details={"register_id": reg.id})
            now = ctx.clock.now()
            reg = RegisterSession(business_day=now.astimezone(ctx.settings.restaurant.tz).date(), opened_at=now,
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


def cash_movement(ctx: Context, kind: str, amount: int, reason: str, staff: dict | None) -> dict:
    """Cash put into (kind "in") or taken out of (kind "out") the open register's drawer,
    with a reason: the drawer opens, both are audited. More cash than the drawer should
    hold cannot be taken out."""
    if kind not in MOVEMENT_LABELS:
        raise DomainError("kind is in or out.", code="bad_kind", status=422)
    amount = _amount(amount, "The amount", positive=True)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the cash goes in or out.", code="reason_required", status=422)
    staff_id = _staff_id(staff)
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


def _open_checks(s: Session) -> int:
    """Checks with something ordered and not closed yet: they count when they close."""
    return s.scalar(select(func.count(Visit.id)).where(Visit.closed_at.is_(None),
                                                       exists().where(Order.visit_id == Visit.id)))


def _figure(ctx: Context, count: int, amount: int) -> dict:
    return {"count": count, "amount": amount, "amount_formatted": money(ctx, amount)}


def _tender_order(ctx: Context, tender: str) -> tuple:
    names = [t.name for t in ctx.settings.pos.tenders]
    return (0, 0, "") if tender == CASH else (1, names.index(tender), "") if tender in names else (2, 0, tender)


def _report(ctx: Context, s: Session, reg: RegisterSession, now: datetime, *, counted: int | None = None,
            closed_by: int | None = None, approved_by: int | None = None) -> dict:
    r = ctx.settings.restaurant
    lang, langs = r.languages[0], r.languages
    until = reg.closed_at or now
    ids = _counted_visit_ids(s, reg, until)
    visits = s.scalars(select(Visit).where(Visit.id.in_(ids)).options(*VISIT_LOADS).order_by(Visit.id)).all() \
        if ids else []

    items = [i for v in visits for o in v.orders for i in o.items]
    dish_ids = {i.dish_id for i in items}
    categories = {dish_id: (cat_id, localized(names, lang, langs), sort) for dish_id, cat_id, names, sort in s.execute(
        select(Dish.id, Category.id, Category.names, Category.sort).join(Category, Dish.category_id == Category.id)
        .where(Dish.id.in_(dish_ids)))} if dish_ids else {}

    sums = dict.fromkeys(("gross", "discounts", "comps", "net", "service_charge", "tax", "total"), 0)
    discount_count = comp_count = void_count = void_amount = 0
    by_dish: dict[int, dict] = {}
    by_category: dict[int, dict] = {}
    category_sort: dict[int, int] = {}
    for v in visits:
        b = visit_bill(ctx, v)
        for key in sums:
            sums[key] += getattr(b, {"gross": "subtotal"}.get(key, key))
        active = [a for a in v.adjustments if a.removed_at is None]
        discount_count += sum(1 for a in active if a.kind == "discount")
        comp_count += sum(1 for a in active if a.kind == "comp")
        lines = {ln.key: ln for ln in b.lines}
        for o in v.orders:
            for i in o.items:
                if i.status == "voided":
                    void_count += 1
                    void_amount += i.unit_price * i.quantity
                    continue
                cat_id, cat_name, cat_sort = categories.get(i.dish_id, (0, "", 0))
                dish = by_dish.setdefault(i.dish_id, {"dish_id": i.dish_id, "name": localized(i.names, lang, langs),
                                                      "category": cat_name, "qty": 0, "amount": 0})
                cat = by_category.setdefault(cat_id, {"category_id": cat_id, "name": cat_name, "qty": 0,
                                                      "amount": 0})
                category_sort[cat_id] = cat_sort
                for row in (dish, cat):
                    row["qty"] += i.quantity
                    row["amount"] += lines[i.id].net

    payments = s.scalars(select(Payment).where(Payment.register_id == reg.id).order_by(Payment.id)).all()
    tenders: dict[str, dict] = {CASH: {"tender": CASH, "count": 0, "amount": 0, "tips": 0, "refund_count": 0,
                                       "refunds": 0}}
    for p in payments:
        t = tenders.setdefault(p.tender, {"tender": p.tender, "count": 0, "amount": 0, "tips": 0,
                                          "refund_count": 0, "refunds": 0})
        if p.kind == "refund":
            t["refund_count"] += 1
            t["refunds"] += p.amount
        else:
            t["count"] += 1
            t["amount"] += p.amount
            t["tips"] += p.tip
    tender_rows = []
    for name in sorted(tenders, key=lambda n: _tender_order(ctx, n)):
        t = tenders[name]
        t["net"] = t["amount"] - t["refunds"]
        tender_rows.append({**t, "label": receipts.tender_label(ctx, name),
                            "formatted": {k: money(ctx, t[k]) for k in ("amount", "tips", "refunds", "net")}})

    taken = sum(t["amount"] for t in tenders.values())
    refunds = sum(t["refunds"] for t in tenders.values())
    refund_count = sum(t["refund_count"] for t in tenders.values())
    tips = sum(t["tips"] for t in tenders.values())
    checks = len(visits)
    covers, basis = covers_of([v.covers for v in visits])
    sales = {**sums, "tips": tips, "payments": taken, "refunds": refunds,
             "average_check": half_up_div(sums["total"], checks)}

    cash = _cash(s, reg)
    cash["counted"] = counted
    cash["difference"] = counted - cash["expected"] if counted is not None else None
    names = _names(s, reg.opened_by, closed_by, approved_by)
    tax_label = f"{'incl. ' if r.prices_include_tax else ''}Tax {r.tax_rate}%"
    closed_at = reg.closed_at or (now if counted is not None else None)
    return {
        "register_id": reg.id, "business_day": reg.business_day.isoformat(),
        "status": "closed" if counted is not None or reg.closed_at is not None else "open",
        "opened_at": reg.opened_at.isoformat(), "closed_at": _iso(closed_at),
        "opened_local": _local(ctx, reg.opened_at), "closed_local": _local(ctx, closed_at),
        "opened_by": names.get(reg.opened_by), "closed_by": names.get(closed_by), "approved_by": names.get(approved_by),
        "generated_at": now.isoformat(), "currency": r.currency, "minor_unit": r.minor_unit,
        "counting": COUNTING_RULE, "visit_ids": [v.id for v in visits],
        "checks": checks, "open_checks": _open_checks(s), "covers": covers, "covers_basis": basis, "covers_note": COVERS_NOTES[basis],
        "sales": sales, "formatted": {k: money(ctx, v) for k, v in sales.items()},
        "sales_by_category": [{**c, "amount_formatted": money(ctx, c["amount"])} for c in sorted(
            by_category.values(), key=lambda c: (category_sort[c["category_id"]], c["category_id"]))],
        "sales_by_dish": [{**d, "amount_formatted": money(ctx, d["amount"])}
                          for d in sorted(by_dish.values(), key=lambda d: (-d["amount"], -d["qty"], d["dish_id"]))],
        "tenders": tender_rows,
        "taxes": [{"label": tax_label, "rate": str(r.tax_rate), "included": r.prices_include_tax,
                   "amount": sums["tax"], "amount_formatted": money(ctx, sums["tax"])}],
        "service": {"label": f"Service {r.service_charge}%", "rate": str(r.service_charge),
                    "amount": sums["service_charge"], "amount_formatted": money(ctx, sums["service_charge"])},
        "discounts": _figure(ctx, discount_count, sums["discounts"]),
        "comps": _figure(ctx, comp_count, sums["comps"]),
        "voids": _figure(ctx, void_count, void_amount),
        "refunds": _figure(ctx, refund_count, refunds),
        "cash": {**cash, "formatted": {k: money(ctx, v) if v is not None else None for k, v in cash.items()}},
        "cash_movements": _movements(ctx, s, reg),
    }


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
    """printers.layout.day_report's data for a report (amounts as formatted text; what is
    taken off the sales and out of the drawer shown negative)."""
    r = ctx.settings.restaurant
    f, cash = report["formatted"], report["cash"]

    def neg(figure: dict) -> dict:
        return {"count": figure["count"], "amount": money(ctx, -figure["amount"])}

    covers = str(report["covers"]) if report["covers_basis"] == "recorded" else f"{report['covers']} (est.)"
    cash_rows = {"float": cash["float"], "cash_sales": cash["cash_sales"], "cash_tips": cash["cash_tips"],
                 "cash_in": cash["cash_in"], "cash_out": -cash["cash_out"], "refunds": -cash["cash_refunds"],
                 "expected": cash["expected"], "counted": cash["counted"], "difference": cash["difference"]}
    return {
        "restaurant": r.name, "business_date": report["business_day"],
        "printed_at": _local(ctx, ctx.clock.now()), "register": f"#{report['register_id']}",
        "opened_at": report["opened_local"], "closed_at": report["closed_local"],
        "gross": f["gross"], "net": f["net"], "service": f["service_charge"], "tips": f["tips"],
        "covers": covers, "checks": report["checks"], "average_check": f["average_check"],
        "discounts": neg(report["discounts"]), "comps": neg(report["comps"]),
        "voids": {"count": report["voids"]["count"], "amount": report["voids"]["amount_formatted"]},
        "refunds": neg(report["refunds"]),
        "taxes": [{"label": t["label"], "amount": t["amount_formatted"]} for t in report["taxes"]],
        "tenders": [{"label": t["label"], "count": t["count"], "amount": t["formatted"]["amount"]}
                    for t in report["tenders"]],
        "sales_by_category": [{"name": c["name"], "qty": c["qty"], "amount": c["amount_formatted"]}
                              for c in report["sales_by_category"]],
        "sales_by_dish": [{"name": d["name"], "qty": d["qty"], "amount": d["amount_formatted"]}
                          for d in report["sales_by_dish"]],
        "cash": {k: money(ctx, v) for k, v in cash_rows.items() if v is not None},
        "cash_movements": [{"time": m["time"], "label": m["label"],
                            "amount": money(ctx, m["amount"] if m["kind"] == "in" else -m["amount"]),
                            "reason": m["reason"]} for m in report["cash_movements"]],
    }


def _receipt_printer(ctx: Context) -> str | None:
    printer = ctx.settings.printer(ctx.settings.printing.receipt_printer)
    return printer.name if printer is not None and printer.enabled else None


def close_register(ctx: Context, counted: int, staff: dict | None, approval: dict | None = None,
                   address: str = "") -> dict:
    """Close the day with the cash counted in the drawer: a manager approves (signed in, or
    their id and PIN in `approval`); the Z report is stored with the expected cash and the
    difference, printed on the receipt printer, and the closing is audited."""
    counted = _amount(counted, "The counted cash", positive=False)
    with ctx.db.read() as s:
        if _open_register(s) is None:
            raise _refuse_closed()
    approver = approve(ctx, staff, approval, address, "Closing the day")
    staff_id = _staff_id(staff) or approver
    with ctx.db.write() as s:
        reg = _open_register(s, lock=True)
        if reg is None:  # closed meanwhile by another terminal
            raise _refuse_closed()
        now = ctx.clock.now()
        report = _report(ctx, s, reg, now, counted=counted, closed_by=staff_id, approved_by=approver)
        reg.closed_at, reg.closed_by, reg.open_marker = now, staff_id, None
        reg.counted, reg.expected, reg.report = counted, report["cash"]["expected"], report
        printer = _receipt_printer(ctx)
        if printer is not None:
            printer = printing.enqueue(ctx, s, printer, "day_report", print_data(ctx, report))
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
        printer = _receipt_printer(ctx)
        if printer is None:
            raise Conflict("No receipt printer is configured.", code="no_printer")
        printer = printing.enqueue(ctx, s, printer, "day_report", {**print_data(ctx, reg.report), "reprint": True})
        return {"queued": True, "printer": printer}


# -- the report as CSV -------------------------------------------------------------------------------

def csv_rows(report: dict) -> list[tuple]:
    """The report as a flat table (section, name, count, amount), amounts in minor units."""
    rows: list[tuple] = [
        ("register", f"Register #{report['register_id']}", "", None),
        ("register", f"Business day {report['business_day']}", "", None),
        ("register", f"Opened {report['opened_local']}" + (f" by {report['opened_by']}" if report["opened_by"] else ""),
         "", None),
        ("register", f"Closed {report['closed_local']}" + (f" by {report['closed_by']}" if report["closed_by"] else "")
         if report["closed_local"] else "Still open", "", None),
    ]
    sales = report["sales"]
    rows += [("sales", label, "", sales[key]) for key, label in (
        ("gross", "Gross sales"), ("discounts", "Discounts"), ("comps", "Comps"), ("net", "Net sales"),
        ("service_charge", "Service charge"), ("tax", "Tax"), ("total", "Total"), ("tips", "Tips"),
        ("payments", "Payments taken"), ("refunds", "Refunds"))]
    rows += [("guests", "Checks", report["checks"], None),
             ("guests", f"Covers ({report['covers_basis']})", report["covers"], None),
             ("guests", "Average check", "", sales["average_check"])]
    rows += [("category", c["name"], c["qty"], c["amount"]) for c in report["sales_by_category"]]
    rows += [("dish", d["name"], d["qty"], d["amount"]) for d in report["sales_by_dish"]]
    for t in report["tenders"]:
        rows += [("tender", t["label"], t["count"], t["amount"]), ("tender_tips", t["label"], "", t["tips"]),
                 ("tender_refunds", t["label"], t["refund_count"], t["refunds"])]
    rows += [("tax", t["label"], "", t["amount"]) for t in report["taxes"]]
    rows += [("service", report["service"]["label"], "", report["service"]["amount"])]
    rows += [("adjustments", label, report[key]["count"], report[key]["amount"])
             for key, label in (("discounts", "Discounts"), ("comps", "Comps"), ("voids", "Voids"),
                                ("refunds", "Refunds"))]
    cash = report["cash"]
    rows += [("cash", label, "", cash[key]) for key, label in (
        ("float", "Opening float"), ("cash_sales", "Cash sales"), ("cash_tips", "Cash tips"),
        ("cash_refunds", "Cash refunds"), ("cash_in", "Paid in"), ("cash_out", "Paid out"),
        ("expected", "Expected in drawer"), ("counted", "Counted"), ("difference", "Difference"))
        if cash[key] is not None]
    rows += [("cash_movement", f"{m['time']} {m['label']}: {m['reason']}", "", m["amount"])
             for m in report["cash_movements"]]
    return rows


def report_csv(ctx: Context, register_id: int) -> str:
    """The Z report as CSV: a header row, then one row per figure (section, name, count,
    amount), amounts as plain decimal numbers of the currency."""
    return csv_text(day_report(ctx, register_id))


def csv_text(report: dict) -> str:
    """report_csv of a report already in hand."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("section", "name", "count", "amount"))
    unit = report["minor_unit"]
    for section, name, count, amount in csv_rows(report):
        writer.writerow((section, csv_safe(name), count, decimal_text(amount, unit) if amount is not None else ""))
    return out.getvalue()


# -- history -----------------------------------------------------------------------------------------

def _summary(ctx: Context, reg: RegisterSession, names: dict[int, str]) -> dict:
    difference = reg.counted - reg.expected if reg.counted is not None and reg.expected is not None else None
    figures = {"float": reg.float_amount, "expected": reg.expected, "counted": reg.counted, "difference": difference}
    return {"id": reg.id, "business_day": reg.business_day.isoformat(), "open": reg.closed_at is None,
            "opened_at": reg.opened_at.isoformat(), "closed_at": _iso(reg.closed_at),
            "opened_by": names.get(reg.opened_by), "closed_by": names.get(reg.closed_by), **figures,
            "formatted": {k: money(ctx, v) if v is not None else None for k, v in figures.items()}}


def history(ctx: Context, limit: int = 30) -> list[dict]:
    """The most recent register sessions, newest first."""
    with ctx.db.read() as s:
        regs = s.scalars(select(RegisterSession).order_by(RegisterSession.id.desc()).limit(limit)).all()
        names = _names(s, *(r.opened_by for r in regs), *(r.closed_by for r in regs))
        return [_summary(ctx, reg, names) for reg in regs]

