"""The one vocabulary of where a dish is: an item's status, a kitchen ticket's, and an
order's at the pass, with the named sets the rest of the code asks about. Statuses are
stored and sent as their string values (StrEnum), so "queued" == ItemStatus.QUEUED."""
from __future__ import annotations

from enum import StrEnum
from typing import Literal


class ItemStatus(StrEnum):
    QUEUED = "queued"    # ordered, not started
    COOKING = "cooking"  # a cook started it
    READY = "ready"      # bumped: waiting at the pass
    SERVED = "served"    # sent out by the expeditor
    VOIDED = "voided"    # taken off the check (manager approved)


# Not yet ready: what the kitchen still has to cook (and plans).
PREPARING = frozenset({ItemStatus.QUEUED, ItemStatus.COOKING})
# Still the kitchen's or the pass's: an order with any of these can be late.
IN_KITCHEN = frozenset({ItemStatus.QUEUED, ItemStatus.COOKING, ItemStatus.READY})
# A cook has had it: being cooked or bumped ready (a station's card is then "cooking").
STARTED = frozenset({ItemStatus.COOKING, ItemStatus.READY})
# Cooked: ready at the pass or served.
COOKED = frozenset({ItemStatus.READY, ItemStatus.SERVED})
# Nothing left to do on its card.
DONE = frozenset({ItemStatus.READY, ItemStatus.SERVED, ItemStatus.VOIDED})


class TicketStatus(StrEnum):
    """A station's card: open (nothing started), cooking (something started), done."""
    OPEN = "open"
    COOKING = "cooking"
    DONE = "done"


class PassStatus(StrEnum):
    """An order at the pass (the expo screen): its items taken together."""
    QUEUED = "queued"
    COOKING = "cooking"
    PART_READY = "part_ready"
    READY = "ready"
    SERVED = "served"
    VOIDED = "voided"


def literal(enum: type[StrEnum]):
    """The Literal type of an enum's values, for the API's response shapes."""
    return Literal[tuple(m.value for m in enum)]
