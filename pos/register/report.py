"""The Z report as a pure function: plain rows in (the session, the checks it counts with
their bill figures, the payments and refunds taken in it, the cash put in and taken out),
the report dict out. No database, no framework: pos.register.services loads the rows.

Which checks a session counts, and why, is the services module's business (see its
docstring); here every check given is counted once. Sales, discounts, comps, voids,
service, tax, covers and the average check come from the checks; tenders, tips, refunds and
the cash drawer from the payments, whichever check they belong to.

Expected cash = float + cash sales + cash tips - cash refunds + cash in - cash out: a tip
paid in cash stays in the drawer (pos.checks.billing.apply_tender gives back only the change).

All money is in integer minor units, each figure with its formatted text beside it
(pos.checks.money.format_money in the settings' currency)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal

from core.time import MINUTES, iso, local_text
from pos.checks.money import format_money

CASH = "cash"
CASH_LABEL = "Cash 現金"
MOVEMENT_LABELS = {"in": "Paid in", "out": "Paid out"}
COUNTING_RULE = ("Checks closed during this session; checks still open are counted when they close.")
COVERS_NOTES = {"recorded": "Covers as recorded on every check.",
                "estimated": "No check has its covers recorded: each check counts as one guest.",
                "mixed": "A check without recorded covers counts as one guest."}
SALES_KEYS = ("gross", "discounts", "comps", "net", "service_charge", "tax", "total")


# -- the arithmetic -----------------------------------------------------------------------------------

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


# -- the rows ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportSettings:
    """The restaurant's settings the report shows. `tenders`: the configured tenders besides
    cash, in the order the till shows them, as (name, label); a tender not among them is
    listed after them under its own name."""
    currency: str
    minor_unit: int
    tz: tzinfo
    tax_rate: Decimal = Decimal("0")
    prices_include_tax: bool = True
    service_charge: Decimal = Decimal("0")
    tenders: tuple[tuple[str, str], ...] = ()
    cash_label: str = CASH_LABEL

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.minor_unit)

    def local(self, at: datetime | None, fmt: str = MINUTES) -> str | None:
        return local_text(at, self.tz, fmt)

    def tender_label(self, tender: str) -> str:
        return self.cash_label if tender == CASH else dict(self.tenders).get(tender, tender)

    def tender_order(self, tender: str) -> tuple:
        names = [name for name, _ in self.tenders]
        return (0, 0, "") if tender == CASH else (1, names.index(tender), "") if tender in names else (2, 0, tender)


@dataclass(frozen=True)
class SessionRow:
    """The register session: its float, when it opened (and closed), who opened it (a name)."""
    id: int
    business_day: date
    opened_at: datetime
    float_amount: int
    closed_at: datetime | None = None
    opened_by: str | None = None


@dataclass(frozen=True)
class ItemRow:
    """A line of a check: `net` is its net on the check's bill (after its discounts and comps
    and its share of the check's); a voided item is not on the bill (its net is not used).
    The category is the dish's (0 and "" when the dish has none)."""
    dish_id: int
    name: str
    quantity: int
    unit_price: int
    net: int = 0
    voided: bool = False
    category_id: int = 0
    category: str = ""
    category_sort: int = 0


@dataclass(frozen=True)
class CheckRow:
    """A counted check with its bill's figures (pos.checks.billing.Bill: gross is its
    subtotal) and how many discounts and comps are in force on it."""
    visit_id: int
    covers: int | None = None
    gross: int = 0
    discounts: int = 0
    comps: int = 0
    net: int = 0
    service_charge: int = 0
    tax: int = 0
    total: int = 0
    discount_count: int = 0
    comp_count: int = 0
    items: tuple[ItemRow, ...] = field(default=())


@dataclass(frozen=True)
class PaymentRow:
    """Money taken for a check (kind "payment", with its tip and cash rounding) or given back
    (kind "refund")."""
    kind: str
    tender: str
    amount: int
    tip: int = 0
    rounding: int = 0  # amount minus what it settled (cash rounded to the smallest coin)


@dataclass(frozen=True)
class MovementRow:
    """Cash put into (kind "in") or taken out of (kind "out") the drawer; staff is a name."""
    id: int
    created_at: datetime
    kind: str
    amount: int
    reason: str
    staff: str | None = None


# -- the parts -----------------------------------------------------------------------------------------

def drawer(float_amount: int, payments: Iterable[PaymentRow], *, cash_in: int, cash_out: int) -> dict:
    """The drawer's figures: the float, cash sales, cash tips, cash refunds, cash in and out,
    and the cash expected in it."""
    cash_sales = cash_tips = cash_refunds = 0
    for p in payments:
        if p.tender != CASH:
            continue
        if p.kind == "refund":
            cash_refunds += p.amount
        else:
            cash_sales += p.amount
            cash_tips += p.tip
    return {"float": float_amount, "cash_sales": cash_sales, "cash_tips": cash_tips, "cash_refunds": cash_refunds,
            "cash_in": cash_in, "cash_out": cash_out,
            "expected": expected_cash(float_amount, cash_sales, cash_tips, cash_refunds, cash_in, cash_out)}


def movement_dicts(movements: Iterable[MovementRow], settings: ReportSettings) -> list[dict]:
    """The cash movements as the screens and the report list them."""
    return [{"id": m.id, "at": m.created_at.isoformat(), "time": settings.local(m.created_at, "%H:%M"),
             "kind": m.kind, "label": MOVEMENT_LABELS[m.kind], "amount": m.amount,
             "amount_formatted": settings.money(m.amount), "reason": m.reason, "staff": m.staff}
            for m in movements]


@dataclass
class _Sales:
    sums: dict = field(default_factory=lambda: dict.fromkeys(SALES_KEYS, 0))
    discount_count: int = 0
    comp_count: int = 0
    void_count: int = 0
    void_amount: int = 0
    by_dish: dict = field(default_factory=dict)
    by_category: dict = field(default_factory=dict)
    category_sort: dict = field(default_factory=dict)


def _sales(checks: Sequence[CheckRow]) -> _Sales:
    """The checks' figures added up, and their items by dish and by category (voids apart)."""
    out = _Sales()
    for c in checks:
        for key in SALES_KEYS:
            out.sums[key] += getattr(c, key)
        out.discount_count += c.discount_count
        out.comp_count += c.comp_count
        for i in c.items:
            if i.voided:
                out.void_count += 1
                out.void_amount += i.unit_price * i.quantity
                continue
            dish = out.by_dish.setdefault(i.dish_id, {"dish_id": i.dish_id, "name": i.name, "category": i.category,
                                                      "qty": 0, "amount": 0})
            cat = out.by_category.setdefault(i.category_id, {"category_id": i.category_id, "name": i.category,
                                                             "qty": 0, "amount": 0})
            out.category_sort[i.category_id] = i.category_sort
            for row in (dish, cat):
                row["qty"] += i.quantity
                row["amount"] += i.net
    return out


def tender_rows(payments: Iterable[PaymentRow], settings: ReportSettings) -> list[dict]:
    """Payments, tips and refunds by tender: cash first (always listed), then the configured
    tenders in their order, then any other by name."""
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
    rows = []
    for name in sorted(tenders, key=settings.tender_order):
        t = tenders[name]
        t["net"] = t["amount"] - t["refunds"]
        rows.append({**t, "label": settings.tender_label(name),
                     "formatted": {k: settings.money(t[k]) for k in ("amount", "tips", "refunds", "net")}})
    return rows


def _figure(settings: ReportSettings, count: int, amount: int) -> dict:
    return {"count": count, "amount": amount, "amount_formatted": settings.money(amount)}


def _charges(settings: ReportSettings, sums: dict) -> dict:
    """The report's tax and service lines."""
    tax_label = f"{'incl. ' if settings.prices_include_tax else ''}Tax {settings.tax_rate}%"
    return {"taxes": [{"label": tax_label, "rate": str(settings.tax_rate), "included": settings.prices_include_tax,
                       "amount": sums["tax"], "amount_formatted": settings.money(sums["tax"])}],
            "service": {"label": f"Service {settings.service_charge}%", "rate": str(settings.service_charge),
                        "amount": sums["service_charge"], "amount_formatted": settings.money(sums["service_charge"])}}


# -- the report ----------------------------------------------------------------------------------------

def z_report(session: SessionRow, checks: Sequence[CheckRow], payments: Sequence[PaymentRow],
             movements: Sequence[MovementRow], settings: ReportSettings, *, now: datetime,
             open_checks: Sequence[dict] = (),
             counted: int | None = None, closed_by: str | None = None, approved_by: str | None = None) -> dict:
    """The Z report of a session: as it stands at `now` while it is open (counted None), or
    as it closes with the cash `counted` in the drawer (closed_by and approved_by are names)."""
    money = settings.money
    s = _sales(checks)
    tenders = tender_rows(payments, settings)
    refunds = sum(t["refunds"] for t in tenders)
    covers, basis = covers_of([c.covers for c in checks])
    sales = {**s.sums, "tips": sum(t["tips"] for t in tenders), "payments": sum(t["amount"] for t in tenders),
             "rounding": sum(p.rounding for p in payments if p.kind == "payment"),
             "refunds": refunds, "average_check": half_up_div(s.sums["total"], len(checks))}

    cash = drawer(session.float_amount, payments, cash_in=sum(m.amount for m in movements if m.kind == "in"),
                  cash_out=sum(m.amount for m in movements if m.kind == "out"))
    cash["counted"] = counted
    cash["difference"] = counted - cash["expected"] if counted is not None else None
    closed_at = session.closed_at or (now if counted is not None else None)
    return {
        "register_id": session.id, "business_day": session.business_day.isoformat(),
        "status": "closed" if counted is not None or session.closed_at is not None else "open",
        "opened_at": session.opened_at.isoformat(), "closed_at": iso(closed_at),
        "opened_local": settings.local(session.opened_at), "closed_local": settings.local(closed_at),
        "opened_by": session.opened_by, "closed_by": closed_by, "approved_by": approved_by,
        "generated_at": now.isoformat(), "currency": settings.currency, "minor_unit": settings.minor_unit,
        "counting": COUNTING_RULE, "visit_ids": [c.visit_id for c in checks],
        "checks": len(checks), "open_checks": len(open_checks), "open_check_list": list(open_checks),
        "covers": covers, "covers_basis": basis,
        "covers_note": COVERS_NOTES[basis],
        "sales": sales, "formatted": {k: money(v) for k, v in sales.items()},
        "sales_by_category": [{**c, "amount_formatted": money(c["amount"])} for c in sorted(
            s.by_category.values(), key=lambda c: (s.category_sort[c["category_id"]], c["category_id"]))],
        "sales_by_dish": [{**d, "amount_formatted": money(d["amount"])}
                          for d in sorted(s.by_dish.values(), key=lambda d: (-d["amount"], -d["qty"], d["dish_id"]))],
        "tenders": tenders,
        **_charges(settings, s.sums),
        "discounts": _figure(settings, s.discount_count, s.sums["discounts"]),
        "comps": _figure(settings, s.comp_count, s.sums["comps"]),
        "voids": _figure(settings, s.void_count, s.void_amount),
        "refunds": _figure(settings, sum(t["refund_count"] for t in tenders), refunds),
        "cash": {**cash, "formatted": {k: money(v) if v is not None else None for k, v in cash.items()}},
        "cash_movements": movement_dicts(movements, settings),
    }
