"""The bill as the guest sees it, built once: pure, no framework imports.

:func:`present` turns a check's arithmetic (pos.checks.billing.Bill) and what the guest is
shown of its items, discounts and payments into the lines every surface renders: the
till's check, the printed bill and receipt, the diner's e-receipt and the Z report's
figures. Surfaces only format and translate; none computes money.

The lines read top to bottom and add up as they read:

- each item at its full price (quantity x unit price), then under it its own discounts
  and, for a comped item, a "complimentary" line taking its whole price off;
- ``subtotal``: what the item lines above add up to (their prices less their own
  discounts and comps);
- each check discount once, as the amount it took off the check (not its shares per item);
- the service charge and the tax (an inclusive tax is shown and not added);
- ``total`` = subtotal + check discounts + service + exclusive tax (the figure billing
  computed);
- the cash rounding, when cash settled the check in the smallest coin;
- each payment: what it put toward the check (``paid``: cash rounded), its tip under it,
  what was handed over (``handed``, cash) and the change; refunds after them.

So ``sum(item.net) == subtotal``, ``subtotal + sum(check discounts) + service +
(0 if included else tax) == total`` and, once paid, ``sum(handed) - change == total +
rounding + tips``.

A customer-facing ``label`` is what the guest reads (None: the surface's word for
"Discount"); the cashier's reason never reaches this module.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pos.checks.billing import Bill

CASH = "cash"


# -- what goes in -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemIn:
    """A line of the check that is on the bill (not voided); ``key`` is its billing.Line key."""
    key: int
    quantity: int
    names: Mapping[str, str]
    modifiers: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class AdjustmentIn:
    """A discount or comp in force, in the order billing applied it (its Bill.adjustment_amounts
    position), with the label the guest reads."""
    kind: str            # "discount" | "comp"
    line: int | None     # None: the whole check
    percent: Decimal | None = None
    label: str | None = None


@dataclass(frozen=True)
class PaymentIn:
    """A payment (kind "payment") or refund (kind "refund") as recorded: ``amount`` is what it
    put toward the check (cash: rounded) or gave back; ``handed`` what was handed over or
    charged (amount + change + tip)."""
    id: int
    kind: str
    tender: str
    amount: int
    handed: int = 0
    change: int = 0
    tip: int = 0
    rounding: int = 0
    reference: str | None = None


# -- what comes out ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reduction:
    """Money taken off (``amount`` negative): a discount (``percent`` when it was one) or a comp."""
    kind: str            # "discount" | "comp"
    amount: int
    label: str | None = None
    percent: Decimal | None = None


@dataclass(frozen=True)
class ItemLine:
    key: int
    quantity: int
    names: Mapping[str, str]
    modifiers: tuple[Mapping[str, str], ...]
    amount: int                         # the full price
    reductions: tuple[Reduction, ...]   # its own discounts, or its comp

    @property
    def comped(self) -> bool:
        return any(r.kind == "comp" for r in self.reductions)

    @property
    def net(self) -> int:
        return self.amount + sum(r.amount for r in self.reductions)


@dataclass(frozen=True)
class Charge:
    """The service charge or the tax: ``included`` (tax already in the prices) is shown, not added."""
    kind: str            # "service" | "tax"
    rate: Decimal
    amount: int
    included: bool = False


@dataclass(frozen=True)
class TenderLine:
    id: int
    tender: str
    paid: int            # toward the check (cash: rounded to the coin); a refund: given back
    handed: int          # handed over (cash) or charged (other tenders: paid + tip)
    change: int
    tip: int
    rounding: int
    reference: str | None = None


@dataclass(frozen=True)
class Presentation:
    items: tuple[ItemLine, ...]
    gross: int                          # the items at full price
    subtotal: int                       # sum of the items' nets
    discounts: tuple[Reduction, ...]    # on the whole check, each once
    service: Charge | None
    tax: Charge | None
    total: int
    rounding: int                       # cash rounding over the payments
    payments: tuple[TenderLine, ...]
    refunds: tuple[TenderLine, ...]
    tips: int
    change: int
    paid: int                           # settled against the total (cash before rounding)
    due: int

    @property
    def item_reductions(self) -> int:
        """The items' own discounts and comps (negative)."""
        return self.subtotal - self.gross

    @property
    def comps(self) -> int:
        """What the comps took off (negative)."""
        return sum(r.amount for i in self.items for r in i.reductions if r.kind == "comp")

    @property
    def all_discounts(self) -> int:
        """Every discount, the items' own and the check's (negative; comps apart)."""
        return self.item_reductions - self.comps + sum(d.amount for d in self.discounts)

    @property
    def refunded(self) -> int:
        return sum(r.paid for r in self.refunds)

    @property
    def cash_received(self) -> int:
        """What the guest's payments came to: handed over less the change."""
        return sum(p.handed for p in self.payments) - self.change

    def sums(self) -> list[tuple[str, int, dict]]:
        """The block under the items, in order, as (key, amount, details): subtotal, each
        check discount, service, tax, total, rounding. details: label, percent, rate, included."""
        rows: list[tuple[str, int, dict]] = [("subtotal", self.subtotal, {})]
        rows += [("discount", d.amount, {"label": d.label, "percent": d.percent}) for d in self.discounts]
        if self.service and self.service.amount:
            rows.append(("service", self.service.amount, {"rate": self.service.rate}))
        if self.tax and self.tax.amount:
            rows.append(("tax", self.tax.amount, {"rate": self.tax.rate, "included": self.tax.included}))
        rows.append(("total", self.total, {}))
        if self.rounding:
            rows.append(("rounding", self.rounding, {}))
        return rows


def present(bill: Bill, items: Sequence[ItemIn], adjustments: Sequence[AdjustmentIn],
            payments: Sequence[PaymentIn], *, service_rate: Decimal, tax_rate: Decimal) -> Presentation:
    """The guest's lines of a check from its bill (see the module docstring). ``items`` are the
    bill's lines (any order; shown in the order given); ``adjustments`` in the order the bill
    was computed with, so ``bill.adjustment_amounts`` says what each took."""
    if len(adjustments) != len(bill.adjustment_amounts):
        raise ValueError("The adjustments are not the ones the bill was computed with.")
    own: dict[int, list[Reduction]] = {}
    check: list[Reduction] = []
    for a, taken in zip(adjustments, bill.adjustment_amounts):
        if not taken and a.kind == "discount":  # took nothing (its line was already free): not shown
            continue
        r = Reduction(a.kind, -taken, a.label, a.percent)
        (check if a.line is None else own.setdefault(a.line, [])).append(r)
    lines = []
    for i in items:
        result = bill.line(i.key)
        reductions = tuple(own.get(i.key, ()))
        comped = [r for r in reductions if r.kind == "comp"]
        lines.append(ItemLine(i.key, i.quantity, i.names, tuple(i.modifiers), result.gross,
                              tuple(comped) or reductions))  # a comp takes the line: no discount beside it
    if {ln.key for ln in lines} != {ln.key for ln in bill.lines}:
        raise ValueError("The items are not the bill's lines.")
    subtotal = sum(ln.net for ln in lines)
    paid = [p for p in payments if p.kind == "payment"]
    refunds = [p for p in payments if p.kind == "refund"]

    def tender(p: PaymentIn) -> TenderLine:
        return TenderLine(p.id, p.tender, p.amount, p.handed, p.change, p.tip, p.rounding, p.reference)

    return Presentation(
        items=tuple(lines), gross=bill.subtotal, subtotal=subtotal, discounts=tuple(check),
        service=Charge("service", service_rate, bill.service_charge),
        tax=Charge("tax", tax_rate, bill.tax, bill.tax_included), total=bill.total,
        rounding=sum(p.rounding for p in paid), payments=tuple(tender(p) for p in paid),
        refunds=tuple(tender(p) for p in refunds), tips=sum(p.tip for p in paid),
        change=sum(p.change for p in paid), paid=bill.paid, due=bill.due)


# -- the receipt's data -----------------------------------------------------------------------------

def receipt_lines(p: Presentation, *, money, name, tender_label) -> dict:
    """The money part of the receipt's layout data (printers.guest_slips.receipt, and the
    diner's e-receipt page) from a presentation: every amount formatted by ``money`` (minor
    units to text), item and modifier names by ``name`` (a names mapping to text), tenders by
    ``tender_label``. Labels of the fixed lines are the surface's own; a discount's ``label``
    is the guest's (None: the surface's word for "Discount")."""
    def reduction(r: Reduction) -> dict:
        return {"kind": r.kind, "label": r.label, "amount": money(r.amount),
                "percent": format(r.percent.normalize(), "f") if r.percent is not None else None}

    def tender(t: TenderLine) -> dict:
        return {"tender": t.tender, "label": tender_label(t.tender), "amount": money(t.handed),
                **({"reference": t.reference} if t.reference else {}),
                **({"tip": money(t.tip)} if t.tip else {})}

    service, tax = p.service, p.tax
    return {
        "lines": [{"qty": i.quantity, "name": name(i.names), "modifiers": [name(m) for m in i.modifiers],
                   "amount": money(i.amount), "comp": i.comped, "reductions": [reduction(r) for r in i.reductions]}
                  for i in p.items],
        "subtotal": money(p.subtotal),
        "discounts": [reduction(d) for d in p.discounts],
        "service_lines": [{"rate": str(service.rate), "amount": money(service.amount)}]
        if service and service.amount else [],
        "tax_lines": [{"rate": str(tax.rate), "included": tax.included, "amount": money(tax.amount)}]
        if tax and tax.amount else [],
        "total": money(p.total),
        "rounding": money(p.rounding) if p.rounding else None,
        "payments": [tender(t) for t in p.payments],
        "tip": money(p.tips) if p.tips else None,
        "change": money(p.change) if p.change else None,
        "refunds": [{"tender": t.tender, "label": tender_label(t.tender), "amount": money(-t.paid)}
                    for t in p.refunds],
    }
