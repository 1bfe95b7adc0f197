"""What order taking tells the rest of the system, in the transaction of the change
(receivers are connected in app/hooks.py; each gets the context as sender and the
session and objects as keywords)."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# A new order was written (order=): the kitchen makes its tickets, plans and prints them.
order_accepted = _signals.signal("order-accepted")
# Something on a visit's check changed (visit=): the till's tile or takeaway card is re-sent.
check_changed = _signals.signal("check-changed")
