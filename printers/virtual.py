"""A stand-in network printer for development and tests, with the faults real ones have.

Listens on TCP like a printer's raw port 9100, answers real-time status queries
(DLE EOT n) from `status`, and keeps each connection's bytes (minus those
queries) as one job, in memory and optionally as job-0001.bin plus a transcript
(job-0001.txt) and a picture of the paper (job-0001.png), both from
printers/escpos_decode.py.

Printers fail in ways a healthy stand-in never shows, and the print queue has to
survive every one of them (printers/device.py maps them to PrinterUnavailable
reasons). Each fault can be switched on and off from code, or typed on the CLI:

  refuse()      the port is closed: connect fails with ConnectionRefusedError
  offline()     cover open: status says offline, jobs are held and print when back
                online (or are lost by power_cycle())
  paper_out()   like offline, and the paper sensor says paper end
  paper_low()   the paper sensor says near end; jobs print
  stall()       new connections are accepted but never read: the sender times out,
                and nothing prints
  drop_after(n) the next connection is reset (RST) after n bytes: a torn job, not printed
  chaos(seed)   a seeded random fault per connection, for soak tests and benchmarks

`jobs` holds only jobs printed completely; `records` says what became of every
connection's bytes (printed, held_offline, reset_mid_job, stalled, ...), so a test
can tell a torn job from a printed one.

CLI:  python -m printers.virtual --port 9100 --out var/virtual-printer [--chinese big5]
      then type `help` for the fault commands.
"""
from __future__ import annotations

import argparse
import random
import re
import select
import signal
import socket
import struct
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .escpos_decode import CHINESE_ENCODINGS, to_png, to_text

DLE_EOT = b"\x10\x04"
ONLINE_PAPER_OK = 0x12  # only the fixed bits set: online, no error, paper present
# Bits a fault adds to the answers (Epson meanings; see printers/device.py).
OFFLINE = 0x08  # DLE EOT 1 bit 3
COVER_OPEN, PAPER_STOP = 0x04, 0x20  # DLE EOT 2 bits 2 and 5 (offline cause)
PAPER_NEAR_END, PAPER_END = 0x0C, 0x60  # DLE EOT 4 bits 2+3 and 5+6
_QUERY = re.compile(rb"\x10\x04[\x01-\x04]")
_LINGER_RST = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST instead of FIN
# poll() events of a peer that went away; POLLRDHUP (half close) is Linux only.
_HANGUP = select.POLLHUP | select.POLLERR | getattr(select, "POLLRDHUP", 0)
CHAOS_FAULTS = ("refuse", "reset", "stall", "offline")


@dataclass
class Record:
    """What became of one connection's bytes.

    reason: printed | empty (no job bytes: a status probe) | held_offline |
    held_paper_out (waiting in the printer) | lost_power (held, then power_cycle()) |
    reset_mid_job (torn by drop_after() or chaos) | stalled (never read).
    """
    connection: int  # 1-based, in accept order
    data: bytes  # bytes received, minus the status queries that were answered
    reason: str
    printed: bool = False
    job: int | None = None  # 1-based number in `jobs` (and in job-0001.bin) once printed
    held: bool = False  # it waited while offline / out of paper


@dataclass
class _Session:
    """One accepted connection and the fault chosen for it."""
    conn: socket.socket
    number: int
    stall: bool = False
    bytes_per_second: float | None = None  # slow(): reads at this rate
    drop_at: int | None = None  # reset after this many bytes read
    drop_share: float | None = None  # chaos: reset, keeping this share of the job
    chaos_offline: bool = False  # one of a chaos offline window's connections
    hold: str | None = None  # job bytes arrived while the printer held jobs (why)


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
        self._sessions: dict[socket.socket, _Session] = {}
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
            _shutdown(s.conn)  # wakes blocked recv(); the job received so far is still stored
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
            _shutdown(conn)  # wakes the stalled thread, which records the connection

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
        # create_server sets SO_REUSEADDR, so the same port can be bound again after refuse().
        listener = socket.create_server((self.host, self.port))
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept_loop, listener)
        self._cond.notify_all()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            _shutdown(listener)  # wakes the blocked accept()
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
                session = _Session(conn, self._accepted)
                self._plan(session)
                self._sessions[conn] = session
                self._spawn(self._serve, session)

    def _plan(self, s: _Session) -> None:
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
        offline, paper = self._offline or self._chaos_window > 0, self._paper
        answer = self.status[n]
        if n == 1 and (offline or paper == "out"):
            answer |= OFFLINE
        elif n == 2:
            answer |= (COVER_OPEN if offline else 0) | (PAPER_STOP if paper == "out" else 0)
        elif n == 4:
            answer |= PAPER_END if paper == "out" else PAPER_NEAR_END if paper == "low" else 0
        return answer

    def _hold_reason(self) -> str | None:
        if self._paper == "out":
            return "held_paper_out"
        if self._offline or self._chaos_window > 0:
            return "held_offline"
        return None

    def _serve(self, s: _Session) -> None:
        if s.stall:
            job, reason = self._stalled(s), "stalled"
        else:
            job, reason = self._read_job(s)
        if reason == "reset_mid_job":
            try:
                s.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RST)
            except OSError:
                pass
        s.conn.close()
        with self._cond:
            self._sessions.pop(s.conn, None)
            self._finish(s, bytes(job), reason)

    def _read_job(self, s: _Session) -> tuple[bytes, str | None]:
        """Read until the client closes, answering status queries; (job, "reset_mid_job") when torn."""
        conn, job, pending, received = s.conn, bytearray(), b"", 0
        latched = 0  # len(job) when the printer's state was last looked at

        def latch() -> None:
            # Job bytes that arrive while the printer holds jobs wait in its buffer. Looked
            # at before answering a query, so the answer and the hold agree.
            nonlocal latched
            if len(job) > latched:
                s.hold = self._hold_reason() or s.hold
                latched = len(job)

        try:
            while True:
                size = 65536
                if s.drop_at is not None:
                    size = min(size, s.drop_at - received)
                    if size <= 0:
                        return bytes(job + pending), "reset_mid_job"
                if s.bytes_per_second is not None:
                    size = min(size, max(1, int(s.bytes_per_second / 20)))  # 20 reads a second
                chunk = conn.recv(size)
                if not chunk:
                    break
                if s.bytes_per_second is not None and self._stopping.wait(len(chunk) / s.bytes_per_second):
                    break  # stop(): keep what arrived
                received += len(chunk)
                pending += chunk
                while (i := pending.find(DLE_EOT)) >= 0 and i + 2 < len(pending):
                    n = pending[i + 2]
                    if 1 <= n <= 4:
                        job += pending[:i]
                        if s.drop_share is not None and job:  # the job is in: tear it before confirming
                            return bytes(job[: max(1, int(len(job) * s.drop_share))]), "reset_mid_job"
                        latch()
                        conn.sendall(bytes([self._answer(n)]))
                    else:
                        job += pending[: i + 3]
                    pending = pending[i + 3 :]
                keep = 0 if (i := pending.find(DLE_EOT[:1], max(0, len(pending) - 2))) < 0 else len(pending) - i
                job += pending[: len(pending) - keep]  # hold back a query split across reads
                pending = pending[len(pending) - keep :]
                latch()
        except OSError:
            pass  # reset by the client or shut down by stop(): keep what arrived
        job += pending
        latch()
        if s.drop_share is not None and job:  # the client sent no status query
            return bytes(job[: max(1, int(len(job) * s.drop_share))]), "reset_mid_job"
        return bytes(job), None

    def _stalled(self, s: _Session) -> bytes:
        """Never read: wait until the client hangs up, or unstall() / stop() shut the socket;
        then collect what sat unread in the socket buffer, for the record."""
        poller = select.poll()
        poller.register(s.conn, _HANGUP)
        try:
            poller.poll()
            s.conn.setblocking(False)
            data = bytearray()
            while chunk := s.conn.recv(65536):
                data += chunk
        except OSError:
            pass  # nothing more (BlockingIOError), or reset by the client
        return _QUERY.sub(b"", bytes(data))

    def _finish(self, s: _Session, job: bytes, reason: str | None) -> None:
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
            path = self.out_dir / f"job-{rec.job:04d}.bin"
            path.write_bytes(rec.data)
            _write_views(rec.data, path, self.chinese)
            self.files.append(path)
        self._cond.notify_all()


def _write_views(data: bytes, path: Path, chinese: str) -> None:
    """job-0001.txt and job-0001.png next to job-0001.bin, for people to look at."""
    try:
        path.with_suffix(".txt").write_text(to_text(data, chinese=chinese), encoding="utf-8")
        to_png(data, path.with_suffix(".png"), chinese=chinese)
    except Exception as exc:  # a picture is a convenience: never lose the job over it
        path.with_suffix(".txt").write_text(f"[cannot render this job: {exc!r}]\n", encoding="utf-8")


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


# --- CLI ------------------------------------------------------------------------------------

HELP = """commands (one per line):
  offline [SECONDS]   cover open: status offline, jobs held      online      held jobs print
  paper out | paper low | paper ok                                power       power cycle: held jobs lost
  refuse [SECONDS]    close the port (connection refused)         accept      listen again
  stall [SECONDS]     accept connections but never read them      drop BYTES [CONNECTIONS]  reset after BYTES
  slow [BYTES/S]      read new jobs at this rate (none: full speed)
  chaos SEED [RATE]   a seeded random fault per connection        chaos off
  ok                  clear every fault                           status      what is in force
  help, quit"""


def _seconds(args: list[str]) -> float | None:
    return float(args[0]) if args else None


def command(printer: VirtualPrinter, line: str) -> str:
    """Run one CLI command line; return the line to print."""
    words = line.split()
    if not words:
        return ""
    name, args = words[0].lower(), words[1:]
    for_s = f" for {args[0]} s" if args else ""
    try:
        if name == "offline":
            printer.offline(_seconds(args))
            return f"offline{for_s}: jobs are held until `online`"
        if name == "online":
            held = printer.state()["held"]
            printer.online()
            return f"online ({held - printer.state()['held']} held jobs printed)"
        if name == "paper" and args in (["out"], ["low"], ["ok"]):
            {"out": printer.paper_out, "low": printer.paper_low, "ok": printer.paper_ok}[args[0]]()
            return {"out": "paper out: jobs are held until `paper ok`", "low": "paper near end: jobs still print",
                    "ok": "paper loaded"}[args[0]]
        if name == "power":
            held = printer.state()["held"]
            printer.power_cycle()
            return f"power cycled: {held} held jobs lost"
        if name == "refuse":
            printer.refuse(_seconds(args))
            return f"refusing connections{for_s}"
        if name == "accept":
            printer.accept()
            return f"accepting connections on port {printer.port}"
        if name == "stall":
            printer.stall(_seconds(args))
            return f"stalled{for_s}: new connections are never read"
        if name == "slow":
            bps = float(args[0]) if args else None
            printer.slow(bps)
            return f"reading {bps:g} bytes/s" if bps else "full speed"
        if name == "drop" and args:
            n, conns = int(args[0]), int(args[1]) if len(args) > 1 else 1
            printer.drop_after(n, conns)
            return f"the next {conns} connection(s) will be reset after {n} bytes"
        if name == "chaos" and args == ["off"]:
            printer.chaos(None)
            return "chaos off"
        if name == "chaos" and args:
            rate = float(args[1]) if len(args) > 1 else 0.3
            printer.chaos(int(args[0]), rate)
            return f"chaos: seed {args[0]}, {rate:.0%} of connections meet a fault"
        if name == "ok":
            printer.clear()
            return "all clear"
        if name == "status":
            st = printer.state()
            faults = [k for k in ("offline", "stall") if st[k]] + ([] if st["listening"] else ["refusing"])
            faults += [f"paper {st['paper']}"] if st["paper"] != "ok" else []
            faults += [f"drop after {st['drops']}"] if st["drops"] else []
            faults += [f"slow {st['slow']:g} B/s"] if st["slow"] else []
            faults += [f"chaos {st['chaos'][0]} at {st['chaos'][1]}"] if st["chaos"] else []
            return (f"port {printer.port}: {', '.join(faults) or 'ok'}; {st['jobs']} printed, "
                    f"{st['held']} held, {st['not_printed']} connections not printed")
        if name == "help":
            return HELP
    except ValueError as exc:
        return f"bad arguments for {name}: {exc}"
    except OSError as exc:
        return f"{name} failed: {exc}"
    return f"unknown command {line.strip()!r} (type `help`)"


def _read_commands(printer: VirtualPrinter, done: threading.Event) -> None:
    try:
        for line in sys.stdin:
            if line.strip().lower() in ("quit", "exit"):
                with printer._cond:
                    done.set()
                    printer._cond.notify_all()  # wakes main()'s wait
                return
            if reply := command(printer, line):
                print(reply, flush=True)
    except (OSError, ValueError):
        pass  # no usable stdin (a background job gets EIO): keep printing without commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="virtual-printer", description="Stand-in ESC/POS network printer.",
                                     epilog="Type `help` while it runs for the fault commands (offline, paper out, "
                                            "refuse, stall, drop, chaos, ...).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9100, help="TCP port (default 9100)")
    parser.add_argument("--out", help="folder to write job-0001.bin (.txt, .png), ... into")
    parser.add_argument("--chinese", choices=CHINESE_ENCODINGS, default="gb18030",
                        help="the printer's Chinese font code, to read FS & spans (default gb18030)")
    args = parser.parse_args(argv)
    printer = VirtualPrinter(args.host, args.port, args.out, chinese=args.chinese).start()
    print(f"virtual printer listening on {args.host}:{printer.port} (type `help`; Ctrl-C to stop)", flush=True)
    if hasattr(signal, "SIGTTIN") and threading.current_thread() is threading.main_thread():
        # Run in the background (`&`), reading the terminal would stop the whole process;
        # with SIGTTIN ignored the read fails instead and the printer carries on.
        signal.signal(signal.SIGTTIN, signal.SIG_IGN)
    done = threading.Event()
    threading.Thread(target=_read_commands, args=(printer, done), daemon=True, name="virtual-printer-stdin").start()
    seen_jobs = seen_records = 0
    try:
        while not done.is_set():
            with printer._cond:
                printer._cond.wait_for(lambda: done.is_set() or len(printer.jobs) > seen_jobs
                                       or len(printer.records) > seen_records, timeout=0.5)
                jobs, files, records = list(printer.jobs), list(printer.files), list(printer.records)
            for i in range(seen_jobs, len(jobs)):
                path = files[i] if printer.out_dir is not None else "-"
                print(f"job {i + 1}: {len(jobs[i])} bytes {path}", flush=True)
            for rec in records[seen_records:]:
                if rec.reason not in ("printed", "empty"):  # printed ones have their job line
                    print(f"connection {rec.connection}: {rec.reason}, {len(rec.data)} bytes", flush=True)
            seen_jobs, seen_records = len(jobs), len(records)
    except KeyboardInterrupt:
        pass
    finally:
        printer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
