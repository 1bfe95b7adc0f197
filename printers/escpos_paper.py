"""A picture of the paper roll as the printer would print an ESC/POS job (for people:
printers/virtual.py writes one next to each job it prints), drawn on the printer's
12x24-dot font-A grid with GS ! scaling, ESC a alignment, bold and GS B reverse.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .escpos_scan import check_chinese, run_text, scan

DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
PAPER_DOTS = 576  # 80 mm paper; a job's widest raster image wins (384 on 58 mm paper)
CELL_W, CELL_H = 12, 24  # font A: 12x24 dots; a Chinese character takes two cells
LINE_DOTS = 30  # default line spacing (ESC 2)
BASELINE = 20  # dots from the top of a 24-dot cell


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
    check_chinese(chinese)
    tokens = list(scan(data, strict=False))
    widths = [t[1].width * (1 + (t[2] & 1)) for t in tokens if t[0] == "image"]
    roll = _Roll(max(widths) if widths else PAPER_DOTS, font_path, font_index)
    for token in tokens:
        kind = token[0]
        if kind in ("text", "chinese"):
            for ch in run_text(kind, token[1], chinese):
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
