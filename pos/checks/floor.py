"""The state of a table as the cashier sees it: pure."""
from __future__ import annotations

from pos.orders.status import PREPARING, ItemStatus


def finished(item_statuses: list[str], due: int) -> bool:
    """A takeaway or counter check is done once it is paid and every dish was handed over:
    it closes by itself."""
    live = [s for s in item_statuses if s != ItemStatus.VOIDED]
    return due == 0 and bool(live) and all(s == ItemStatus.SERVED for s in live)


def table_state(item_statuses: list[str], due: int, total: int, *, seated: bool = False,
                late: bool = False, bill_requested: bool = False, pickup: bool = False) -> str:
    """free: nobody there; seated: a party sat down (covers taken) but has not ordered;
    ordering: dishes still queued or cooking; waiting: ... and an order is past the time
    promised (waiting long); eating: all dishes out of the kitchen; bill: the diners asked
    for the bill; paid: nothing left to pay on a non-empty check; pickup: a paid takeaway or
    counter check (pickup=True) whose dishes are not all handed over yet."""
    live = [s for s in item_statuses if s != ItemStatus.VOIDED]
    if not live:
        return "seated" if seated else "free"
    if total > 0 and due == 0:
        return "pickup" if pickup and any(s != ItemStatus.SERVED for s in live) else "paid"
    if bill_requested:
        return "bill"
    if any(s in PREPARING for s in live):
        return "waiting" if late else "ordering"
    return "eating"
