"""Every signal a feature sends has its receivers connected by app/hooks.py (a signal with
none would silently drop the kitchen's tickets or the till's tiles)."""
from app import hooks
from kitchen.signals import items_changed
from pos.checks.signals import check_moved, items_voided
from pos.orders.signals import check_changed, order_accepted


def test_every_signal_is_connected_to_its_receivers():
    connected = {s.name: {r.__name__ for r in s.receivers_for(None)}
                 for s in (order_accepted, items_voided, check_moved, check_changed, items_changed)}
    assert connected == {
        "order-accepted": {hooks.kitchen_takes_the_order.__name__},
        "items-voided": {hooks.kitchen_drops_voided_items.__name__},
        "check-moved": {hooks.kitchen_shows_the_new_table.__name__},
        "check-changed": {hooks.till_sees_the_check.__name__},
        "items-changed": {hooks.till_sees_the_check.__name__, hooks.till_closes_finished_takeaways.__name__},
    }
