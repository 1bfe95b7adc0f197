"""Read ESC/POS bytes back: for tests, and for people who want to see a ticket.

No registry package parses ESC/POS (see STACK-NOTES, python-escpos), so this is a
small decoder for what this product and python-escpos emit. It is pure (bytes in;
Pillow images and strings out) so tests, benchmarks and the virtual printer share it.

decode() splits a byte stream into printable text, FS & ... FS . Chinese-mode text
(decoded with the printer's Chinese font code: "gb18030" or "big5", a printer's
font ROM holds one or the other), GS v 0 raster images (as PIL images, printed dots
black), cuts and cash-drawer pulses (ESC p m t1 t2). Other commands are consumed
with their exact argument lengths (the command table and the scan are in
printers/escpos_scan.py). By default an unknown command raises, so a test notices
output it doesn't understand; strict=False lists it instead, as a printer would carry on.

to_text() and printers/escpos_paper.py's to_png() are for people (printers/virtual.py
writes them next to each job it prints): a plain transcript, and a picture of the paper
roll drawn on the printer's 12x24-dot font-A grid with GS ! scaling, ESC a alignment,
bold and GS B reverse.
"""
from __future__ import annotations

from PIL import Image

from .escpos_scan import check_chinese, run_text, scan


def decode(data: bytes, commands: bool = False, chinese: str = "gb18030", strict: bool = True) -> list[tuple]:
    """[("text", str) | ("chinese", str) | ("image", Image) | ("cut",) | ("drawer", pin) | ("cmd", bytes)].

    ("chinese", str) is text sent in Chinese mode (FS & ... FS .), decoded with the
    printer's font code `chinese` ("gb18030" or "big5"). With commands=True the other
    (skipped) commands are listed as ("cmd", first two bytes), FS & and FS . included.
    strict=False lists ("unknown", 2 bytes) and a final ("truncated", bytes) instead of raising.
    """
    check_chinese(chinese)
    out: list[tuple] = []
    run, run_kind = bytearray(), "text"

    def flush() -> None:
        if run:
            out.append((run_kind, run_text(run_kind, bytes(run), chinese)))
            run.clear()

    for token in scan(data, strict):
        kind = token[0]
        if kind in ("text", "chinese"):
            if kind != run_kind:
                flush()
                run_kind = kind
            run += token[1]  # text runs merge across skipped commands
            continue
        if kind == "cmd" and not commands:
            continue
        flush()
        out.append(("cmd", token[1][:2]) if kind == "cmd" else token[:2])
    flush()
    return out


def text_of(data: bytes, chinese: str = "gb18030") -> str:
    """All native text (and Chinese-mode spans) joined, newlines kept."""
    return "".join(item[1] for item in decode(data, chinese=chinese) if item[0] in ("text", "chinese"))


def images_of(data: bytes) -> list[Image.Image]:
    return [item[1] for item in decode(data) if item[0] == "image"]


def _rows(img: Image.Image) -> list[bytes]:
    raw, stride = img.convert("1").tobytes(), (img.width + 7) // 8
    return [raw[y * stride : (y + 1) * stride] for y in range(img.height)]


def find_image(haystack: Image.Image, needle: Image.Image) -> bool:
    """True if needle's inked rows appear, exactly and contiguously, at some height in haystack.

    Blank rows around the needle are ignored; both images are full paper width.
    """
    if haystack.width != needle.width:
        return False
    rows = _rows(needle)
    blank = b"\xff" * len(rows[0]) if rows else b""
    inked = [y for y, r in enumerate(rows) if r != blank]
    if not inked:
        return True
    rows = rows[inked[0] : inked[-1] + 1]
    hay = _rows(haystack)
    return any(hay[y : y + len(rows)] == rows for y in range(len(hay) - len(rows) + 1))


# --- for people ------------------------------------------------------------------------------


def to_text(data: bytes, chinese: str = "gb18030") -> str:
    """A readable transcript of a job: the text as it reads, and on lines of their own
    "[image 576x48]" per raster image, "---- cut ----", "[drawer pin 2]".

    Never raises on odd bytes (a torn job, an unknown command): they show as
    "[unknown command 1b 5a]" and "[truncated: N bytes]".
    """
    out: list[str] = []

    def own_line(s: str) -> None:
        if out and not out[-1].endswith("\n"):
            out.append("\n")
        out.append(s + "\n")

    for item in decode(data, chinese=chinese, strict=False):
        kind = item[0]
        if kind in ("text", "chinese"):
            out.append(item[1])
        elif kind == "image":
            own_line(f"[image {item[1].width}x{item[1].height}]")
        elif kind == "cut":
            own_line("---- cut ----")
        elif kind == "drawer":
            own_line(f"[drawer pin {item[1]}]")
        elif kind == "unknown":
            out.append(f"[unknown command {item[1].hex(' ')}]")
        elif kind == "truncated":
            own_line(f"[truncated: {len(item[1])} bytes]")
    return "".join(out)
