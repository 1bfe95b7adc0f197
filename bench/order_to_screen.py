"""Order-to-screen benchmark: how long a diner's order takes to reach the kitchen screens.

    .venv/bin/python -m bench.order_to_screen [--paced-orders 400] [--rate 20] [--fast-orders 800]

Never part of the test suite. It starts, in subprocesses on 127.0.0.1:

- the real server (``run.py --config <tmp>/config.toml serve``: migrations, demo restaurant,
  print workers, scheduler, gunicorn since #13, Werkzeug before) on a throwaway SQLite database in a
  temporary folder, its printers pointed at a port nothing listens on (``--printers off``
  disables them instead);
- a *floor*: a bare Flask-SocketIO app (async_mode="threading", the same Werkzeug server and
  ping settings, the same request logging) whose ``POST /order`` only emits one small
  ``update`` per station room and one to the diner's visit room.

Against each it connects 30 station screens (python-socketio clients, websocket transport,
a signed-in cook's session cookie, ``join`` of ``station:<name>`` spread over wok, grill,
cold and bar) and 200 diner sockets (``join`` of ``visit:<id>`` with the visit's token,
spread over the 12 demo tables), then places orders at a paced rate (open loop: order i is
due at t0 + i/rate, ``--paced-threads`` senders). Latency is, per (order, screen of a station the
order has items for): the moment the screen's ``update``/``ticket`` event for that order
is handled minus the moment the order's HTTP 201 was received, both with
``time.perf_counter()`` in this process. It can be negative: the server emits right after
the commit, before it writes the 201. The real server then takes orders as fast as
``--fast-threads`` keep-alive HTTP clients can send them, for ``--fast-orders`` orders or
``--fast-max-seconds`` (orders_per_s = accepted orders per second of that phase), and rss_mb is the server's VmRSS at the end,
summed over its processes (gunicorn's arbiter and worker; the sockets still connected). Nobody starts or bumps a ticket, so the kitchen's open items
grow with every order of the run (about 2 per order).

Human-readable lines per phase, then, as the last line, one JSON object:
{"p50_ms", "p99_ms", "floor_p99_ms", "ratio_p99", "orders_per_s", "rss_mb", "pss_mb"} (pss_mb: the
proportional set size, pages the arbiter and its forked worker share counted once).
Goals (from the issue): ratio_p99 <= 3, orders_per_s >= 150, rss_mb <= 200. A run takes
about 100 s on 2 cores. --keep-tmp keeps the database and both servers' logs.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATIONS = ("wok", "grill", "cold", "bar")
# Stations an order has items for, cycled: every station gets traffic (wok 4, grill 3,
# cold 3, bar 5 of 8 orders; 1.9 stations per order on average).
ORDER_MIX = [("wok", "bar"), ("grill", "cold"), ("wok", "grill", "bar"), ("cold", "bar"), ("wok",),
             ("grill", "bar"), ("wok", "cold"), ("bar",)]
READY_TIMEOUT = 90.0
HTTP_TIMEOUT = 30.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- small utilities ----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[min(k, len(sorted_values) - 1)]


def dist(values_ms: list[float]) -> str:
    v = sorted(values_ms)
    if not v:
        return "no samples"
    return (f"min {v[0]:.1f}  p50 {percentile(v, 50):.1f}  p90 {percentile(v, 90):.1f}  "
            f"p99 {percentile(v, 99):.1f}  max {v[-1]:.1f} ms")


def proc_status(pid: int) -> dict[str, str]:
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def process_tree(pid: int) -> list[int]:
    """The process and its descendants: `run.py serve` is gunicorn's arbiter with its worker
    (the app, its sockets and threads) as a child; the server's figures are the sum."""
    pids, i = [pid], 0
    while i < len(pids):
        try:
            for task in Path(f"/proc/{pids[i]}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
        i += 1
    return pids


def tree_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (MB) and Threads, summed over the process tree."""
    total = {"VmRSS": 0.0, "VmHWM": 0.0, "Threads": 0.0, "processes": 0.0}
    for p in process_tree(pid):
        try:
            st = proc_status(p)
        except OSError:
            continue
        total["VmRSS"] += int(st["VmRSS"].split()[0]) / 1024
        total["VmHWM"] += int(st["VmHWM"].split()[0]) / 1024
        total["Threads"] += int(st["Threads"])
        total["processes"] += 1
    return total


def rss_mb(pid: int) -> float:
    return tree_status(pid)["VmRSS"]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process tree (all threads), in seconds."""
    total = 0.0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


class CpuMeter:
    """CPU used by the server and by this bench process over a phase, as % of one core."""

    def __init__(self, pid: int):
        self.pid = pid
        self.t0, self.s0, self.b0 = time.perf_counter(), cpu_seconds(pid), cpu_seconds(os.getpid())

    def __str__(self) -> str:
        dt = time.perf_counter() - self.t0
        s = (cpu_seconds(self.pid) - self.s0) / dt * 100
        b = (cpu_seconds(os.getpid()) - self.b0) / dt * 100
        return f"CPU: server {s:.0f}%, bench process {b:.0f}% of one core ({os.cpu_count()} cores)"


def write_toml(data: dict) -> str:
    """Enough of a TOML writer for config.toml: tables, arrays of tables, scalars, arrays."""
    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"cannot write {v!r} as TOML")

    def is_table_array(v) -> bool:
        return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)

    lines: list[str] = []

    def table(prefix: str, d: dict) -> None:
        for k, v in d.items():
            if not isinstance(v, dict) and not is_table_array(v):
                lines.append(f"{k} = {value(v)}")
        for k, v in d.items():
            name = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                lines.append(f"\n[{name}]")
                table(name, v)
            elif is_table_array(v):
                for item in v:
                    lines.append(f"\n[[{name}]]")
                    table(name, item)

    table("", data)
    return "\n".join(lines) + "\n"


# -- the servers --------------------------------------------------------------

class Server:
    """A server subprocess; its output goes to a log file in the temporary folder."""

    def __init__(self, name: str, argv: list[str], port: int, log_path: Path, env: dict):
        self.name, self.port, self.log_path = name, port, log_path
        self.url = f"http://127.0.0.1:{port}"
        with open(log_path, "wb") as log:  # the child keeps its own descriptor
            # preexec_fn: the servers are started before any client thread exists.
            self.proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)  # noqa: PLW1509
        self.started = time.perf_counter()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self) -> float:
        import requests
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return time.perf_counter() - self.started
            except requests.RequestException:
                pass
            if time.perf_counter() - self.started > READY_TIMEOUT:
                raise RuntimeError(f"{self.name} server not ready after {READY_TIMEOUT} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_problems(self) -> tuple[list[str], int]:
        """(ERROR/WARNING/Traceback lines of the log, print retries): the Werkzeug notices and
        the expected "not printed" warnings of the dead printer are not problems."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return [], 0
        problems, retries = [], 0
        for line in text.splitlines():
            if "printers.worker" in line and "not printed" in line:
                retries += 1
            elif re.search(r"\b(ERROR|CRITICAL|Traceback)\b", line) or (
                    " WARNING " in line and "werkzeug" not in line):
                problems.append(line)
        return problems, retries

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the bench dies, so no server outlives it."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not glibc Linux: the finally of main() still stops the servers
        return


def server_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("POS_CONFIG", "POS_DATABASE_URL", "POS_SECRET_KEY")}
    # python-escpos caches its capability profiles in a fresh /tmp folder unless told where.
    env["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(tmp / "escpos")
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def start_main_server(tmp: Path, printers: str) -> Server:
    port = free_port()
    cfg = tomllib.loads((REPO / "config.toml").read_text(encoding="utf-8"))
    url = f"http://127.0.0.1:{port}"
    cfg["server"] = {**cfg.get("server", {}), "host": "127.0.0.1", "port": port, "public_base_url": url,
                     "secret_key": "bench-" + uuid.uuid4().hex}
    cfg["database"] = {**cfg.get("database", {}), "url": f"sqlite:///{tmp / 'pos.db'}"}
    # The bench's 12 tables each order about a hundred times in minutes: far past what the
    # per-visit limit lets a real table do, which is not what this bench measures.
    cfg["diner"] = {**cfg.get("diner", {}), "max_orders": 1000}
    dead = free_port()  # nothing listens there: every print attempt is refused at once
    for p in cfg.get("printers", []):
        p["host"], p["port"] = "127.0.0.1", dead
        if printers == "off":
            p["enabled"] = False
    path = tmp / "config.toml"
    path.write_text(write_toml(cfg), encoding="utf-8")
    (tmp / "escpos").mkdir(exist_ok=True)
    argv = [sys.executable, str(REPO / "run.py"), "--config", str(path), "serve"]
    return Server("main", argv, port, tmp / "server.log", server_env(tmp))


def start_floor_server(tmp: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "bench.order_to_screen", "--floor-server", str(port)]
    return Server("floor", argv, port, tmp / "floor.log", server_env(tmp))


def floor_server(port: int) -> None:
    """The bare Flask-SocketIO app: the same async mode, Werkzeug server, ping settings and
    request logging as run.py serve, and nothing else."""
    import logging

    from flask import Flask, jsonify, request
    from flask_socketio import SocketIO, join_room

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask("floor")
    sio = SocketIO(app, async_mode="threading", ping_interval=10, ping_timeout=10)
    seq = itertools.count(1)
    lock = threading.Lock()

    @sio.on("join")
    def _join(payload=None):
        for room in payload["rooms"]:
            join_room(room, sid=request.sid)
        return {"reset": False, "seq": 0, "events": []}

    @app.post("/order")
    def _order():
        body = request.get_json()
        with lock:  # like the real outbox: one seq per room event, emitted after the "commit"
            events = [{"seq": next(seq), "room": f"station:{st}", "kind": "ticket",
                       "data": {"order_id": body["id"], "station": st}} for st in body["stations"]]
            events.append({"seq": next(seq), "room": f"visit:{body['visit']}", "kind": "order",
                           "data": {"id": body["id"]}})
        for ev in events:
            sio.emit("update", ev, to=ev["room"])
        return jsonify({"id": body["id"]}), 201

    @app.get("/healthz")
    def _health():
        return jsonify({"ok": True})

    sio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, use_reloader=False)


# -- the clients --------------------------------------------------------------

class Client:
    """One python-socketio client (websocket transport) recording when each ticket (screens)
    or order (diners) event is handled, with time.perf_counter()."""

    def __init__(self, url: str, cookie: str | None, rooms: list[str], token: str | None, station: str | None):
        import socketio
        self.url, self.cookie, self.rooms, self.token, self.station = url, cookie, rooms, token, station
        self.sio = socketio.Client(reconnection=False)
        self.tickets: dict[int, float] = {}  # order id -> arrival (screens: tickets of self.station)
        self.orders: dict[int, float] = {}  # order id -> arrival (diners: "order" events)
        self.dropped_at: float | None = None  # when the connection was lost (never reconnected)
        self.sio.on("update", self._on_update)
        self.sio.on("disconnect", self._on_disconnect)

    def _on_disconnect(self, *_reason) -> None:
        if self.dropped_at is None:
            self.dropped_at = time.perf_counter()

    def _on_update(self, env: dict) -> None:
        now = time.perf_counter()
        kind, data = env.get("kind"), env.get("data") or {}
        if kind == "ticket" and data.get("station") == self.station:
            self.tickets.setdefault(data["order_id"], now)
        elif kind == "order":
            self.orders.setdefault(data["id"], now)

    def connect(self) -> Client:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.sio.connect(self.url, headers=headers, transports=["websocket"], wait_timeout=30)
        payload = {"rooms": self.rooms, "after": 0}
        if self.token:
            payload["token"] = self.token
        ack = self.sio.call("join", payload, timeout=30)
        if not isinstance(ack, dict) or "error" in ack:
            raise RuntimeError(f"join {self.rooms} refused: {ack!r}")
        if self.station:
            self.tickets.clear()  # the backlog is not live traffic
        return self


def connect_all(url: str, cookie: str | None, visits: list[dict], screens: int, diners: int,
                workers: int = 16) -> tuple[list[Client], list[Client]]:
    screen_clients = [Client(url, cookie, [f"station:{STATIONS[i % len(STATIONS)]}"], None,
                             STATIONS[i % len(STATIONS)]) for i in range(screens)]
    diner_clients = [Client(url, None, [f"visit:{visits[i % len(visits)]['visit_id']}"],
                            visits[i % len(visits)]["token"], None) for i in range(diners)]
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(Client.connect, screen_clients + diner_clients))
    return screen_clients, diner_clients


# -- placing orders -----------------------------------------------------------

@dataclass
class Placed:
    i: int
    due: float
    sent: float = 0.0
    received: float = 0.0
    status: int = 0
    order_id: int | None = None
    visit_id: int | None = None
    stations: tuple[str, ...] = ()
    error: str = ""


@dataclass
class Phase:
    name: str
    placed: list[Placed] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    @property
    def ok(self) -> list[Placed]:
        return [p for p in self.placed if p.status == 201]

    @property
    def duration(self) -> float:
        return self.ended - self.started


def place_orders(name: str, n: int, rate: float | None, threads: int, send, max_seconds: float = 0) -> Phase:
    """n orders from ``threads`` keep-alive HTTP clients: paced (order i due at t0 + i/rate)
    when rate is given, else each client sends its next order as soon as the last is answered.
    With max_seconds, no order is sent after that many seconds (the phase keeps what it sent)."""
    import requests
    phase = Phase(name, [Placed(i, 0.0) for i in range(n)])
    counter = itertools.count()
    t0 = time.perf_counter() + 0.2
    stop_at = t0 + max_seconds if max_seconds else math.inf

    def worker():
        http = requests.Session()
        while True:
            i = next(counter)
            if i >= n or time.perf_counter() > stop_at:
                return
            p = phase.placed[i]
            if rate:
                p.due = t0 + i / rate
                delay = p.due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            p.sent = time.perf_counter()
            try:
                send(http, p)
            except (requests.RequestException, ValueError, KeyError) as e:  # a failed order, not a crash
                p.error = repr(e)
            p.received = time.perf_counter()

    ts = [threading.Thread(target=worker, name=f"{name}-sender-{k}", daemon=True) for k in range(threads)]
    phase.started = t0 if rate else time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    phase.placed = [p for p in phase.placed if p.sent]
    phase.ended = max((p.received for p in phase.placed), default=phase.started)
    return phase


def latencies(phase: Phase, screens: list[Client], drain_timeout: float = 10.0,
              since_post: bool = False) -> tuple[list[float], int]:
    """(latencies in ms over every (accepted order, screen of its stations) pair, missing pairs),
    after waiting up to drain_timeout for the last events. From the 201 received, or from the
    POST sent when since_post."""
    by_station: dict[str, list[Client]] = {}
    for c in screens:
        by_station.setdefault(c.station, []).append(c)
    pairs = [(p, c) for p in phase.ok for st in p.stations for c in by_station.get(st, [])]
    deadline = time.perf_counter() + drain_timeout
    while time.perf_counter() < deadline and any(p.order_id not in c.tickets for p, c in pairs):
        time.sleep(0.05)
    got = [(c.tickets[p.order_id] - (p.sent if since_post else p.received)) * 1000
           for p, c in pairs if p.order_id in c.tickets]
    return got, len(pairs) - len(got)


def diner_latencies(phase: Phase, diners: list[Client]) -> list[float]:
    by_visit: dict[int, list[Client]] = {}
    for c in diners:
        by_visit.setdefault(int(c.rooms[0].split(":")[1]), []).append(c)
    return [(c.orders[p.order_id] - p.received) * 1000 for p in phase.ok for c in by_visit.get(p.visit_id, [])
            if p.order_id in c.orders]


def report_phase(phase: Phase, screens: list[Client], diners: list[Client], cpu: CpuMeter,
                 rate: float | None) -> list[float]:
    ok = phase.ok
    lat, missing = latencies(phase, screens)
    failed = [p for p in phase.placed if p.status != 201]
    print(f"[{phase.name}] {len(ok)}/{len(phase.placed)} orders accepted in {phase.duration:.1f} s "
          f"({len(ok) / phase.duration:.1f}/s{f', target {rate:g}/s' if rate else ''}); {cpu}")
    if failed:
        print(f"[{phase.name}]   {len(failed)} not accepted, e.g. status {failed[0].status} {failed[0].error[:200]}")
    http_ms = [(p.received - p.sent) * 1000 for p in ok]
    print(f"[{phase.name}]   HTTP POST -> 201:            {dist(http_ms)}")
    if rate:
        late = [(p.sent - p.due) * 1000 for p in phase.placed]
        print(f"[{phase.name}]   sender lateness vs schedule: {dist(late)}")
        if len(ok) / phase.duration < 0.95 * rate:
            print(f"[{phase.name}]   NOTE: the server did not keep up with {rate:g} orders/s: every sender was waiting "
                  f"for an answer, so orders went out late (the latency below is still per order, from its 201)")
    print(f"[{phase.name}]   201 -> ticket on screen:      {dist(lat)}  "
          f"({len(lat)} (order, screen) pairs, {missing} missing, {sum(x < 0 for x in lat)} before the 201)")
    lost = [c for c in screens + diners if c.dropped_at is not None and c.dropped_at <= phase.ended + 5]
    if lost:  # a real screen reconnects and resyncs from its seq; these clients do not
        print(f"[{phase.name}]   connections lost so far: {sum(c in screens for c in lost)} screens, "
              f"{sum(c in diners for c in lost)} diner phones (missing pairs are theirs)")
    print(f"[{phase.name}]   POST sent -> ticket on screen: {dist(latencies(phase, screens, 0, since_post=True)[0])}")
    d = diner_latencies(phase, diners)
    print(f"[{phase.name}]   201 -> order on diner phone: {dist(d)}  ({len(d)} (order, phone) pairs)")
    if len(ok) >= 40 and lat:  # does it drift as the checks grow?
        q = len(ok) // 4
        parts = []
        for k in range(4):
            chunk = Phase(phase.name, ok[k * q:(k + 1) * q])
            ms, _ = latencies(chunk, screens, drain_timeout=0)
            http = sorted((p.received - p.sent) * 1000 for p in chunk.placed)
            parts.append(f"Q{k + 1} screen p50 {percentile(sorted(ms), 50):.1f}/p99 {percentile(sorted(ms), 99):.1f}"
                         f" http p50 {percentile(http, 50):.1f}")
        print(f"[{phase.name}]   by quarter of the phase: " + "; ".join(parts))
    return lat


# -- the run ------------------------------------------------------------------

def visits_of(url: str) -> tuple[list[dict], str, dict[str, list[dict]]]:
    """([{table, token, visit_id}], cook session cookie, {station: [order lines]}) of the live demo."""
    import requests
    cook = requests.Session()
    r = cook.post(f"{url}/api/staff/login", json={"user_id": 1, "pin": "1111"}, timeout=HTTP_TIMEOUT)
    r.raise_for_status()
    cookie = f"session={cook.cookies['session']}"
    cashier = requests.Session()
    cashier.post(f"{url}/api/staff/login", json={"user_id": 2, "pin": "2222"}, timeout=HTTP_TIMEOUT).raise_for_status()
    html = cashier.get(f"{url}/pos/qr-sheet", timeout=HTTP_TIMEOUT).text
    visits = []
    for table, token in re.findall(r'data-table="([^"]+)".*?href="[^"]*/v/([^"]+)"', html, re.DOTALL):
        v = requests.get(f"{url}/api/visits/{token}", timeout=HTTP_TIMEOUT).json()
        visits.append({"table": table, "token": token, "visit_id": v["visit_id"]})
    if not visits:
        raise RuntimeError("no table visits found on /pos/qr-sheet")
    lines: dict[str, list[dict]] = {}
    station_of = {d["id"]: d["station"] for d in cook.get(f"{url}/api/menu/dishes", timeout=HTTP_TIMEOUT).json()}
    for cat in requests.get(f"{url}/api/menu?lang=en", timeout=HTTP_TIMEOUT).json():
        for d in cat["dishes"]:
            if d.get("sold_out"):
                continue
            options = [o["id"] for g in d["groups"] for o in g["options"][:g["min"]]]
            lines.setdefault(station_of[d["id"]], []).append({"dish_id": d["id"], "quantity": 1, "options": options})
    missing = [st for st in STATIONS if st not in lines]
    if missing:
        raise RuntimeError(f"the demo menu has no dish for station(s) {missing}")
    return visits, cookie, lines


def real_sender(url: str, visits: list[dict], lines: dict[str, list[dict]], offset: int = 0):
    def send(http, p: Placed) -> None:
        j = offset + p.i
        v = visits[j % len(visits)]
        stations = ORDER_MIX[j % len(ORDER_MIX)]
        items = [lines[st][(j // len(ORDER_MIX)) % len(lines[st])] for st in stations]
        r = http.post(f"{url}/api/visits/{v['token']}/orders", timeout=HTTP_TIMEOUT,
                      json={"idempotency_key": uuid.uuid4().hex, "items": items})
        p.status = r.status_code
        if r.status_code == 201:
            body = r.json()
            p.order_id, p.visit_id = body["id"], body["visit_id"]
            p.stations = tuple(sorted({i["station"] for i in body["items"]}))
        else:
            p.error = r.text[:300]
    return send


def floor_sender(url: str, visits: list[dict], offset: int):
    def send(http, p: Placed) -> None:
        v = visits[p.i % len(visits)]
        stations = ORDER_MIX[p.i % len(ORDER_MIX)]
        r = http.post(f"{url}/order", json={"id": offset + p.i, "stations": list(stations),
                                            "visit": v["visit_id"]}, timeout=HTTP_TIMEOUT)
        p.status = r.status_code
        if r.status_code == 201:
            p.order_id, p.visit_id, p.stations = r.json()["id"], v["visit_id"], tuple(stations)
    return send


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.order_to_screen", description=__doc__.split("\n\n")[0])
    ap.add_argument("--screens", type=int, default=30, help="station screens (spread over wok, grill, cold, bar)")
    ap.add_argument("--diners", type=int, default=200, help="diner sockets (spread over the 12 table visits)")
    ap.add_argument("--rate", type=float, default=20.0, help="orders per second of the paced phase")
    ap.add_argument("--paced-orders", type=int, default=400, help="orders of the paced phase (and of the floor's)")
    ap.add_argument("--paced-threads", type=int, default=8,
                    help="HTTP clients sending the paced orders (each sends its next due order; diners do not wait "
                         "for each other, so when all are waiting for answers the schedule slips and it is reported)")
    ap.add_argument("--fast-orders", type=int, default=800, help="orders of the as-fast-as-possible phase")
    ap.add_argument("--fast-max-seconds", type=float, default=45.0,
                    help="send no fast-phase order after this many seconds (keeps a slow run short; 0: no limit)")
    ap.add_argument("--fast-threads", type=int, default=8, help="HTTP clients of the as-fast-as-possible phase")
    ap.add_argument("--printers", choices=("dead", "off"), default="dead",
                    help="dead: printers configured on a port nothing listens on (jobs queue, retries back off); "
                         "off: printers disabled (no print jobs)")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temporary folder (database, logs)")
    ap.add_argument("--floor-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def run_floor(args: argparse.Namespace, floor_srv: Server, visits: list[dict]) -> list[float]:
    """The floor: a bare Flask-SocketIO app, same clients, same pacing. Returns its latencies (ms)."""
    t = time.perf_counter()
    f_screens, f_diners = connect_all(floor_srv.url, None, visits, args.screens, args.diners)
    print(f"[floor] {len(f_screens)} screens + {len(f_diners)} diner sockets connected and joined in "
          f"{time.perf_counter() - t:.1f} s; floor server {proc_status(floor_srv.pid)['Threads']} threads, "
          f"RSS {rss_mb(floor_srv.pid):.0f} MB; bench process {threading.active_count()} threads", flush=True)
    cpu = CpuMeter(floor_srv.pid)
    floor = place_orders("floor", args.paced_orders, args.rate, args.paced_threads,
                         floor_sender(floor_srv.url, visits, offset=10**9))
    floor_lat = report_phase(floor, f_screens, f_diners, cpu, args.rate)
    print(f"[floor]   floor server RSS {rss_mb(floor_srv.pid):.0f} MB", flush=True)
    floor_srv.stop()  # its clients see the connection drop and stop (no reconnection)
    time.sleep(1.0)
    return floor_lat


def run_server(args: argparse.Namespace, main_srv: Server, visits: list[dict], cookie: str | None,
               lines: dict[str, list[dict]]) -> tuple[list[float], Phase, Phase]:
    """The real server: the paced phase, then the as-fast-as-possible one. Returns the paced latencies and both."""
    t = time.perf_counter()
    screens, diners = connect_all(main_srv.url, cookie, visits, args.screens, args.diners)
    per_station = {st: sum(c.station == st for c in screens) for st in STATIONS}
    print(f"[server] {len(screens)} screens ({', '.join(f'{k} {v}' for k, v in per_station.items())}) + "
          f"{len(diners)} diner sockets over {len(visits)} table visits connected and joined in "
          f"{time.perf_counter() - t:.1f} s; server {tree_status(main_srv.pid)['Threads']:.0f} threads, "
          f"RSS {rss_mb(main_srv.pid):.0f} MB; bench process {threading.active_count()} threads", flush=True)
    cpu = CpuMeter(main_srv.pid)
    paced = place_orders("paced", args.paced_orders, args.rate, args.paced_threads,
                         real_sender(main_srv.url, visits, lines))
    lat = report_phase(paced, screens, diners, cpu, args.rate)

    cpu = CpuMeter(main_srv.pid)
    fast = place_orders("fast", args.fast_orders, None, args.fast_threads,
                        real_sender(main_srv.url, visits, lines, offset=args.paced_orders),
                        max_seconds=args.fast_max_seconds)
    if len(fast.placed) < args.fast_orders:
        print(f"[fast] stopped sending after {args.fast_max_seconds:g} s: {len(fast.placed)} of "
              f"{args.fast_orders} orders sent")
    report_phase(fast, screens, diners, cpu, None)
    return lat, paced, fast


def report_server_end(main_srv: Server, tmp: Path, visits: list[dict], orders: int) -> tuple[float, float]:
    """The server's memory, threads, database and log at the end, sockets still connected.
    Returns (RSS, PSS) in MB."""
    time.sleep(0.5)
    st = tree_status(main_srv.pid)
    rss, pss = st["VmRSS"], pss_mb(main_srv.pid)
    print(f"[server] at the end, {orders} orders on {len(visits)} visits, sockets still "
          f"connected: RSS {rss:.0f} MB over {st['processes']:.0f} process(es) (PSS {pss:.0f} MB, "
          f"peak {st['VmHWM']:.0f} MB, "
          f"anonymous {sum(_anonymous_mb(p) for p in process_tree(main_srv.pid)):.0f} MB), "
          f"{st['Threads']:.0f} threads, database {_db_size(tmp):.1f} MB", flush=True)
    problems, retries = main_srv.log_problems()
    print(f"[server] log: {retries} print attempts refused by the dead printer (expected), "
          f"{len(problems)} other error/warning lines{': first ' + problems[0][:200] if problems else ''}")
    return rss, pss


def summary(lat: list[float], floor_lat: list[float], fast: Phase, rss: float, pss: float) -> dict:
    """The figures of the JSON line, and the goals against them printed."""
    s_lat, f_lat = sorted(lat), sorted(floor_lat)
    p50, p99, fp99 = percentile(s_lat, 50), percentile(s_lat, 99), percentile(f_lat, 99)
    ops = len(fast.ok) / fast.duration if fast.duration > 0 else 0.0
    result = {"p50_ms": _num(p50), "p99_ms": _num(p99), "floor_p99_ms": _num(fp99),
              "ratio_p99": _num(p99 / fp99) if fp99 > 0 else None,
              "orders_per_s": round(ops, 1), "rss_mb": round(rss, 1), "pss_mb": round(pss, 1)}
    goals = [("ratio_p99 <= 3", result["ratio_p99"] is not None and result["ratio_p99"] <= 3),
             ("orders_per_s >= 150", ops >= 150), ("rss_mb <= 200", rss <= 200)]
    print("[goals] " + "; ".join(f"{g}: {'met' if ok else 'MISSED'}" for g, ok in goals))
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.floor_server:
        floor_server(args.floor_server)
        return 0

    import requests  # noqa: F401  (fail early when the venv is not used)
    import socketio  # noqa: F401

    # Stopped with SIGTERM: still run the finally below (stop the servers, remove the folder).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="order-to-screen-"))
    servers: list[Server] = []
    try:
        print(f"order_to_screen: {REPO} at {_git_head()}, {os.cpu_count()} CPU cores, Python {sys.version.split()[0]}; "
              f"{args.screens} screens + {args.diners} diner sockets; paced {args.paced_orders} orders at "
              f"{args.rate:g}/s; fast {args.fast_orders} orders from {args.fast_threads} clients; "
              f"printers {args.printers}; temp folder {tmp}", flush=True)
        main_srv = start_main_server(tmp, args.printers)
        floor_srv = start_floor_server(tmp)
        servers += [main_srv, floor_srv]
        t_main, t_floor = main_srv.wait_ready(), floor_srv.wait_ready()
        print(f"[setup] server pid {main_srv.pid} on {main_srv.url} ready in {t_main:.1f} s "
              f"(run.py serve: migrate, seed the demo, print workers, scheduler), RSS {rss_mb(main_srv.pid):.0f} MB; "
              f"floor pid {floor_srv.pid} on {floor_srv.url} ready in {t_floor:.1f} s, RSS {rss_mb(floor_srv.pid):.0f} MB",
              flush=True)
        visits, cookie, lines = visits_of(main_srv.url)
        floor_lat = run_floor(args, floor_srv, visits)
        lat, paced, fast = run_server(args, main_srv, visits, cookie, lines)
        rss, pss = report_server_end(main_srv, tmp, visits, len(paced.ok) + len(fast.ok))
        result = summary(lat, floor_lat, fast, rss, pss)
        print(f"[done] in {time.perf_counter() - began:.0f} s", flush=True)
        print(json.dumps(result), flush=True)
        return 0
    except RuntimeError as e:  # a server did not start or a client could not join
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        for s in servers:
            s.stop()
        if args.keep_tmp:
            print(f"(kept {tmp})", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _num(x: float) -> float | None:
    """Rounded for the JSON line; None (null) instead of NaN when there were no samples."""
    return None if math.isnan(x) else round(x, 2)


def _anonymous_mb(pid: int) -> float:
    return _rollup_mb(pid, "Anonymous:")


def _rollup_mb(pid: int, key: str) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(l.split()[1]) for l in f if l.startswith(key)) / 1024
    except (OSError, StopIteration):
        return float("nan")


def pss_mb(pid: int) -> float:
    """The process tree's proportional set size: pages shared by the arbiter and its forked
    worker counted once, where the RSS sum counts them twice."""
    return sum(_rollup_mb(p, "Pss:") for p in process_tree(pid))


def _db_size(tmp: Path) -> float:
    return sum(f.stat().st_size for f in tmp.glob("pos.db*")) / 1e6


def _git_head() -> str:
    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5, check=False).stdout.strip()
        return (out or "?") + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


if __name__ == "__main__":
    sys.exit(main())
