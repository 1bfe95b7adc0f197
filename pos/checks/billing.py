"""Check arithmetic in integer minor units: pure, no framework imports.

Money is always an ``int`` of minor units (cents); percentages are ``Decimal``.
Rounding is half-up (half away from zero) to the minor unit, done with exact
rational arithmetic, and applied ONCE per computed check figure; figures that
have to be spread over lines, seats or parts are spread by largest remainder
(:func:`allocate`), so the parts always add up exactly to the whole.

The order of the arithmetic on a check (:func:`bill`):

1. Each line's gross is its ``amount`` (quantity x unit price).
2. Comps: a comped line is entirely free (``comp == gross``); it takes no
   discount at all, neither its own nor a share of a check discount.
3. Line discounts, in the order given: a percent discount is ``percent`` of the
   line's remaining amount, rounded half-up on that line; an amount discount is
   capped at the line's remaining amount. A line never goes below 0.
4. Check discounts (``line=None``), in the order given: a percent discount is
   ``percent`` of the check's remaining net, rounded half-up once; an amount
   discount is capped at the remaining net. Each is then allocated over the
   lines in proportion to their remaining net, by largest remainder.
5. ``service_charge = half_up(net * service_pct / 100)``.
6. Tax on ``base = net + service_charge``: exclusive (added on top)
   ``half_up(base * tax_pct / 100)``; inclusive (already in the prices)
   ``half_up(base * tax_pct / (100 + tax_pct))``, the share contained in base.
7. ``total = net + service_charge + (0 if inclusive else tax)``.
8. Service is allocated to lines by their net, tax by their ``net + service``
   share, each by largest remainder, so the per-line shares sum exactly to the
   check figures and ``sum(line.total_share) == total``.

Tips are never part of the total or of what is due: they are recorded beside
the payment (see :func:`apply_tender`).

Splitting a check (pos.checks.splits): ``split_by_lines`` and ``split_by_seats`` split the
check's ``total``. For a check that is already partly paid, the terminal splits
what is left with ``split_equal(b.due, n)``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

CASH = "cash"

# --------------------------------------------------------------------------- rounding


def _half_up(q: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (Decimal's ROUND_HALF_UP)."""
    n, d = q.numerator, q.denominator
    if n >= 0:
        return (2 * n + d) // (2 * d)
    return -((-2 * n + d) // (2 * d))


def percent_of(amount: int, percent: Decimal) -> int:
    """``amount * percent / 100`` rounded half-up to the minor unit (exactly, no float)."""
    return _half_up(Fraction(amount) * Fraction(percent) / 100)


def included_share(amount: int, percent: Decimal) -> int:
    """The part of ``amount`` that is a ``percent`` tax already included in it:
    ``amount * percent / (100 + percent)`` rounded half-up."""
    p = Fraction(percent)
    return _half_up(Fraction(amount) * p / (100 + p))


def _charges(net: int, service_pct: Decimal, tax_pct: Decimal, inclusive: bool) -> tuple[int, int, int]:
    """(service_charge, tax, total) for a net amount: the one place the check figures are computed."""
    service = percent_of(net, service_pct)
    base = net + service
    if inclusive:
        return service, included_share(base, tax_pct), base
    tax = percent_of(base, tax_pct)
    return service, tax, base + tax


# --------------------------------------------------------------------------- errors


class BillingError(ValueError):
    """A request the check arithmetic refuses. ``code`` is machine readable:

    bad_line, duplicate_line, bad_kind, bad_adjustment, bad_percent, bad_amount,
    unknown_line, comp_needs_line, double_comp, bad_rate, bad_split, bad_tender,
    overpay, short_tender, nothing_due, refund_exceeds.

    ``index`` is the position of the offending adjustment (or line) when there is one.
    """

    def __init__(self, code: str, message: str, index: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.index = index

    def __repr__(self) -> str:
        return f"BillingError({self.code!r}, {self.message!r})"


def is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_percent(x: object) -> bool:
    return (isinstance(x, Decimal) and x.is_finite()) or is_int(x)


def require_amount(name: str, value: object, *, positive: bool = False) -> None:
    if not is_int(value) or value < 0 or (positive and value == 0):
        kind = "a positive" if positive else "a non-negative"
        raise BillingError("bad_amount", f"{name} must be {kind} whole number of minor units, not {value!r}.")


# --------------------------------------------------------------------------- allocation


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount`` (>= 0) over ``weights`` (>= 0) in proportion, by largest remainder.

    The parts sum exactly to ``amount``; each part is its exact share rounded down or up
    (never off by a whole unit), so a zero weight gets 0. Ties on the remainder go to the
    earlier weight. All weights zero is only allowed for an amount of 0.
    """
    require_amount("The amount to allocate", amount)
    for w in weights:
        require_amount("A weight", w)
    total_weight = sum(weights)
    if total_weight == 0:
        if amount:
            raise BillingError("bad_split", "Cannot allocate a non-zero amount over nothing.")
        return [0] * len(weights)
    parts, remainders = [], []
    for w in weights:
        q, r = divmod(amount * w, total_weight)
        parts.append(q)
        remainders.append(r)
    left = amount - sum(parts)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[i] += 1
    return parts


# --------------------------------------------------------------------------- the check


@dataclass(frozen=True)
class Line:
    """One line of the check: ``amount`` is quantity x unit price, in minor units."""
    key: int
    amount: int
    seat: int | None = None


@dataclass(frozen=True)
class Adjustment:
    """A discount (exactly one of ``percent`` or ``amount``) or a comp (the whole line free,
    neither percent nor amount) on line ``line``, or on the whole check when ``line`` is None
    (discounts only). ``reason`` is carried for the receipt and the audit trail."""
    kind: str  # "discount" | "comp"
    line: int | None
    percent: Decimal | None = None
    amount: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class LineResult:
    key: int
    seat: int | None
    gross: int          # the line's amount
    discount: int       # its own discounts plus its share of check discounts
    comp: int           # gross if comped, else 0
    net: int            # gross - discount - comp
    service_share: int
    tax_share: int      # inclusive: the tax contained in net + service_share
    total_share: int    # net + service_share (+ tax_share when exclusive)


@dataclass(frozen=True)
class Bill:
    lines: tuple[LineResult, ...]
    subtotal: int       # sum of gross
    discounts: int      # sum of discounts, comps excluded
    comps: int          # sum comped
    net: int            # subtotal - discounts - comps
    service_charge: int
    tax: int
    tax_included: bool
    total: int          # net + service_charge + (0 if tax_included else tax)
    paid: int
    due: int            # max(total - paid, 0)
    tips: int           # recorded beside the payments; not part of total or due
    adjustment_amounts: tuple[int, ...]  # what each adjustment took, in the order given

    def line(self, key: int) -> LineResult:
        for result in self.lines:
            if result.key == key:
                return result
        raise BillingError("unknown_line", f"There is no line {key} on this check.")


def problems(lines: Sequence[Line], adjustments: Sequence[Adjustment] = ()) -> list[BillingError]:
    """Every reason :func:`bill` would refuse these lines and adjustments, in order (empty if fine)."""
    found: list[BillingError] = []
    keys: set[int] = set()
    for i, ln in enumerate(lines):
        if not is_int(ln.amount) or ln.amount < 0:
            found.append(BillingError("bad_line", f"Line {ln.key!r} has a bad amount {ln.amount!r}.", i))
        if ln.key in keys:
            found.append(BillingError("duplicate_line", f"Line {ln.key!r} appears twice.", i))
        keys.add(ln.key)
    comped: set[int] = set()
    for i, adj in enumerate(adjustments):
        if adj.line is not None and adj.line not in keys:
            found.append(BillingError("unknown_line", f"There is no line {adj.line!r} on this check.", i))
        if adj.kind == "comp":
            if adj.line is None:
                found.append(BillingError("comp_needs_line", "A comp is for one line, not the whole check.", i))
            if adj.percent is not None or adj.amount is not None:
                found.append(BillingError("bad_adjustment", "A comp makes the whole line free: no percent or amount.", i))
            if adj.line is not None and adj.line in comped:
                found.append(BillingError("double_comp", f"Line {adj.line!r} is already comped.", i))
            comped.add(adj.line)
        elif adj.kind == "discount":
            if (adj.percent is None) == (adj.amount is None):
                found.append(BillingError("bad_adjustment", "A discount has either a percent or an amount.", i))
            elif adj.percent is not None:
                if not _is_percent(adj.percent) or not 0 < adj.percent <= 100:
                    found.append(BillingError("bad_percent", f"A discount percent must be above 0 and at most 100, not {adj.percent!r}.", i))
            elif not is_int(adj.amount) or adj.amount <= 0:
                found.append(BillingError("bad_amount", f"A discount amount must be a positive whole number of minor units, not {adj.amount!r}.", i))
        else:
            found.append(BillingError("bad_kind", f"An adjustment is a discount or a comp, not {adj.kind!r}.", i))
    return found


def validate(lines: Sequence[Line], adjustments: Sequence[Adjustment] = ()) -> None:
    """Raise the first of :func:`problems`, if any."""
    found = problems(lines, adjustments)
    if found:
        raise found[0]


def bill(lines: Sequence[Line], adjustments: Sequence[Adjustment] = (), *, service_pct: Decimal,
         tax_pct: Decimal, prices_include_tax: bool, paid: int = 0, tips: int = 0) -> Bill:
    """The whole check: see the module docstring for the order and the rounding."""
    validate(lines, adjustments)
    for name, pct in (("service", service_pct), ("tax", tax_pct)):
        if not _is_percent(pct) or pct < 0:
            raise BillingError("bad_rate", f"The {name} percentage must be 0 or more, not {pct!r}.")
    require_amount("paid", paid)
    require_amount("tips", tips)

    index = {ln.key: i for i, ln in enumerate(lines)}
    gross = [ln.amount for ln in lines]
    comp = [0] * len(lines)
    discount = [0] * len(lines)
    remaining = list(gross)
    taken = [0] * len(adjustments)

    for a, adj in enumerate(adjustments):
        if adj.kind == "comp":
            i = index[adj.line]
            comp[i], taken[a], remaining[i] = gross[i], gross[i], 0
    comped = {index[adj.line] for adj in adjustments if adj.kind == "comp"}

    for a, adj in enumerate(adjustments):  # line discounts first
        if adj.kind != "discount" or adj.line is None or index[adj.line] in comped:
            continue
        i = index[adj.line]
        off = percent_of(remaining[i], adj.percent) if adj.percent is not None else adj.amount
        off = min(off, remaining[i])
        discount[i] += off
        remaining[i] -= off
        taken[a] = off

    for a, adj in enumerate(adjustments):  # then check discounts, over what is left
        if adj.kind != "discount" or adj.line is not None:
            continue
        left = sum(remaining)
        off = min(percent_of(left, adj.percent) if adj.percent is not None else adj.amount, left)
        for i, share in enumerate(allocate(off, remaining)):
            discount[i] += share
            remaining[i] -= share
        taken[a] = off

    net = sum(remaining)
    service, tax, total = _charges(net, service_pct, tax_pct, prices_include_tax)
    service_shares = allocate(service, remaining)
    tax_shares = allocate(tax, [n + s for n, s in zip(remaining, service_shares)])
    results = tuple(
        LineResult(ln.key, ln.seat, gross[i], discount[i], comp[i], remaining[i], service_shares[i],
                   tax_shares[i], remaining[i] + service_shares[i] + (0 if prices_include_tax else tax_shares[i]))
        for i, ln in enumerate(lines))
    return Bill(results, sum(gross), sum(discount), sum(comp), net, service, tax, prices_include_tax, total,
                paid, max(total - paid, 0), tips, tuple(taken))


# --------------------------------------------------------------------------- tenders


@dataclass(frozen=True)
class TenderResult:
    applied: int  # what goes against the check (never more than was due)
    change: int   # cash handed back (0 for other tenders)
    tip: int      # on top of applied, not part of the check's due
    rounding: int = 0  # cash only: what the guest paid minus what it settled (negative: rounded down)

    @property
    def paid(self) -> int:
        """The money received toward the check: what it settled, rounded for cash."""
        return self.applied + self.rounding

    @property
    def tendered(self) -> int:
        """What the guest handed over (cash) or was charged (other tenders)."""
        return self.paid + self.change + self.tip


def cash_rounding(due: int, step: int) -> int:
    """What paying ``due`` in cash changes it by when cash is counted in ``step`` minor units
    (the smallest coin: 10 for HK$0.10), half-up: 48312 -> -2 (HK$483.10), 48315 -> +5."""
    require_amount("The amount due", due)
    if not is_int(step) or step < 1:
        raise BillingError("bad_step", f"A cash rounding step is a positive number of minor units, not {step!r}.")
    return _half_up(Fraction(due, step)) * step - due


def apply_tender(due: int, tender: str, amount: int, tendered: int | None = None, tip: int = 0,
                 cash_step: int = 1) -> TenderResult:
    """One payment against a check with ``due`` left; a check takes several in turn, each
    against what the previous ones left.

    ``amount`` is what the guest pays toward the check; ``tip`` is entered separately and is
    never part of the due.

    - Cash (``tender == "cash"``): ``amount`` may exceed the due: ``applied = min(amount, due)``.
      ``tendered`` is the cash handed over (default ``amount + tip``) and must cover
      ``applied + tip`` (else ``short_tender``); ``change = tendered - applied - tip``.
      With a ``cash_step`` (the smallest coin), cash that settles the check pays the due
      rounded to the step (:func:`cash_rounding`): ``applied = due``, ``rounding`` the
      difference, ``change = tendered - (due + rounding) - tip``. Cash that pays only part
      of the check is not rounded; nor is any other tender.
    - Any other tender is charged exactly ``amount + tip`` and cannot exceed the due
      (``overpay``); ``tendered``, if given, must be that charge; no change.

    Nothing due raises ``nothing_due``; amounts must be positive, the tip 0 or more.
    """
    require_amount("The amount due", due)
    if not isinstance(tender, str) or not tender:
        raise BillingError("bad_tender", f"Unknown tender {tender!r}.")
    require_amount("The amount paid", amount, positive=True)
    require_amount("The tip", tip)
    if tendered is not None:
        require_amount("The amount tendered", tendered, positive=True)
    if due == 0:
        raise BillingError("nothing_due", "Nothing is due on this check.")
    if tender == CASH:
        rounding = cash_rounding(due, cash_step)
        settles = amount >= due + rounding
        applied = due if settles else min(amount, due)
        rounding = rounding if settles else 0
        handed = amount + tip if tendered is None else tendered
        if handed < applied + rounding + tip:
            raise BillingError("short_tender", f"{handed} handed over does not cover {applied + rounding} "
                                               f"and a tip of {tip}.")
        return TenderResult(applied, handed - applied - rounding - tip, tip, rounding)
    if amount > due:
        raise BillingError("overpay", f"A {tender} payment of {amount} is more than the {due} due.")
    if tendered is not None and tendered != amount + tip:
        raise BillingError("bad_tender", f"A {tender} payment is charged exactly the amount plus the tip.")
    return TenderResult(amount, 0, tip)


def refundable(paid_by_tender: Mapping[str, int], refunded_by_tender: Mapping[str, int], tender: str,
               amount: int) -> int:
    """Check a refund of ``amount`` back to ``tender``: it cannot exceed what that tender paid
    minus what was already refunded to it (``refund_exceeds``). Returns what stays refundable
    to that tender after this refund. Whether tips count as paid is the caller's choice of figures."""
    require_amount("The refund", amount, positive=True)
    for figures in (paid_by_tender, refunded_by_tender):
        for value in figures.values():
            require_amount("A paid or refunded figure", value)
    left = paid_by_tender.get(tender, 0) - refunded_by_tender.get(tender, 0)
    if amount > left:
        raise BillingError("refund_exceeds", f"Only {max(left, 0)} can still be refunded to {tender}, not {amount}.")
    return left - amount
