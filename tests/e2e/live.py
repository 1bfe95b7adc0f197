"""Helpers of the end-to-end tests: the live server handle, a recording Socket.IO
client, demo constants."""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

import requests
import socketio

from pos.orders import visits
from tests.conftest import DEMO_PINS

WAIT = 5.0  # upper bound of every wait on the live server, in seconds
KUNG_PAO = 11  # 宮保雞丁 (Kung Pao Chicken), station wok; spice (options 1-4) and size (5-7) required
MILD, REGULAR, LARGE = 2, 5, 7  # 小辣, 例牌, 大份


@dataclass
class Live:
    url: str
    app: object
    workers: list = field(default_factory=list)

    @property
    def ctx(self):
        return self.app.extensions["pos_ctx"]

    def visit(self, table: str) -> dict:
        """{table_id, table, visit_id, url} of the table's open visit."""
        return next(v for v in visits.current_visits(self.ctx) if v["table"] == table)

    def token(self, table: str) -> str:
        return self.visit(table)["url"].rsplit("/v/", 1)[1]

    def post_order(self, token: str, items: list[dict], http: requests.Session | None = None) -> requests.Response:
        """POST a diner's order with a fresh idempotency key."""
        body = {"idempotency_key": uuid.uuid4().hex, "items": items}
        return (http or requests).post(f"{self.url}/api/visits/{token}/orders", json=body, timeout=WAIT)

    def session(self, role: str | None = None) -> requests.Session:
        """A requests session, signed in as the demo user of ``role`` when given."""
        http = requests.Session()
        if role is not None:
            user_id, pin = DEMO_PINS[role]
            resp = http.post(f"{self.url}/api/staff/login", json={"user_id": user_id, "pin": pin}, timeout=WAIT)
            assert resp.status_code == 200, resp.text
        return http


class LiveSocket:
    """A python-socketio client (websocket transport) that records "update" events."""

    def __init__(self, url: str, cookie: str | None = None):
        self.url, self.cookie = url, cookie
        self.sio = socketio.Client(reconnection=False)
        self.updates: list[dict] = []
        self.arrived: dict[int, float] = {}  # seq -> time.monotonic() when the update arrived
        self._cond = threading.Condition()
        self.sio.on("update", self._on_update)

    def _on_update(self, env: dict) -> None:
        now = time.monotonic()
        with self._cond:
            self.arrived[env["seq"]] = now
            self.updates.append(env)
            self._cond.notify_all()

    def connect(self) -> "LiveSocket":
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.sio.connect(self.url, headers=headers, transports=["websocket"], wait_timeout=WAIT)
        return self

    def join(self, rooms: list[str], after: int = 0, token: str | None = None) -> dict:
        payload = {"rooms": rooms, "after": after}
        if token is not None:
            payload["token"] = token
        return self.sio.call("join", payload, timeout=WAIT)

    def wait_for(self, predicate, timeout: float = WAIT) -> dict:
        """The first update (already received or arriving within timeout) that matches."""
        with self._cond:
            found: list[dict] = []

            def match() -> bool:
                found[:] = [u for u in self.updates if predicate(u)][:1]
                return bool(found)

            if not self._cond.wait_for(match, timeout=timeout):
                raise TimeoutError(f"no matching update within {timeout} s; got {self.updates!r}")
            return found[0]

    def disconnect(self) -> None:
        """Leave like a screen that is closed, without waiting for the websocket close handshake.

        python-socketio's disconnect() blocks 3 s against this server: the engine.io client's
        read-loop thread consumes the server's close frame, so websocket-client's close() waits
        for another one until its 3 s timeout, while the werkzeug thread keeps the TCP connection
        open (once the engine.io handler returns, it reads the connection as keep-alive HTTP and
        logs a 400 "Bad request syntax"). So the client finishes in a thread, and the test waits
        only for the client's own disconnect event."""
        if not self.sio.connected:
            return
        gone = threading.Event()
        self.sio.on("disconnect", lambda *reason: gone.set())
        threading.Thread(target=self.sio.disconnect, name="socketio-disconnect", daemon=True).start()
        assert gone.wait(WAIT), "the socket did not disconnect"


def session_cookie(http: requests.Session) -> str:
    return f"session={http.cookies['session']}"

