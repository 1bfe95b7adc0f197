"""Check arithmetic in integer minor units: pure, no framework imports.

Service charge and tax are percentages (Decimal). Rounding is half-up to the
minor unit, applied once per computed amount, so the parts always add up:
``total == subtotal + service_charge + (tax if exclusive else 0)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def percent_of(amount: int, percent: Decimal) -> int:
    return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class CheckTotals:
    subtotal: int
    service_charge: int
    tax: int
    tax_included: bool
    total: int
    paid: int

    @property
    def due(self) -> int:
        return max(self.total - self.paid, 0)


def check_totals(line_amounts: list[int], *, service_pct: Decimal, tax_pct: Decimal,
                 prices_include_tax: bool, paid: int = 0) -> CheckTotals:
    subtotal = sum(line_amounts)
    service = percent_of(subtotal, service_pct)
    base = subtotal + service
    if prices_include_tax:
        tax = int((Decimal(base) * tax_pct / (100 + tax_pct)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        total = base
    else:
        tax = percent_of(base, tax_pct)
        total = base + tax
    return CheckTotals(subtotal, service, tax, prices_include_tax, total, paid)


@dataclass(frozen=True)
class CashResult:
    applied: int
    change: int


def cash_payment(due: int, tendered: int) -> CashResult:
    """Cash may exceed what is due (change is given back); it is applied up to the due amount."""
    if tendered <= 0:
        raise ValueError("tendered must be positive")
    applied = min(due, tendered)
    return CashResult(applied, tendered - applied)
