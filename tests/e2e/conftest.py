"""Fixtures of the end-to-end tests: a live server (HTTP and Socket.IO on a free port
of 127.0.0.1, the real clock, the demo restaurant), optional print workers, staff
sign-in over HTTP and Socket.IO clients.

The server socket is bound *before* the app is created, so the app's
``public_base_url`` (what visit links and QR codes point at) is the live server."""
from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass, field

import pytest
import requests
import socketio
from werkzeug.serving import make_server

from app.clock import SystemClock
from app.demo import seed_demo
from app.factory import create_app
from pos import services as pos_services
from printers.worker import start_workers
from tests.conftest import DEMO_PINS, make_settings

WAIT = 5.0  # upper bound of every wait on the live server, in seconds


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
        return next(v for v in pos_services.current_visits(self.ctx) if v["table"] == table)

    def token(self, table: str) -> str:
        return self.visit(table)["url"].rsplit("/v/", 1)[1]

    def session(self, role: str | None = None) -> requests.Session:
        """A requests session, signed in as the demo user of ``role`` when given."""
        http = requests.Session()
        if role is not None:
            user_id, pin = DEMO_PINS[role]
            resp = http.post(f"{self.url}/api/staff/login", json={"user_id": user_id, "pin": pin}, timeout=WAIT)
            assert resp.status_code == 200, resp.text
        return http


@pytest.fixture
def serve(db, database_url, tmp_path):
    """serve(printer_ports=(kitchen, receipt), workers=False, **settings overrides) -> Live.

    Starts a live server; stops it and its print workers at teardown."""
    stack = ExitStack()

    def _serve(printer_ports=(9, 9), workers: bool = False, **overrides) -> Live:
        holder: dict = {}

        def wsgi(environ, start_response):  # the app exists only once the port is known
            return holder["app"](environ, start_response)

        server = make_server("127.0.0.1", 0, wsgi, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        settings = make_settings(database_url, tmp_path, printer_ports=printer_ports,
                                 **{"server.public_base_url": url, **overrides})
        app = create_app(settings, clock=SystemClock(), db=db)
        seed_demo(app.extensions["pos_ctx"])
        holder["app"] = app
        thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
        thread.start()

        def stop_server():
            server.shutdown()
            server.server_close()
            thread.join(WAIT)

        stack.callback(stop_server)
        live = Live(url=url, app=app)
        if workers:
            live.workers = start_workers(live.ctx)
            for w in live.workers:
                stack.callback(w.stop)
        return live

    yield _serve
    stack.close()


class LiveSocket:
    """A python-socketio client (websocket transport) that records "update" events."""

    def __init__(self, url: str, cookie: str | None = None):
        self.url, self.cookie = url, cookie
        self.sio = socketio.Client(reconnection=False)
        self.updates: list[dict] = []
        self._cond = threading.Condition()
        self.sio.on("update", self._on_update)

    def _on_update(self, env: dict) -> None:
        with self._cond:
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
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture
def sockets():
    """sockets(url, cookie=None) -> a connected LiveSocket, disconnected at teardown."""
    opened: list[LiveSocket] = []

    def _open(url: str, cookie: str | None = None) -> LiveSocket:
        s = LiveSocket(url, cookie)
        opened.append(s)
        return s.connect()

    yield _open
    for s in opened:
        s.disconnect()


def session_cookie(http: requests.Session) -> str:
    return f"session={http.cookies['session']}"
