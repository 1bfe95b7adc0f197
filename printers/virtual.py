"""A stand-in network printer for development and tests.

Listens on TCP like a printer's raw port 9100, answers real-time status queries
(DLE EOT n) the way an online printer with paper does, and keeps each
connection's bytes (minus those queries) as one job, in memory and optionally as
job-0001.bin, ... files. It does not interpret the ESC/POS itself: decode jobs
with tests/support/escpos_decode.py.

CLI:  python -m printers.virtual --port 9100 --out var/virtual-printer
"""
from __future__ import annotations

import argparse
import socket
import sys
import threading
from pathlib import Path

DLE_EOT = b"\x10\x04"
ONLINE_PAPER_OK = 0x12  # only the fixed bits set: online, no error, paper present


class VirtualPrinter:
    """Threaded TCP printer. `status` maps n (1..4) to the byte answered to DLE EOT n;
    change it to simulate offline (status[1] = 0x1A) or paper trouble (status[4] = 0x1E / 0x72)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, out_dir: str | Path | None = None):
        self.host, self.port = host, port
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.jobs: list[bytes] = []
        self.files: list[Path] = []
        self.status = {n: ONLINE_PAPER_OK for n in range(1, 5)}
        self._cond = threading.Condition()
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None

    def start(self) -> "VirtualPrinter":
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self._listener = socket.create_server((self.host, self.port))
        self.port = self._listener.getsockname()[1]
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        _shutdown(listener)  # wakes the blocked accept()
        listener.close()
        with self._cond:
            conns = list(self._conns)
        for conn in conns:
            _shutdown(conn)  # wakes blocked recv(); the job received so far is still stored
        for thread in self._threads:
            thread.join(timeout=2)

    def __enter__(self) -> "VirtualPrinter":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_for_jobs(self, n: int, timeout: float) -> list[bytes]:
        """Block until at least n jobs arrived; return a copy of all jobs, else raise TimeoutError."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.jobs) >= n, timeout=timeout):
                raise TimeoutError(f"{len(self.jobs)} of {n} print jobs after {timeout} s")
            return list(self.jobs)

    def _spawn(self, target, *args) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=target, args=args, daemon=True, name=f"virtual-printer-{self.port}")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        listener = self._listener
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # listener shut down by stop()
            with self._cond:
                self._conns.add(conn)
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        job, pending = bytearray(), b""
        try:
            while chunk := conn.recv(65536):
                pending += chunk
                while (i := pending.find(DLE_EOT)) >= 0 and i + 2 < len(pending):
                    n = pending[i + 2]
                    if 1 <= n <= 4:
                        job += pending[:i]
                        conn.sendall(bytes([self.status[n]]))
                    else:
                        job += pending[: i + 3]
                    pending = pending[i + 3 :]
                keep = 0 if (i := pending.find(DLE_EOT[:1], max(0, len(pending) - 2))) < 0 else len(pending) - i
                job += pending[: len(pending) - keep]  # hold back a query split across reads
                pending = pending[len(pending) - keep :]
        except OSError:
            pass  # reset by the client or shut down by stop(): keep what arrived
        finally:
            conn.close()
            job += pending
            with self._cond:
                self._conns.discard(conn)
                if job:  # a bare status probe is not a print job
                    self._store(bytes(job))

    def _store(self, job: bytes) -> None:
        """Append a job (caller holds the condition) and wake waiters."""
        self.jobs.append(job)
        if self.out_dir is not None:
            path = self.out_dir / f"job-{len(self.jobs):04d}.bin"
            path.write_bytes(job)
            self.files.append(path)
        self._cond.notify_all()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="virtual-printer", description="Stand-in ESC/POS network printer.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9100, help="TCP port (default 9100)")
    parser.add_argument("--out", help="folder to write job-0001.bin, ... into")
    args = parser.parse_args(argv)
    printer = VirtualPrinter(args.host, args.port, args.out).start()
    print(f"virtual printer listening on {args.host}:{printer.port} (Ctrl-C to stop)", flush=True)
    seen = 0
    try:
        while True:
            try:
                jobs = printer.wait_for_jobs(seen + 1, timeout=3600)
            except TimeoutError:
                continue
            for i in range(seen, len(jobs)):
                path = printer.files[i] if printer.out_dir is not None else "-"
                print(f"job {i + 1}: {len(jobs[i])} bytes {path}", flush=True)
            seen = len(jobs)
    except KeyboardInterrupt:
        pass
    finally:
        printer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
