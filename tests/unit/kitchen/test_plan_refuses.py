"""kitchen.sequencing.plan refuses bad input with ValueError, whatever the plan does with it
(the overtaking step places and takes back orders: a duplicate id must not break that)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitchen.sequencing import Item, plan

items = st.lists(st.builds(Item, id=st.integers(1, 6), order_id=st.integers(1, 4),
                           station=st.sampled_from(["wok", "grill"]), prep_s=st.floats(0, 900),
                           ordered_at=st.floats(0, 600), course=st.integers(0, 3), rush=st.booleans(),
                           started_at=st.none() | st.floats(0, 600)),
                 min_size=2, max_size=12)


@given(items)
def test_duplicate_item_ids_are_refused_with_a_value_error(its):
    ids = [i.id for i in its]
    if len(set(ids)) == len(ids):
        assert len(plan(600, {"wok": 1}, its).items) == len(its)
    else:
        with pytest.raises(ValueError, match="duplicate item ids"):
            plan(600, {"wok": 1}, its)


def test_a_duplicate_id_in_orders_the_overtaking_step_reorders_is_refused():
    # A long order ahead of a short one: the overtaking step places both ways and takes back.
    its = [Item(1, 1, "wok", 900, 0), Item(2, 1, "wok", 900, 0), Item(3, 2, "wok", 60, 10),
           Item(3, 2, "wok", 60, 10)]
    with pytest.raises(ValueError, match="duplicate item ids"):
        plan(20, {"wok": 1}, its)
