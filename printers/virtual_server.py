"""The virtual printer itself: a threaded TCP server on a printer's raw port, with switches
for the faults real printers have (printers/virtual.py describes them, and its CLI).

Each accepted connection (printers/virtual_connection.py) meets the fault planned for it;
status queries are answered as printers/virtual_status.py says; what became of its bytes is
a Record, and a printed job is kept in memory and as files (printers/virtual_jobs.py).
"""
from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

from .escpos_scan import CHINESE_ENCODINGS
from .virtual_connection import Session, hang_up, read_job, read_stalled, shutdown
from .virtual_jobs import Record, save_job
from .virtual_status import ONLINE_PAPER_OK, hold_reason, status_answer

RECEIVE_BUFFER = 4096  # bytes: what the printer's network interface buffers before it reads
CHAOS_FAULTS = ("refuse", "reset", "stall", "offline")


class VirtualPrinter:
    """Threaded TCP printer. `status` maps n (1..4) to the byte answered to DLE EOT n;
    the fault modes add their bits on top (change `status` directly for other answers).

    `chinese` is the printer's Chinese font code ("gb18030" or "big5"), used to read
    FS & ... FS . spans when writing job-0001.txt/.png.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, out_dir: str | Path | None = None,
                 chinese: str = "gb18030"):
        if chinese not in CHINESE_ENCODINGS:
            raise ValueError(f"unknown Chinese font code {chinese!r} (known: {', '.join(CHINESE_ENCODINGS)})")
        self.host, self.port, self.chinese = host, port, chinese
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.jobs: list[bytes] = []
        self.files: list[Path] = []  # job-0001.bin, ... (the .txt and .png sit next to them)
        self.records: list[Record] = []
        self.chaos_log: list[dict] = []  # what chaos() did, one entry per connection it decided
        self.status = {n: ONLINE_PAPER_OK for n in range(1, 5)}
        self._cond = threading.Condition()  # guards everything below; RLock, so methods nest
        self._sessions: dict[socket.socket, Session] = {}
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._running = False
        self._accepted = 0
        self._offline = False
        self._paper = "ok"  # ok | low | out
        self._stall = False
        self._slow: float | None = None  # bytes per second while slow()
        self._stopping = threading.Event()
        self._drops: list[int] = []  # byte counts for the next connections
        self._held: list[Record] = []
        self._timers: dict[str, threading.Timer] = {}
        self._chaos: random.Random | None = None
        self._chaos_rate = 0.0
        self._chaos_seed: int | None = None
        self._chaos_to_join = 0  # connections still to join the current chaos offline window
        self._chaos_window = 0  # connections of that window not finished yet (those to join included)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "VirtualPrinter":
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        with self._cond:
            self._running = True
            self._stopping.clear()
            self._listen()
        return self

    def stop(self) -> None:
        with self._cond:
            if not self._running:
                return
            self._running = False
            self._stopping.set()
            for key in list(self._timers):
                self._later(key, None)
            self._close_listener()
            sessions = list(self._sessions.values())
        for s in sessions:
            shutdown(s.conn)  # wakes blocked recv(); the job received so far is still stored
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> "VirtualPrinter":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- waiting ------------------------------------------------------------------------------

    def wait_for_jobs(self, n: int, timeout: float) -> list[bytes]:
        """Block until at least n jobs printed; return a copy of all jobs, else raise TimeoutError."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.jobs) >= n, timeout=timeout):
                raise TimeoutError(f"{len(self.jobs)} of {n} print jobs after {timeout} s")
            return list(self.jobs)

    def wait_for_records(self, n: int, timeout: float) -> list[Record]:
        """Block until at least n connections ended; return all records, else raise TimeoutError."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.records) >= n, timeout=timeout):
                raise TimeoutError(f"{len(self.records)} of {n} connections ended after {timeout} s")
            return list(self.records)

    def wait_for_connections(self, n: int, timeout: float) -> None:
        """Block until at least n connections were accepted (ended or not), else TimeoutError."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._accepted >= n, timeout=timeout):
                raise TimeoutError(f"{self._accepted} of {n} connections after {timeout} s")

    def wait_accepting(self, timeout: float) -> None:
        """Block until the port accepts connections again (after refuse / chaos), else TimeoutError."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._listener is not None, timeout=timeout):
                raise TimeoutError(f"still refusing connections after {timeout} s")

    # --- faults -------------------------------------------------------------------------------

    def refuse(self, for_seconds: float | None = None) -> None:
        """Stop listening: connections are refused until accept() / clear() (or for_seconds).
        Connections already open carry on."""
        with self._cond:
            self._close_listener()
            self._later("refuse", for_seconds, self.accept)

    def accept(self) -> None:
        """Listen again, on the same port."""
        with self._cond:
            self._later("refuse", None)
            if self._running and self._listener is None:
                self._listen()

    def offline(self, for_seconds: float | None = None) -> None:
        """Cover open: DLE EOT 1 says offline; jobs are held until online() / clear()."""
        with self._cond:
            self._offline = True
            self._later("offline", for_seconds, self.online)

    def online(self) -> None:
        """Cover closed: held jobs print (unless the paper is out)."""
        with self._cond:
            self._later("offline", None)
            self._offline = False
            self._release()

    def paper_out(self, for_seconds: float | None = None) -> None:
        """DLE EOT 4 says paper end, DLE EOT 1 offline; jobs are held until paper_ok() / clear()."""
        with self._cond:
            self._paper = "out"
            self._later("paper", for_seconds, self.paper_ok)

    def paper_low(self) -> None:
        """DLE EOT 4 says paper near end; jobs print."""
        with self._cond:
            self._later("paper", None)
            self._paper = "low"

    def paper_ok(self) -> None:
        """A new roll: held jobs print (unless offline)."""
        with self._cond:
            self._later("paper", None)
            self._paper = "ok"
            self._release()

    def stall(self, for_seconds: float | None = None) -> None:
        """New connections are accepted but never read or answered, so the sender times
        out. A stalled connection ends, unprinted, when the client gives up or the stall
        is cleared (unstall() / clear() close it)."""
        with self._cond:
            self._stall = True
            self._later("stall", for_seconds, self.unstall)

    def slow(self, bytes_per_second: float | None) -> None:
        """New connections are read at this rate (None: full speed again), like a printer
        busy printing a long job with a small buffer: a sender with a short timeout gives up
        on a big job (the bytes read so far print torn, as a partial job)."""
        if bytes_per_second is not None and bytes_per_second <= 0:
            raise ValueError("bytes_per_second must be positive")
        with self._cond:
            self._slow = bytes_per_second

    def unstall(self) -> None:
        """End stall(): new connections are read again; the stalled ones are closed, unprinted."""
        with self._cond:
            self._later("stall", None)
            self._stall = False
            stalled = [s.conn for s in self._sessions.values() if s.stall]
        for conn in stalled:
            shutdown(conn)  # wakes the stalled thread, which records the connection

    def drop_after(self, n_bytes: int, connections: int = 1) -> None:
        """Reset (RST) each of the next `connections` connections after n_bytes were read
        (status queries included). A connection that ends sooner prints normally."""
        if n_bytes < 1:
            raise ValueError("drop_after needs at least 1 byte")
        with self._cond:
            self._drops.extend([n_bytes] * connections)

    def chaos(self, seed: int | None, rate: float = 0.3) -> None:
        """Give each new connection, with probability `rate`, one fault drawn from
        random.Random(seed): refuse (this one prints, then the port is closed for
        50-200 ms), reset (torn at a random share of the job), stall, or offline for
        this and the next 0-2 connections (held, then printed when the window ends).
        Draws are taken in accept order, so the same connections meet the same faults
        for a seed; chaos_log records each decision. Explicit faults (stall, drop_after)
        take precedence. chaos(None) stops it."""
        with self._cond:
            self._chaos = None if seed is None else random.Random(seed)
            self._chaos_seed, self._chaos_rate = seed, rate
            self.chaos_log = []
            self._end_chaos_window()

    def power_cycle(self) -> None:
        """Switch off and on: held jobs are lost. The faults stay (the cover is still open)."""
        with self._cond:
            for rec in self._held:
                rec.reason = "lost_power"
            self._held.clear()
            self._cond.notify_all()

    def clear(self) -> None:
        """Everything back to normal: listening, online, paper ok, no stall, drops or chaos,
        `status` back to the defaults; held jobs print."""
        with self._cond:
            self.status.update({n: ONLINE_PAPER_OK for n in range(1, 5)})
            self._offline, self._paper, self._drops, self._slow = False, "ok", [], None
            self._chaos = self._chaos_seed = None
            self._chaos_to_join = self._chaos_window = 0
            self.unstall()
            self.accept()
            for key in list(self._timers):
                self._later(key, None)
            self._release()

    def state(self) -> dict:
        """The fault modes in force, and counts (for the CLI's `status`)."""
        with self._cond:
            return {"listening": self._listener is not None, "offline": self._offline or self._chaos_window > 0,
                    "paper": self._paper, "stall": self._stall, "drops": list(self._drops), "slow": self._slow,
                    "chaos": None if self._chaos is None else (self._chaos_seed, self._chaos_rate),
                    "jobs": len(self.jobs), "held": len(self._held),
                    "not_printed": sum(not r.printed for r in self.records)}

    # --- internals ----------------------------------------------------------------------------

    def _later(self, key: str, seconds: float | None, action=None) -> None:
        """(Re)arm the timer `key` to run action() after `seconds`; None just cancels it."""
        old = self._timers.pop(key, None)
        if old is not None:
            old.cancel()
        if seconds is None:
            return

        def fire() -> None:
            with self._cond:
                if self._timers.get(key) is not timer or not self._running:
                    return  # replaced or cancelled meanwhile
                del self._timers[key]
                action()

        timer = threading.Timer(seconds, fire)
        timer.daemon = True
        self._timers[key] = timer
        timer.start()

    def _listen(self) -> None:
        # SO_REUSEADDR, so the same port can be bound again after refuse(). A real printer's
        # receive buffer is a few KB: a sender sees a busy (slow) printer take its job slowly.
        listener = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        listener.bind((self.host, self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept_loop, listener)
        self._cond.notify_all()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            shutdown(listener)  # wakes the blocked accept()
            listener.close()

    def _spawn(self, target, *args) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=target, args=args, daemon=True, name=f"virtual-printer-{self.port}")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # listener closed by stop() or refuse()
            with self._cond:
                if not self._running:
                    conn.close()
                    return
                self._accepted += 1
                self._cond.notify_all()
                session = Session(conn, self._accepted)
                self._plan(session)
                self._sessions[conn] = session
                self._spawn(self._serve, session)

    def _plan(self, s: Session) -> None:
        """Choose the fault a new connection meets: explicit ones first, then chaos."""
        s.bytes_per_second = self._slow
        if self._stall:
            s.stall = True
        elif self._drops:
            s.drop_at = self._drops.pop(0)
        elif self._chaos_to_join > 0:
            self._chaos_to_join -= 1
            s.chaos_offline = True
            self.chaos_log.append({"connection": s.number, "fault": "offline", "window": True})
        elif self._chaos is not None:
            rng, entry = self._chaos, {"connection": s.number, "fault": "ok"}
            if rng.random() < self._chaos_rate:
                entry["fault"] = fault = rng.choice(CHAOS_FAULTS)
                if fault == "refuse":  # like a one-connection printer busy with this job
                    entry["seconds"] = round(rng.uniform(0.05, 0.2), 3)
                    self.refuse(for_seconds=entry["seconds"])
                elif fault == "reset":
                    s.drop_share = entry["share"] = round(rng.uniform(0.1, 0.9), 3)
                elif fault == "stall":
                    s.stall = True
                else:
                    entry["connections"] = k = rng.randint(1, 3)
                    s.chaos_offline = True
                    self._chaos_window, self._chaos_to_join = self._chaos_window + k, k - 1
            self.chaos_log.append(entry)

    def _end_chaos_window(self) -> None:
        self._chaos_to_join = self._chaos_window = 0
        self._release()

    def _answer(self, n: int) -> int:
        """The byte answered to DLE EOT n: `status` plus the bits of the faults in force."""
        return status_answer(self.status[n], n, self._offline or self._chaos_window > 0, self._paper)

    def _hold_reason(self) -> str | None:
        return hold_reason(self._offline or self._chaos_window > 0, self._paper)

    def _serve(self, s: Session) -> None:
        if s.stall:
            job, reason = read_stalled(s), "stalled"
        else:
            job, reason = read_job(s, self._answer, self._hold_reason, self._stopping)
        hang_up(s.conn, reset=reason == "reset_mid_job")
        with self._cond:
            self._sessions.pop(s.conn, None)
            self._finish(s, bytes(job), reason)

    def _finish(self, s: Session, job: bytes, reason: str | None) -> None:
        """Record how a connection ended (caller holds the condition); print or hold its job."""
        rec = Record(s.number, job, reason or "printed")
        self.records.append(rec)
        if reason is None:
            # A job is held if its bytes arrived while the printer held jobs (not if the
            # printer went offline only after it had them all) and it still holds them.
            hold = s.hold and self._hold_reason()
            if not job:
                rec.reason = "empty"  # a bare status probe is not a print job
            elif hold:
                rec.reason, rec.held = hold, True
                self._held.append(rec)
            else:
                self._print(rec)
        if s.chaos_offline and self._chaos_window > 0:
            self._chaos_window -= 1
            if self._chaos_window == 0:
                self._end_chaos_window()  # the chaos cover closes: what it held prints
        self._cond.notify_all()

    def _release(self) -> None:
        """Print the held jobs if nothing holds them any more (caller holds the condition)."""
        if self._hold_reason() is not None:
            return
        held, self._held = self._held, []
        for rec in held:
            self._print(rec)
        self._cond.notify_all()

    def _print(self, rec: Record) -> None:
        """A job reaches paper: append it, write its files (caller holds the condition)."""
        self.jobs.append(rec.data)
        rec.reason, rec.printed, rec.job = "printed", True, len(self.jobs)
        if self.out_dir is not None:
            self.files.append(save_job(self.out_dir, rec.job, rec.data, self.chinese))
        self._cond.notify_all()
