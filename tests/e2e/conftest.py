"""Fixtures of the end-to-end tests: a live server (HTTP and Socket.IO on a free port
of 127.0.0.1, the real clock, the demo restaurant), optional print workers, staff
sign-in over HTTP and Socket.IO clients.

The server socket is bound *before* the app is created, so the app's
``public_base_url`` (what visit links and QR codes point at) is the live server."""
from __future__ import annotations

import threading
from contextlib import ExitStack

import pytest
from werkzeug.serving import make_server

from core.clock import SystemClock
from app.demo import seed_demo
from app.factory import create_app
from printers.worker import start_workers
from tests.conftest import make_settings
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.e2e.live import WAIT, Live, LiveSocket


@pytest.fixture
def serve(db, database_url, tmp_path):
    """serve(printer_ports=(kitchen, receipt), workers=False, clock=None, **settings overrides) -> Live.

    Starts a live server (on the real clock unless one is given); stops it and its print
    workers at teardown."""
    stack = ExitStack()

    def _serve(printer_ports=(9, 9), workers: bool = False, clock=None, **overrides) -> Live:
        holder: dict = {}

        def wsgi(environ, start_response):  # the app exists only once the port is known
            return holder["app"](environ, start_response)

        server = make_server("127.0.0.1", 0, wsgi, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        settings = make_settings(database_url, tmp_path, printer_ports=printer_ports,
                                 **{"server.public_base_url": url, **overrides})
        app = create_app(settings, clock=clock or SystemClock(), db=db)
        seed_demo(app.extensions["pos_ctx"])
        holder["app"] = app
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="e2e-server",
                                  daemon=True)
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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, through Playwright."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def contexts(browser):
    """new_context(**options) -> a browser context whose pages' script errors are collected
    (the site has no /favicon.ico: that 404 is not counted)."""
    opened, errors = [], []

    def new_context(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("weberror", lambda e: errors.append(str(e.error)))
        context.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url')}")
                   if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico") else None)
        opened.append(context)
        return context

    new_context.errors = errors
    yield new_context
    for context in opened:
        context.close()
