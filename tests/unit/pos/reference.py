"""Reference arithmetic the billing tests compare pos.checks.billing with, written here
independently of it."""
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace


def check_totals(amounts, *, service_pct, tax_pct, prices_include_tax, paid):
    """The reference: a check's figures without adjustments, computed here independently of
    pos.checks.billing (exact decimals, half up: service on the prices, tax on prices plus
    service, included in them or added on top)."""
    def half_up(x: Decimal) -> int:
        return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    subtotal = sum(amounts)
    service = half_up(Decimal(subtotal) * service_pct / 100)
    base = subtotal + service
    if prices_include_tax:
        tax, total = half_up(Decimal(base) * tax_pct / (100 + tax_pct)), base
    else:
        tax = half_up(Decimal(base) * tax_pct / 100)
        total = base + tax
    return SimpleNamespace(subtotal=subtotal, service_charge=service, tax=tax, total=total, due=max(total - paid, 0))
