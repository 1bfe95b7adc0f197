"""Minimal ESC/POS decoder for tests (no package parses ESC/POS).

decode() splits a byte stream into printable text, GS v 0 raster images (as PIL
images, printed dots black), cuts, cash-drawer pulses (ESC p m t1 t2) and FS & ... FS .
GB18030 spans. Other commands
that python-escpos emits are consumed with their exact argument lengths; an
unknown command raises, so a test notices output it doesn't understand.
"""
from __future__ import annotations

from PIL import Image

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
# command -> number of fixed argument bytes
_FIXED = {
    (ESC, ord("@")): 0, (ESC, ord("2")): 0,
    **{(ESC, ord(c)): 1 for c in "a!EM-GtdJ3{V"},
    (GS, ord("!")): 1, (GS, ord("B")): 1, (GS, ord("b")): 1,
    (GS, ord("L")): 2, (GS, ord("W")): 2,
    (DLE, 0x04): 1,  # DLE EOT n (status query)
    (FS, ord(".")): 0,
}
_INVERT = bytes(255 - b for b in range(256))


def _raster(data: bytes, i: int) -> tuple[Image.Image, int]:
    """GS v 0 m xL xH yL yH d...: width in bytes, height in dots, 1 bit = printed dot."""
    w_bytes = data[i + 4] | data[i + 5] << 8
    height = data[i + 6] | data[i + 7] << 8
    start, end = i + 8, i + 8 + w_bytes * height
    if end > len(data):
        raise ValueError(f"truncated raster image at offset {i}")
    img = Image.frombytes("1", (w_bytes * 8, height), data[start:end].translate(_INVERT))
    return img, end


def decode(data: bytes, commands: bool = False) -> list[tuple]:
    """[("text", str) | ("image", Image) | ("cut",) | ("drawer", pin) | ("gb18030", str) | ("cmd", bytes)].

    With commands=True the other (skipped) commands are listed as ("cmd", bytes).
    """
    out: list[tuple] = []
    text: list[str] = []

    def emit(item: tuple) -> None:
        if text:
            out.append(("text", "".join(text)))
            text.clear()
        out.append(item)

    i = 0
    while i < len(data):
        b = data[i]
        if b in (ESC, GS, FS, DLE):
            if i + 1 >= len(data):
                raise ValueError(f"truncated command at offset {i}")
            op = (b, data[i + 1])
            if op == (ESC, ord("p")):  # ESC p m t1 t2: drawer pulse on pin 2 (m=0) or 5 (m=1)
                if i + 4 >= len(data):
                    raise ValueError(f"truncated drawer pulse at offset {i}")
                emit(("drawer", 2 if data[i + 2] in (0, 48) else 5))
                i += 5
            elif op == (GS, ord("v")):  # GS v 0
                img, i = _raster(data, i)
                emit(("image", img))
            elif op == (GS, ord("V")):  # GS V m [n]: functions A/B (65, 66) take n
                n = 3 + (data[i + 2] in (65, 66))
                emit(("cut",))
                i += n
            elif op == (GS, ord("(")):  # GS ( k / GS ( L pL pH payload
                n = 5 + (data[i + 3] | data[i + 4] << 8)
                if commands:
                    emit(("cmd", data[i : i + 3]))
                i += n
            elif op == (FS, ord("&")):  # Chinese mode until FS .
                end = data.find(bytes([FS, ord(".")]), i + 2)
                end = len(data) if end < 0 else end
                emit(("gb18030", data[i + 2 : end].decode("gb18030")))
                i = end + 2
            elif op in _FIXED:
                if commands:
                    emit(("cmd", data[i : i + 2]))
                i += 2 + _FIXED[op]
            else:
                raise ValueError(f"unknown command {data[i:i + 2]!r} at offset {i}")
        elif b == 0x0A or b >= 0x20:
            text.append(bytes([b]).decode("cp437"))
            i += 1
        else:
            i += 1  # other C0 controls (CR, HT, ...) print nothing
    if text:
        out.append(("text", "".join(text)))
    return out


def text_of(data: bytes) -> str:
    """All native text (and GB18030 spans) joined, newlines kept."""
    return "".join(item[1] for item in decode(data) if item[0] in ("text", "gb18030"))


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
