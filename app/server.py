"""Serving in production: gunicorn's threaded worker, one process with one worker, as
Flask-SocketIO documents for its threading mode (each websocket holds one of the worker's
threads). Werkzeug's server stays for development and the tests' in-process servers.

What a phone on the diners' Wi-Fi could otherwise do to the server is bounded here:
- a new connection waits for its first bytes on the worker's poller, not in a thread, and
  is closed after server.keepalive_s if none come (gunicorn's pending connections);
- a request (line, headers and body) must arrive within server.request_timeout_s, however
  slowly it trickles in (GuardedSocket's deadline), so a slow sender holds a thread briefly;
- one client address holds at most server.max_connections_per_address connections at once;
  addresses in server.trusted_addresses (the machine itself; a reverse proxy) are not capped;
- the open-file limit is raised to the hard limit at start-up;
- the Server header says only "gunicorn", without its version.
"""
from __future__ import annotations

import errno
import logging
import resource
import selectors
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker

log = logging.getLogger(__name__)
SEND_TIMEOUT_S = 30.0  # a response to a client that stops reading


class GuardedSocket(socket.socket):
    """A client connection whose reads share one deadline per request (set by the worker
    when a request starts; cleared when the request becomes a websocket), and whose close
    tells the per-address count once."""

    deadline: float | None = None
    on_close: Callable[[], None] | None = None

    def _arm(self) -> None:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise self._late()
            super().settimeout(left)

    def recv(self, *args):
        self._arm()
        try:
            return super().recv(*args)
        except TimeoutError:
            raise self._late() from None

    def recv_into(self, *args):
        self._arm()
        try:
            return super().recv_into(*args)
        except TimeoutError:
            raise self._late() from None

    def _late(self) -> OSError:
        # A reset, which gunicorn closes quietly: a slow sender is not worth a traceback.
        return ConnectionResetError(errno.ECONNRESET, "request not received within request_timeout_s")

    def sendall(self, *args):
        if self.deadline is not None:
            super().settimeout(SEND_TIMEOUT_S)
        return super().sendall(*args)

    def upgraded(self) -> None:
        """The request became a websocket: it lives as long as the screen stays open."""
        self.deadline = None
        super().settimeout(None)

    def close(self) -> None:
        done, self.on_close = self.on_close, None
        try:
            super().close()
        finally:
            if done is not None:
                done()


class GuardedWorker(ThreadWorker):
    """gunicorn's gthread worker with a cap per client address and a request deadline."""

    def init_process(self):
        self._per_address: Counter[str] = Counter()
        self._count_lock = threading.Lock()
        server = self.cfg.pos_server  # our ServerSettings, set in Server.load_config
        self._cap = server.max_connections_per_address
        self._trusted = frozenset(server.trusted_addresses)
        self._request_timeout = server.request_timeout_s
        self._shed_logged = False
        super().init_process()

    def _release(self, address: str) -> None:
        with self._count_lock:
            self._per_address[address] -= 1
            if self._per_address[address] <= 0:
                del self._per_address[address]

    def _shed_oldest(self) -> None:
        """Close the connection that has waited longest for its first request (else the
        longest idle keep-alive one): its file lets the next client in."""
        for waiting in (self.pending_conns, self.keepalived_conns):
            if waiting:
                conn = waiting.popleft()
                try:
                    self.poller.unregister(conn.sock)
                except (OSError, KeyError, ValueError):
                    pass
                self.nr_conns -= 1
                conn.close()
                if not self._shed_logged:
                    log.warning("out of open files: closing the oldest idle connections to let new ones in")
                    self._shed_logged = True
                return

    def accept(self, listener):
        try:
            client, addr = listener.accept()
        except OSError as e:
            if e.errno in (errno.EMFILE, errno.ENFILE):  # out of files: free one rather than die
                self._shed_oldest()
                return
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        address = addr[0] if isinstance(addr, tuple) else ""
        with self._count_lock:
            over = address not in self._trusted and self._per_address[address] >= self._cap
            if not over:
                self._per_address[address] += 1
        if over:
            client.close()
            return
        sock = GuardedSocket(fileno=client.detach())
        sock.on_close = partial(self._release, address)
        self.nr_conns += 1
        conn = TConn(self.cfg, sock, addr, listener.getsockname())  # non-blocking until a thread reads it
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def handle(self, conn):
        conn.sock.deadline = time.monotonic() + self._request_timeout
        return super().handle(conn)


def websocket_upgrades(wsgi_app):
    """WSGI middleware: a websocket's socket keeps no request deadline."""
    def middleware(environ, start_response):
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            sock = environ.get("gunicorn.socket")
            if isinstance(sock, GuardedSocket):
                sock.upgraded()
        return wsgi_app(environ, start_response)
    return middleware


def raise_open_file_limit() -> int:
    """The soft limit of open files raised to the hard one (Debian's default soft limit is
    1,024: a few hundred screens and phones reach it). Returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


class Server(BaseApplication):
    """gunicorn in this process: `make()` builds the Flask app in the worker (after the fork),
    `stop()` runs when the worker exits."""

    def __init__(self, settings, make: Callable[[], object], stop: Callable[[], None]):
        self.settings, self._make, self._stop = settings, make, stop
        super().__init__()

    def load_config(self):
        s = self.settings.server
        self.cfg.set("bind", [f"[{s.host}]:{s.port}" if ":" in s.host else f"{s.host}:{s.port}"])
        self.cfg.set("workers", 1)  # Socket.IO needs sticky sessions: one worker per process
        self.cfg.set("worker_class", "app.server.GuardedWorker")
        self.cfg.set("threads", s.threads)
        self.cfg.set("worker_connections", s.threads + s.max_idle_connections)
        self.cfg.set("keepalive", s.keepalive_s)
        self.cfg.set("timeout", 60)  # the worker's heartbeat to its arbiter, not a request timeout
        self.cfg.set("graceful_timeout", 10)
        self.cfg.set("worker_exit", lambda _arbiter, _worker: self._stop())
        self.cfg.set("control_socket_disable", True)  # else a shared socket under ~/.gunicorn, for every server of the user
        self.cfg.pos_server = s

    def load(self):
        return websocket_upgrades(self._make())


def serve(settings, make: Callable[[], object], stop: Callable[[], None]) -> None:
    limit = raise_open_file_limit()
    log.info("serving with gunicorn (%d threads, %d open files)", settings.server.threads, limit)
    Server(settings, make, stop).run()
