"""Several server processes share live traffic through Redis: an event committed on one
server reaches a screen connected to another (Flask-SocketIO message_queue)."""
import uuid

import pytest
import redis

from core.clock import SystemClock
from app.demo import seed_demo
from app.factory import create_app
from menu import services as menu
from tests.conftest import live_server
from tests.e2e.live import LiveSocket

pytestmark = pytest.mark.e2e
REDIS_URL = "redis://127.0.0.1:6379/0"


def test_an_event_on_one_server_reaches_a_screen_on_another(db, settings):
    redis.Redis.from_url(REDIS_URL).ping()  # the machine's Redis must be up (scripts/test.sh starts it)
    channel = f"pos-test-{uuid.uuid4().hex}"
    a = create_app(settings, clock=SystemClock(), db=db, message_queue=REDIS_URL, channel=channel)
    b = create_app(settings, clock=SystemClock(), db=db, message_queue=REDIS_URL, channel=channel)
    seed_demo(a.extensions["pos_ctx"])
    with live_server(b) as url_b, live_server(a):
        screen = LiveSocket(url_b).connect()
        try:
            assert screen.join(["menu"])["reset"] is False
            menu.set_sold_out(a.extensions["pos_ctx"], 11, True)  # committed and emitted by server A
            got = screen.wait_for(lambda u: u["kind"] == "dish")
            assert got["data"] == {"dish_id": 11, "sold_out": True}
        finally:
            screen.disconnect()
