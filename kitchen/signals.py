"""What the kitchen tells the rest of the system, in the transaction of the change
(receivers are connected in app/hooks.py; sender: the context)."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Items of an open visit changed status in the kitchen (visit=): the till's tile follows.
items_changed = _signals.signal("items-changed")
