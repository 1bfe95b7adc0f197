"""What the virtual printer did with each connection's bytes (Record), and the files a
printed job leaves: job-0001.bin, and for people a transcript (job-0001.txt, from
printers/escpos_decode.py) and a picture of the paper (job-0001.png, printers/escpos_paper.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .escpos_decode import to_text
from .escpos_paper import to_png


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


def save_job(out_dir: Path, number: int, data: bytes, chinese: str) -> Path:
    """Write printed job `number` as job-NNNN.bin in out_dir, with its .txt and .png; its path."""
    path = out_dir / f"job-{number:04d}.bin"
    path.write_bytes(data)
    _write_views(data, path, chinese)
    return path


def _write_views(data: bytes, path: Path, chinese: str) -> None:
    """job-0001.txt and job-0001.png next to job-0001.bin, for people to look at."""
    try:
        path.with_suffix(".txt").write_text(to_text(data, chinese=chinese), encoding="utf-8")
        to_png(data, path.with_suffix(".png"), chinese=chinese)
    except Exception as exc:  # a picture is a convenience: never lose the job over it
        path.with_suffix(".txt").write_text(f"[cannot render this job: {exc!r}]\n", encoding="utf-8")
