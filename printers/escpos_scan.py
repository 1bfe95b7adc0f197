"""The ESC/POS command table, and the scan of a byte stream into tokens (text runs,
raster images, cuts, drawer pulses, other commands) that printers/escpos_decode.py and
printers/escpos_paper.py build on. Bytes in; PIL images for GS v 0 raster images.

Commands this product and python-escpos emit are consumed with their exact argument
lengths; an unknown command raises when strict, else is listed as a token.
"""
from __future__ import annotations

from typing import Iterator

from PIL import Image

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
CHINESE_ENCODINGS = ("gb18030", "big5")
# command -> number of fixed argument bytes
_FIXED = {
    (ESC, ord("@")): 0, (ESC, ord("2")): 0,
    **{(ESC, ord(c)): 1 for c in "a!EM-GtdJ3{VRr "},
    (GS, ord("!")): 1, (GS, ord("B")): 1, (GS, ord("b")): 1,
    (GS, ord("H")): 1, (GS, ord("h")): 1, (GS, ord("w")): 1, (GS, ord("f")): 1,
    (GS, ord("L")): 2, (GS, ord("W")): 2,
    (DLE, 0x04): 1,  # DLE EOT n (status query)
    (FS, ord("&")): 0, (FS, ord(".")): 0,  # Chinese (Kanji) mode on / off
    (FS, ord("!")): 1,  # FS ! n: Kanji print mode (bit 2 double width, bit 3 double height)
    (FS, ord("C")): 1,  # FS C n: Kanji code system
}
_INVERT = bytes(255 - b for b in range(256))


def raster(data: bytes, i: int) -> tuple[Image.Image, int, int]:
    """GS v 0 m xL xH yL yH d...: width in bytes, height in dots, 1 bit = printed dot.

    Returns (image, scale mode m: bit 0 double width, bit 1 double height, end offset).
    """
    if i + 8 > len(data):
        raise ValueError(f"truncated raster image at offset {i}")
    w_bytes = data[i + 4] | data[i + 5] << 8
    height = data[i + 6] | data[i + 7] << 8
    start, end = i + 8, i + 8 + w_bytes * height
    if end > len(data):
        raise ValueError(f"truncated raster image at offset {i}")
    img = Image.frombytes("1", (w_bytes * 8, height), data[start:end].translate(_INVERT))
    return img, data[i + 3] & 3, end


def command_size(data: bytes, i: int) -> int | None:
    """Length of the command at i (not GS v 0), None if unknown; may run past the data."""
    op = (data[i], data[i + 1])
    if op == (ESC, ord("p")):  # ESC p m t1 t2
        return 5
    if op == (GS, ord("V")):  # GS V m [n]: functions A/B (65, 66) take n
        return 3 + (i + 2 < len(data) and data[i + 2] in (65, 66))
    if op == (GS, ord("(")):  # GS ( k / GS ( L pL pH payload
        return 5 + (data[i + 3] | data[i + 4] << 8) if i + 4 < len(data) else 5
    if op in _FIXED:
        return 2 + _FIXED[op]
    return None


def scan(data: bytes, strict: bool) -> Iterator[tuple]:
    """Tokens in order, with raw bytes and full commands (decode() and the renderers build on this):

    ("text", bytes) / ("chinese", bytes): runs of printable bytes outside / inside FS & ... FS .
    ("image", Image, m), ("cut",), ("drawer", pin), ("cmd", whole command bytes),
    and when not strict ("unknown", 2 bytes) and ("truncated", rest of the data) (last).
    """
    run, kind, chinese = bytearray(), "text", False
    i, n = 0, len(data)

    def truncated(what: str):
        if strict:
            raise ValueError(f"truncated {what} at offset {i}")
        return ("truncated", data[i:])

    while i < n:
        b = data[i]
        if b not in (ESC, GS, FS, DLE):
            if b == 0x0A or b >= 0x20:
                if run and kind != ("chinese" if chinese else "text"):
                    yield (kind, bytes(run))
                    run.clear()
                kind = "chinese" if chinese else "text"
                run.append(b)
            i += 1  # other C0 controls (CR, HT, ...) print nothing
            continue
        if run:
            yield (kind, bytes(run))
            run.clear()
        if i + 1 >= n:
            yield truncated("command")
            return
        op = (b, data[i + 1])
        if op == (GS, ord("v")):  # GS v 0
            try:
                img, mode, i = raster(data, i)
            except ValueError:
                if strict:
                    raise
                yield ("truncated", data[i:])
                return
            yield ("image", img, mode)
            continue
        size = command_size(data, i)
        if size is None:
            if strict:
                raise ValueError(f"unknown command {data[i:i + 2]!r} at offset {i}")
            yield ("unknown", data[i : i + 2])
            i += 2
            continue
        if i + size > n:
            yield truncated("drawer pulse" if op == (ESC, ord("p")) else "command")
            return
        cmd = data[i : i + size]
        if op == (ESC, ord("p")):  # drawer pulse on pin 2 (m=0) or 5 (m=1)
            yield ("drawer", 2 if cmd[2] in (0, 48) else 5)
        elif op == (GS, ord("V")):
            yield ("cut",)
        else:
            if op == (FS, ord("&")):
                chinese = True
            elif op in ((FS, ord(".")), (ESC, ord("@"))):
                chinese = False
            yield ("cmd", cmd)
        i += size
    if run:
        yield (kind, bytes(run))


def check_chinese(chinese: str) -> None:
    if chinese not in CHINESE_ENCODINGS:
        raise ValueError(f"unknown Chinese font code {chinese!r} (known: {', '.join(CHINESE_ENCODINGS)})")


def run_text(kind: str, raw: bytes, chinese: str) -> str:
    # Bytes the printer's code can't read print as a substitute glyph, not an error.
    return raw.decode("cp437") if kind == "text" else raw.decode(chinese, errors="replace")
