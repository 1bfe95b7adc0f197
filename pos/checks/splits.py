"""Splitting a check (pure): equal parts, by items, by seats. Every split adds up exactly to
what it splits, to the minor unit, because it sums the lines' shares pos.checks.billing
computed (or, for equal parts, gives the extra minor units to the first parts)."""
from __future__ import annotations

from collections.abc import Sequence

from pos.checks.billing import Bill, BillingError, is_int, require_amount


def split_equal(amount: int, n: int) -> list[int]:
    """``amount`` in ``n`` parts differing by at most one minor unit, the larger parts first.

    For a check that is partly paid, the terminal splits what is left: ``split_equal(b.due, n)``.
    """
    require_amount("The amount to split", amount)
    if not is_int(n) or n < 1:
        raise BillingError("bad_split", f"A check splits into 1 or more parts, not {n!r}.")
    q, r = divmod(amount, n)
    return [q + 1] * r + [q] * (n - r)


def split_by_lines(b: Bill, groups: Sequence[Sequence[int]]) -> list[int]:
    """Each group's part of ``b.total``: the sum of its lines' ``total_share``. Every line of the
    check must be in exactly one group (an empty group pays 0)."""
    owner: dict[int, int] = {}
    shares = {ln.key: ln.total_share for ln in b.lines}
    for g, group in enumerate(groups):
        for key in group:
            if key not in shares:
                raise BillingError("unknown_line", f"There is no line {key!r} on this check.", g)
            if key in owner:
                raise BillingError("bad_split", f"Line {key!r} is in more than one part.", g)
            owner[key] = g
    missing = [k for k in shares if k not in owner]
    if missing:
        raise BillingError("bad_split", f"Lines {missing} are in no part.")
    return [sum(shares[k] for k in group) for group in groups]


def split_by_seats(b: Bill) -> dict[int | None, int]:
    """Each seat's part of ``b.total``: its lines' ``total_share`` plus an equal part (larger parts
    to the lower seat numbers) of the lines with no seat. With no seat at all, one part under None."""
    seats = sorted({ln.seat for ln in b.lines if ln.seat is not None})
    if not seats:
        return {None: b.total}
    parts = {seat: 0 for seat in seats}
    shared = 0
    for ln in b.lines:
        if ln.seat is None:
            shared += ln.total_share
        else:
            parts[ln.seat] += ln.total_share
    for seat, extra in zip(seats, split_equal(shared, len(seats))):
        parts[seat] += extra
    return parts
