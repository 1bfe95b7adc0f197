"""`run.py serve` as a restaurant runs it, in its own process group (gunicorn's arbiter and
worker), with its own config and var/ folder: for the tests that restart it, kill it or
back it up from another process."""
from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
START_S = 60  # start-up: migrations, the demo restaurant, the worker process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_in(url: str, role: str) -> requests.Session:
    """A requests session signed in as the demo user of ``role``."""
    from tests.conftest import DEMO_PINS
    http = requests.Session()
    user_id, pin = DEMO_PINS[role]
    assert http.post(f"{url}/api/staff/login", json={"user_id": user_id, "pin": pin}, timeout=5).ok
    return http


def run_py(*args: str, folder: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """A run.py command with this folder's config; its output as text."""
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args, "--config", str(folder / "config.toml")],
                          cwd=folder, capture_output=True, text=True, timeout=timeout)


class ServerProcess:
    """The demo config in ``folder`` (database folder/var/restaurant.db), on a free port of
    127.0.0.1, its printers on ``printer_ports``; extra [server] settings as keywords."""

    def __init__(self, folder: Path, printer_ports: tuple[int, int] = (9, 9), nofile: int | None = None, **server):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.nofile, self.port = folder, nofile, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        extra = "".join(f"\n{k} = {v}" for k, v in server.items())
        cfg = (ROOT / "config.toml").read_text().replace('host = "0.0.0.0"', 'host = "127.0.0.1"', 1) \
            .replace("port = 5000", f"port = {self.port}{extra}", 1) \
            .replace('public_base_url = "http://127.0.0.1:5000"', f'public_base_url = "{self.url}"', 1) \
            .replace("port = 9101", f"port = {printer_ports[0]}", 1).replace("port = 9102", f"port = {printer_ports[1]}", 1)
        (folder / "config.toml").write_text(cfg)
        self.log = folder / "server.log"
        self.proc: subprocess.Popen | None = None

    @property
    def db_path(self) -> Path:
        return self.folder / "var" / "restaurant.db"

    def start(self) -> "ServerProcess":
        limit = None
        if self.nofile:
            limit = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, self.nofile))  # noqa: E731
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "serve", "--config",
                                      str(self.folder / "config.toml")], cwd=self.folder, stdout=self.log.open("a"),
                                     stderr=subprocess.STDOUT, preexec_fn=limit, start_new_session=True)
        deadline = time.monotonic() + START_S
        while True:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            assert self.proc.poll() is None and time.monotonic() < deadline, self.log.read_text()
            threading.Event().wait(0.1)

    def kill9(self) -> None:
        """The power cord: SIGKILL to the arbiter and its worker at once."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self.proc is not None:
            try:  # anything of its group still alive (a worker whose arbiter was killed)
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
