"""A stand-in network printer for development and tests, with the faults real ones have.

Listens on TCP like a printer's raw port 9100, answers real-time status queries
(DLE EOT n) from `status`, and keeps each connection's bytes (minus those
queries) as one job, in memory and optionally as job-0001.bin plus a transcript
(job-0001.txt, from printers/escpos_decode.py) and a picture of the paper
(job-0001.png, from printers/escpos_paper.py).

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

This module is the entry point; the parts: the TCP server and its fault switches
(printers/virtual_server.py), one connection's reading and hanging up
(printers/virtual_connection.py), the status replies (printers/virtual_status.py), the
records and files of jobs (printers/virtual_jobs.py) and the CLI (printers/virtual_cli.py).
"""
from __future__ import annotations

import sys

from .virtual_cli import command, main
from .virtual_jobs import Record
from .virtual_server import VirtualPrinter

__all__ = ["Record", "VirtualPrinter", "command", "main"]

if __name__ == "__main__":
    sys.exit(main())
