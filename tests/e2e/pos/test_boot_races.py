"""A screen boots from a snapshot (the check, the open tickets) plus the outbox seq it
reflects, then joins its room with ``after: seq``. Whatever commits while the page is
being built must end up in one of the two. These tests make an order commit at the
worst moment: right before the server reads the seq (a SQLAlchemy hook on that query),
as another phone at the table or another table ordering at that instant would."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from pos.orders import services as orders
from pos.orders.ordering import RequestedLine
from tests.e2e.live import KUNG_PAO, LARGE, MILD, WAIT, session_cookie
from tests.helpers import boot_of

pytestmark = pytest.mark.e2e


@contextmanager
def order_lands_before_the_seq_is_read(live, table: str):
    """While active, the next read of max(outbox.seq) first lets an order of ``table``
    commit (on its own connection). Yields a dict that gets the order as "order"."""
    engine, token, racing = live.ctx.db.engine, live.token(table), {}

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if racing or "max(outbox.seq)" not in statement.lower():
            return
        racing["order"], _ = orders.place_order(live.ctx, token, "racing-order-0001",
                                                      [RequestedLine(KUNG_PAO, 1, (MILD, LARGE))])

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield racing
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)
    assert "order" in racing, "the seq was never read"


def test_diner_page_boot_misses_no_order(serve, sockets):
    live = serve()
    t1 = live.visit("T1")
    with order_lands_before_the_seq_is_read(live, "T1") as racing:
        page = live.session().get(t1["url"], timeout=WAIT)
    assert page.status_code == 200
    boot = boot_of(page.text)

    ack = sockets(live.url).join([f"visit:{boot['visit_id']}"], after=boot["seq"], token=boot["token"])
    seen = {o["id"] for o in boot["check"]["orders"]} | {e["data"]["id"] for e in ack["events"]
                                                          if e["kind"] == "order"}
    assert racing["order"]["id"] in seen


def test_kitchen_boot_misses_no_ticket(serve, sockets):
    live = serve()
    cook = live.session("cook")
    with order_lands_before_the_seq_is_read(live, "T2") as racing:
        state = cook.get(f"{live.url}/api/kitchen/tickets", params={"station": "wok"}, timeout=WAIT).json()

    ack = sockets(live.url, session_cookie(cook)).join(["station:wok"], after=state["seq"])
    seen = {t["order_id"] for t in state["tickets"]} | {e["data"]["order_id"] for e in ack["events"]
                                                         if e["kind"] == "ticket"}
    assert racing["order"]["id"] in seen
