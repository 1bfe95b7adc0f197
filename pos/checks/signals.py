"""What changes to checks tell the rest of the system, in the transaction of the change
(receivers are connected in app/hooks.py; sender: the context)."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Items the kitchen had were taken off a check (items=, reason=): VOID tickets, a replan.
items_voided = _signals.signal("items-voided")
# A check moved to another table or took another in (visit=): the kitchen's cards and the
# pass show its new table; nothing is printed again.
check_moved = _signals.signal("check-moved")
