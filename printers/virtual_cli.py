"""The virtual printer's command line: python -m printers.virtual (printers/virtual.py)
--port 9100 --out var/virtual-printer [--chinese big5], then fault commands typed one per
line (`help` lists them)."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from .escpos_scan import CHINESE_ENCODINGS
from .virtual_server import VirtualPrinter

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
