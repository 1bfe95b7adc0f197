"""One connection to the virtual printer (printers/virtual_server.py): the fault chosen for
it, reading its job while answering status queries, and hanging up (with RST when torn)."""
from __future__ import annotations

import select
import socket
import struct
import threading
from dataclasses import dataclass
from typing import Callable

from .virtual_status import DLE_EOT, STATUS_QUERY

LINGER_RST = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST instead of FIN
# poll() events of a peer that went away; POLLRDHUP (half close) is Linux only.
HANGUP = select.POLLHUP | select.POLLERR | getattr(select, "POLLRDHUP", 0)


@dataclass
class Session:
    """One accepted connection and the fault chosen for it."""
    conn: socket.socket
    number: int
    stall: bool = False
    bytes_per_second: float | None = None  # slow(): reads at this rate
    drop_at: int | None = None  # reset after this many bytes read
    drop_share: float | None = None  # chaos: reset, keeping this share of the job
    chaos_offline: bool = False  # one of a chaos offline window's connections
    hold: str | None = None  # job bytes arrived while the printer held jobs (why)


def read_job(s: Session, answer: Callable[[int], int], hold_reason: Callable[[], str | None],
             stopping: threading.Event) -> tuple[bytes, str | None]:
    """Read until the client closes, answering status queries with answer(n); (job,
    "reset_mid_job") when torn. hold_reason() says why the printer holds jobs right now
    (s.hold keeps it); stopping cuts a slow read short."""
    conn, job, pending, received = s.conn, bytearray(), b"", 0
    latched = 0  # len(job) when the printer's state was last looked at

    def latch() -> None:
        # Job bytes that arrive while the printer holds jobs wait in its buffer. Looked
        # at before answering a query, so the answer and the hold agree.
        nonlocal latched
        if len(job) > latched:
            s.hold = hold_reason() or s.hold
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
            if s.bytes_per_second is not None and stopping.wait(len(chunk) / s.bytes_per_second):
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
                    conn.sendall(bytes([answer(n)]))
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


def read_stalled(s: Session) -> bytes:
    """Never read: wait until the client hangs up, or unstall() / stop() shut the socket;
    then collect what sat unread in the socket buffer, for the record."""
    poller = select.poll()
    poller.register(s.conn, HANGUP)
    try:
        poller.poll()
        s.conn.setblocking(False)
        data = bytearray()
        while chunk := s.conn.recv(65536):
            data += chunk
    except OSError:
        pass  # nothing more (BlockingIOError), or reset by the client
    return STATUS_QUERY.sub(b"", bytes(data))


def hang_up(conn: socket.socket, reset: bool) -> None:
    """Close the connection; reset: with RST instead of FIN (a torn job)."""
    if reset:
        try:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
        except OSError:
            pass
    conn.close()


def shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
