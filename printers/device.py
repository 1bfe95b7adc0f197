"""Deliver ESC/POS bytes to a network printer (raw TCP, port 9100) and confirm delivery.

python-escpos' Network raises a zoo of exceptions (DeviceNotFoundError, bare
TimeoutError, ConnectionResetError, ...) and reports nothing at all when a
printer is switched off right after the bytes were sent. send() maps all of them
to PrinterUnavailable(reason) and confirms delivery with real-time status
queries sent after the job on the same connection: a printer answers DLE EOT as
soon as it has received everything before it.

Status bits used (Epson ESC/POS, copied by most clones); every status byte has
the fixed pattern bit 1 = 1, bit 4 = 1, bits 0 and 7 = 0 (0x12 under mask 0x93):
  DLE EOT 1 (printer status):     bit 3 (0x08) offline (cover open, paper out, error)
  DLE EOT 4 (roll paper sensor):  bits 2+3 (0x0C) paper near end, bits 5+6 (0x60) paper end
render() guarantees the job itself never contains DLE EOT n, so the only status
bytes that come back are the answers to these two queries.
"""
from __future__ import annotations

import fcntl
import struct
import termios
import time

from . import render as _render  # noqa: F401  (imports escpos without its temp-folder leak)

from escpos.exceptions import DeviceNotFoundError, Error as EscposError
from escpos.printer import Network

STATUS_PRINTER, STATUS_PAPER = b"\x10\x04\x01", b"\x10\x04\x04"
FIXED_MASK, FIXED_BITS = 0x93, 0x12
OFFLINE = 0x08
PAPER_NEAR_END, PAPER_END = 0x0C, 0x60


SLOW_JOB_S = 30.0  # a printer taking a job slowly is waited for this long in all (well inside the stale claim)
NOT_SENT = frozenset({"refused", "connect_timeout", "unreachable"})  # reasons after which nothing was sent


class PrinterUnavailable(Exception):
    """The job was not (confirmed) printed. `reason` is a short machine-readable code.

    refused, connect_timeout, unreachable: nothing was sent, retry is safe.
    timeout, reset, io_error, no_status: delivery unknown, a retry may duplicate.
    offline, paper_out: the bytes sit in the printer's buffer and usually print
    once the problem is fixed; a retry may duplicate.
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail

    @property
    def maybe_delivered(self) -> bool:
        """The bytes may have reached the printer: a retry may print the job twice."""
        return self.reason not in NOT_SENT


def _connect_reason(exc: DeviceNotFoundError) -> str:
    cause = exc.__context__  # escpos raises DeviceNotFoundError inside `except OSError`
    if isinstance(cause, (ConnectionRefusedError, ConnectionResetError)):  # reset: busy with another client
        return "refused"
    return "connect_timeout" if isinstance(cause, TimeoutError) else "unreachable"


def _unsent(sock) -> int:
    """Bytes of ours the printer has not taken yet (Linux SIOCOUTQ; 0 where unknown)."""
    try:
        buf = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    except OSError:
        return 0
    return struct.unpack("i", buf)[0]


def _write(printer: Network, data: bytes, deadline: float) -> None:
    """Write the whole job. A printer busy printing takes it slowly, a few KB at a time: it is
    waited for as long as it keeps taking bytes (each wait bounded by the socket timeout)."""
    sock, view, sent = printer.device, memoryview(data), 0
    while sent < len(view):
        if time.monotonic() > deadline:
            raise TimeoutError("the printer takes the job too slowly")
        sent += sock.send(view[sent:])  # TimeoutError when it took nothing for a whole timeout


def _query(printer: Network, query: bytes, deadline: float) -> int:
    """Send one real-time status query and return its status byte. The printer answers once
    it has read everything before the query: while it is still reading (our unsent bytes go
    down), the answer is waited for again, up to the deadline."""
    sock = printer.device
    printer._raw(query)
    while True:
        before = _unsent(sock)
        try:
            answer = printer._read()  # one recv() under the socket timeout
        except TimeoutError:
            if before and _unsent(sock) < before and time.monotonic() < deadline:
                continue  # it is still taking the job: a slow printer, not a stalled one
            answer = b""
        break
    if not answer or answer[-1] & FIXED_MASK != FIXED_BITS:
        raise PrinterUnavailable("no_status", f"no valid answer to {query!r}: delivery not confirmed")
    return answer[-1]


def probe(host: str, port: int, *, timeout: float = 4.0) -> str:
    """Ask a printer for its status without printing: "ok" or "paper_low", else raise
    PrinterUnavailable (a printer that is back from failover answers this)."""
    return send(host, port, b"", timeout=timeout)


def send(host: str, port: int, data: bytes, *, timeout: float = 4.0, slow_limit_s: float = SLOW_JOB_S) -> str:
    """Send a whole job in one write; return "ok" or "paper_low", else raise PrinterUnavailable.

    `timeout` bounds each socket operation (connect, each write or status read that makes no
    progress); a printer that keeps taking the job slowly is waited for up to `slow_limit_s`
    in all, so a job it is still printing is not sent again.
    """
    printer = Network(host, port, timeout=timeout)
    try:
        printer.open()
        deadline = time.monotonic() + max(slow_limit_s, timeout)
        if data:
            _write(printer, data, deadline)
        online, paper = _query(printer, STATUS_PRINTER, deadline), _query(printer, STATUS_PAPER, deadline)
    except DeviceNotFoundError as exc:
        raise PrinterUnavailable(_connect_reason(exc), str(exc).replace("\n", " ")) from exc
    except TimeoutError as exc:
        raise PrinterUnavailable("timeout", "printer connected but not reading") from exc
    except (ConnectionResetError, BrokenPipeError) as exc:
        raise PrinterUnavailable("reset", str(exc)) from exc
    except (EscposError, OSError) as exc:
        raise PrinterUnavailable("io_error", str(exc)) from exc
    finally:
        printer.close()  # also after a reset: the dead socket must not stay cached
    if paper & PAPER_END:
        raise PrinterUnavailable("paper_out", f"paper status 0x{paper:02x}")
    if online & OFFLINE:
        raise PrinterUnavailable("offline", f"printer status 0x{online:02x}")
    return "paper_low" if paper & PAPER_NEAR_END else "ok"
