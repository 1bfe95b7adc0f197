"""What the kitchen.sequencing tests share: the planning instant, and shorthands for items
and their planned times."""
from kitchen.sequencing import OVERTAKE_AGE_S, Item

NOW = 1_000_000.0
OLD = NOW - OVERTAKE_AGE_S - 60   # an order this old is never overtaken: strict priority


def item(id, order, station, prep, *, at=NOW, **kw):
    return Item(id=id, order_id=order, station=station, prep_s=float(prep), ordered_at=at, **kw)


def times(p, *ids):
    """(fire, ready) relative to now, for each id."""
    return [(p.items[i].fire_at - NOW, p.items[i].ready_at - NOW) for i in ids]
