"""The virtual printer's answers to real-time status queries (DLE EOT n), and when it
holds jobs: the status bytes of a healthy printer and the bits its faults add (Epson
meanings; printers/device.py reads them back)."""
from __future__ import annotations

import re

DLE_EOT = b"\x10\x04"
ONLINE_PAPER_OK = 0x12  # only the fixed bits set: online, no error, paper present
# Bits a fault adds to the answers (Epson meanings; see printers/device.py).
OFFLINE = 0x08  # DLE EOT 1 bit 3
COVER_OPEN, PAPER_STOP = 0x04, 0x20  # DLE EOT 2 bits 2 and 5 (offline cause)
PAPER_NEAR_END, PAPER_END = 0x0C, 0x60  # DLE EOT 4 bits 2+3 and 5+6
STATUS_QUERY = re.compile(rb"\x10\x04[\x01-\x04]")


def status_answer(status: int, n: int, offline: bool, paper: str) -> int:
    """The byte answered to DLE EOT n: `status` (what the printer answers when healthy)
    plus the bits of the faults in force (offline: cover open; paper: ok | low | out)."""
    answer = status
    if n == 1 and (offline or paper == "out"):
        answer |= OFFLINE
    elif n == 2:
        answer |= (COVER_OPEN if offline else 0) | (PAPER_STOP if paper == "out" else 0)
    elif n == 4:
        answer |= PAPER_END if paper == "out" else PAPER_NEAR_END if paper == "low" else 0
    return answer


def hold_reason(offline: bool, paper: str) -> str | None:
    """Why the printer holds jobs instead of printing them, None when it prints."""
    if paper == "out":
        return "held_paper_out"
    if offline:
        return "held_offline"
    return None
