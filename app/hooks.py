"""Who listens to what: the one list of effects that cross features. Each feature names
its signals (pos.orders.signals, pos.checks.signals, kitchen.signals) and sends them in
the transaction of its change; the receivers below run in that same transaction, so one
use case stays one commit, and what they publish goes through the same outbox. No
feature imports another's services to tell it something."""
from __future__ import annotations

from kitchen import services as kitchen
from kitchen.signals import items_changed
from pos.checks.payments import finish_if_done
from pos.checks.summary import publish_summary
from pos.checks.signals import check_moved, items_voided
from pos.orders.signals import check_changed, order_accepted


@order_accepted.connect
def kitchen_takes_the_order(ctx, *, session, order) -> None:
    """A new order: its tickets, the kitchen's plan, the diner's promise and the prints."""
    kitchen.accept_order(ctx, session, order)


@items_voided.connect
def kitchen_drops_voided_items(ctx, *, session, items, reason) -> None:
    """Items taken off a check: struck through on their cards, a VOID ticket, a replan."""
    kitchen.void_items(ctx, session, items, reason)


@check_moved.connect
def kitchen_shows_the_new_table(ctx, *, session, visit) -> None:
    """A check moved or merged: the cards and the pass show its table (nothing reprinted)."""
    kitchen.retell_check(ctx, session, visit)


@check_changed.connect
@items_changed.connect
def till_sees_the_check(ctx, *, session, visit) -> None:
    """The till's tile of the table (or its takeaway card) is sent again as it is now."""
    publish_summary(ctx, session, visit)


@items_changed.connect
def till_closes_finished_takeaways(ctx, *, session, visit) -> None:
    """Dishes handed over: a paid takeaway or counter check closes by itself."""
    finish_if_done(ctx, session, visit)
