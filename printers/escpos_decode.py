"""Read ESC/POS bytes back: for tests, and for people who want to see a ticket.

No registry package parses ESC/POS (see STACK-NOTES, python-escpos), so this is a
small decoder for what this product and python-escpos emit. It is pure (bytes in;
Pillow images and strings out) so tests, benchmarks and the virtual printer share it.

decode() splits a byte stream into printable text, FS & ... FS . Chinese-mode text
(decoded with the printer's Chinese font code: "gb18030" or "big5", a printer's
font ROM holds one or the other), GS v 0 raster images (as PIL images, printed dots
black), cuts and cash-drawer pulses (ESC p m t1 t2). Other commands are consumed
with their exact argument lengths. By default an unknown command raises, so a test
notices output it doesn't understand; strict=False lists it instead, as a printer
would carry on.

to_text() and to_png() are for people (printers/virtual.py writes them next to each
job it prints): a plain transcript, and a picture of the paper roll drawn on the
printer's 12x24-dot font-A grid with GS ! scaling, ESC a alignment, bold and GS B reverse.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from PIL import Image, ImageDraw, ImageFont

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

DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
PAPER_DOTS = 576  # 80 mm paper; a job's widest raster image wins (384 on 58 mm paper)
CELL_W, CELL_H = 12, 24  # font A: 12x24 dots; a Chinese character takes two cells
LINE_DOTS = 30  # default line spacing (ESC 2)
BASELINE = 20  # dots from the top of a 24-dot cell


def _raster(data: bytes, i: int) -> tuple[Image.Image, int, int]:
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


def _command_size(data: bytes, i: int) -> int | None:
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


def _scan(data: bytes, strict: bool) -> Iterator[tuple]:
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
                img, mode, i = _raster(data, i)
            except ValueError:
                if strict:
                    raise
                yield ("truncated", data[i:])
                return
            yield ("image", img, mode)
            continue
        size = _command_size(data, i)
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


def _check_chinese(chinese: str) -> None:
    if chinese not in CHINESE_ENCODINGS:
        raise ValueError(f"unknown Chinese font code {chinese!r} (known: {', '.join(CHINESE_ENCODINGS)})")


def _text(kind: str, raw: bytes, chinese: str) -> str:
    # Bytes the printer's code can't read print as a substitute glyph, not an error.
    return raw.decode("cp437") if kind == "text" else raw.decode(chinese, errors="replace")


def decode(data: bytes, commands: bool = False, chinese: str = "gb18030", strict: bool = True) -> list[tuple]:
    """[("text", str) | ("chinese", str) | ("image", Image) | ("cut",) | ("drawer", pin) | ("cmd", bytes)].

    ("chinese", str) is text sent in Chinese mode (FS & ... FS .), decoded with the
    printer's font code `chinese` ("gb18030" or "big5"). With commands=True the other
    (skipped) commands are listed as ("cmd", first two bytes), FS & and FS . included.
    strict=False lists ("unknown", 2 bytes) and a final ("truncated", bytes) instead of raising.
    """
    _check_chinese(chinese)
    out: list[tuple] = []
    run, run_kind = bytearray(), "text"

    def flush() -> None:
        if run:
            out.append((run_kind, _text(run_kind, bytes(run), chinese)))
            run.clear()

    for token in _scan(data, strict):
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


@lru_cache(maxsize=8)
def _font(font_path: str, font_index: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(font_path, CELL_H, index=font_index)
    except OSError:
        return ImageFont.load_default(size=CELL_H)  # Latin still reads; CJK shows as boxes


@lru_cache(maxsize=4096)
def _glyph(ch: str, cells: int, wide: int, high: int, bold: bool, invert: bool,
           font_path: str, font_index: int) -> Image.Image:
    """One character as the printer draws it: its cell(s) of the 12x24 grid, scaled by
    pixel doubling (GS !), white on black for GS B. Glyphs too wide for the cell are squeezed in."""
    cell = Image.new("L", (CELL_W * cells, CELL_H), 255)
    if not ch.isspace():
        font = _font(font_path, font_index)
        left, _, right, _ = font.getbbox(ch, anchor="ls")
        ink = Image.new("L", (max(1, right - left) + 2 + bold, CELL_H), 255)
        draw = ImageDraw.Draw(ink)
        for dx in range(1 + bold):  # bold: overstrike shifted right by a dot, like the printer
            draw.text((1 - left + dx, BASELINE), ch, font=font, fill=0, anchor="ls")
        room = cell.width - 1
        if ink.width > room:
            ink = ink.resize((room, CELL_H), Image.LANCZOS)
        cell.paste(ink, ((cell.width - ink.width) // 2, 0))
    if invert:
        cell = cell.point(lambda v: 255 - v)
    if wide > 1 or high > 1:
        cell = cell.resize((cell.width * wide, CELL_H * high), Image.NEAREST)
    return cell


class _Roll:
    """The paper as the printer feeds it: a line buffer that prints on LF (or when full),
    then everything pasted at its height on the roll."""

    def __init__(self, width: int, font_path: str, font_index: int):
        self.width, self.font = width, (str(font_path), font_index)
        self.y = CELL_H // 2  # a little paper above the first line
        self.pastes: list[tuple[int, int, Image.Image]] = []
        self.cuts: list[int] = []
        self.line: list[Image.Image] = []
        self.reset()

    def reset(self) -> None:  # ESC @: modes back to power-on, print buffer cleared
        self.align, self.wide, self.high, self.bold, self.invert = 0, 1, 1, False, False
        self.kanji_wide = self.kanji_high = 1
        self.spacing = LINE_DOTS
        self.line = []

    def char(self, ch: str, kanji: bool) -> None:
        if ch == "\n":
            return self.feed(self.spacing)
        if unicodedata.combining(ch):
            return
        cells = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        wide, high = self.wide, self.high
        if kanji and cells == 2:  # FS ! doubles Chinese characters when GS ! doesn't scale them
            wide, high = (wide if wide > 1 else self.kanji_wide), (high if high > 1 else self.kanji_high)
        glyph = _glyph(ch, cells, wide, high, self.bold, self.invert, *self.font)
        if self.line and sum(g.width for g in self.line) + glyph.width > self.width:
            self.feed(self.spacing)  # the printer wraps a full line by itself
        self.line.append(glyph)

    def feed(self, dots: int) -> None:
        """Print the line buffer at the current height, then advance the paper."""
        if self.line:
            used, tall = sum(g.width for g in self.line), max(g.height for g in self.line)
            x = {0: 0, 1: (self.width - used) // 2, 2: self.width - used}[self.align]
            for g in self.line:  # characters of different heights share the bottom line
                self.pastes.append((x, self.y + tall - g.height, g))
                x += g.width
            self.line = []
            dots = max(dots, tall) if dots else 0
        self.y += dots

    def flush(self) -> None:
        if self.line:
            self.feed(self.spacing)

    def image(self, img: Image.Image, mode: int) -> None:
        self.flush()
        if mode:
            img = img.resize((img.width * (1 + (mode & 1)), img.height * (1 + (mode >> 1 & 1))), Image.NEAREST)
        x = {0: 0, 1: (self.width - img.width) // 2, 2: self.width - img.width}[self.align]
        self.pastes.append((max(0, x), self.y, img.convert("L")))
        self.y += img.height

    def cut(self) -> None:
        self.flush()
        self.y += CELL_H  # the feed to the cutter
        self.cuts.append(self.y)
        self.y += CELL_H

    def command(self, cmd: bytes) -> None:
        op, arg = bytes(cmd[:2]), cmd[2] if len(cmd) > 2 else 0
        if op == b"\x1b@":
            self.reset()
        elif op == b"\x1ba":
            self.align = arg % 48 if arg % 48 <= 2 else 0
        elif op == b"\x1d!":
            self.wide, self.high = (arg >> 4 & 7) + 1, (arg & 7) + 1
        elif op == b"\x1b!":  # print mode: bit 3 bold, bit 4 double height, bit 5 double width
            self.bold, self.high, self.wide = bool(arg & 0x08), 1 + bool(arg & 0x10), 1 + bool(arg & 0x20)
        elif op == b"\x1bE":
            self.bold = bool(arg & 1)
        elif op == b"\x1dB":
            self.invert = bool(arg & 1)
        elif op == b"\x1c!":
            self.kanji_wide, self.kanji_high = 1 + bool(arg & 0x04), 1 + bool(arg & 0x08)
        elif op == b"\x1bd":  # print and feed n lines
            self.feed(arg * self.spacing)
        elif op == b"\x1bJ":  # print and feed n dots
            self.feed(arg)
        elif op == b"\x1b3":
            self.spacing = arg
        elif op == b"\x1b2":
            self.spacing = LINE_DOTS

    def paper(self) -> Image.Image:
        self.flush()
        img = Image.new("L", (self.width, self.y + CELL_H // 2), 255)
        for x, y, piece in self.pastes:
            img.paste(piece, (x, y))
        draw = ImageDraw.Draw(img)
        for y in self.cuts:
            for x in range(0, self.width, 16):
                draw.line([(x, y), (min(x + 9, self.width - 1), y)], fill=0, width=2)
        return img


def to_png(data: bytes, path: str | Path | None = None, chinese: str = "gb18030", *,
           font_path: str | Path = DEFAULT_FONT, font_index: int = 3) -> Image.Image:
    """The paper roll as the printer would print the job (grayscale; saved as PNG if `path`).

    Paper width: the widest raster image, else 576 dots (80 mm). Native text sits on
    the 12x24-dot font-A grid (a Chinese character takes two cells), drawn with the
    given font (default Noto Sans CJK, index 3 = Traditional Chinese) and scaled by
    GS ! / ESC ! like the printer's own font; ESC a alignment, ESC E bold and GS B
    white-on-black are honoured, cuts are dashed lines. Odd bytes never raise: they are skipped.
    """
    _check_chinese(chinese)
    tokens = list(_scan(data, strict=False))
    widths = [t[1].width * (1 + (t[2] & 1)) for t in tokens if t[0] == "image"]
    roll = _Roll(max(widths) if widths else PAPER_DOTS, font_path, font_index)
    for token in tokens:
        kind = token[0]
        if kind in ("text", "chinese"):
            for ch in _text(kind, token[1], chinese):
                roll.char(ch, kanji=kind == "chinese")
        elif kind == "image":
            roll.image(token[1], token[2])
        elif kind == "cut":
            roll.cut()
        elif kind == "cmd":
            roll.command(token[1])
    img = roll.paper()
    if path is not None:
        img.save(path, format="PNG", )
    return img
