"""The state of a table as the cashier sees it: pure."""
from __future__ import annotations


def table_state(item_statuses: list[str], due: int, total: int) -> str:
    """free: nothing ordered; ordering: dishes still queued or cooking; eating: all
    dishes out of the kitchen; paid: nothing left to pay on a non-empty check."""
    live = [s for s in item_statuses if s != "voided"]
    if not live:
        return "free"
    if total > 0 and due == 0:
        return "paid"
    if any(s in ("queued", "cooking") for s in live):
        return "ordering"
    return "eating"
