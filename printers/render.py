"""Turn a layout document into ESC/POS bytes (built offline with escpos' Dummy printer).

Printable ASCII always goes out as native text (small, fast, crisp). Other text
depends on the printer's text mode (config `[[printers]] text_mode`):

- "raster" (default): the block is drawn with Pillow and a CJK font and sent as a
  GS v 0 raster image. Works on any printer and prints the exact glyphs.
- "gb18030" / "big5": for printers with a Chinese font in ROM. Runs of wide CJK
  characters are sent as Chinese-mode spans, FS & <encoded bytes> FS . (about
  1/50th of the bytes of raster and no drawing). A block with a character the
  printer's code cannot hold (simplified 鸡 on a Big5 printer, accented Latin, an
  emoji) falls back to raster, so nothing is ever printed as "?".

python-escpos' text() is not used for CJK: it sends raw GB18030 without switching
the printer to Chinese mode, and charcode() has no Chinese code pages.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from . import layout


def _escpos_cache_dir() -> Path:
    """<POS_VAR_DIR or repo/var>/escpos-cache, where escpos keeps its capabilities pickle."""
    path = Path(os.environ.get("POS_VAR_DIR") or Path(__file__).resolve().parents[1] / "var") / "escpos-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _import_escpos():
    """Import escpos without its import-time side effects.

    escpos 3.1's capabilities module evaluates mkdtemp() as the *default* of
    os.environ.get(), so it leaks an empty /tmp folder per process even when
    ESCPOS_CAPABILITIES_PICKLE_DIR is set; it also calls logging.basicConfig(),
    which would make the application's own basicConfig() a silent no-op.
    """
    cache = str(_escpos_cache_dir())
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", cache)
    root, handlers = logging.getLogger(), list(logging.getLogger().handlers)
    real_mkdtemp, tempfile.mkdtemp = tempfile.mkdtemp, lambda *a, **k: cache
    try:
        import escpos.printer  # noqa: F401
    finally:
        tempfile.mkdtemp = real_mkdtemp
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
    return escpos.printer.Dummy


Dummy = _import_escpos()

BASE_PX = 24  # font A is 12x24 dots: a 24 px CJK glyph is exactly two columns
# Real-time commands printers execute wherever they appear, even inside image data:
# DLE EOT n (status), DLE ENQ n (recover), DLE DC4 n (e.g. fn 1: pulse the cash drawer).
_REALTIME = re.compile(rb"\x10[\x04\x05\x14]")
_INVERT = bytes(255 - b for b in range(256))


def check_profile(name: str) -> None:
    """Raise ValueError naming the profile when python-escpos has no such capability profile."""
    from escpos.capabilities import get_profile
    try:
        get_profile(name)
    except KeyError:
        raise ValueError(f"python-escpos has no capability profile {name!r} (e.g. 'TM-T20II', 'TM-T88V')") from None


class FontNotFound(Exception):
    """The CJK font needed for raster text could not be loaded."""


@lru_cache(maxsize=32)
def _font(font_path: str, font_index: int, px: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(font_path), px, index=font_index)
    except OSError as exc:
        raise FontNotFound(
            f"cannot load font {font_path!r} (collection index {font_index}): {exc}; "
            "install fonts-noto-cjk or configure another CJK font path"
        ) from exc


def check_font(font_path: str, font_index: int = 3) -> None:
    """Raise FontNotFound naming the path if the font can't be loaded (call at startup)."""
    _font(str(font_path), font_index, BASE_PX)


TEXT_MODES = ("raster", "gb18030", "big5")
FS_CHINESE_ON, FS_CHINESE_OFF = b"\x1c&", b"\x1c."


def _is_native(s: str) -> bool:
    return all(ch == "\n" or " " <= ch <= "~" for ch in s)


def _chinese_spans(s: str, encoding: str) -> list[bytes] | None:
    """The block as alternating ASCII and FS &...FS . Chinese spans, or None when some
    character is neither printable ASCII nor a wide character the printer's code holds.

    Only wide (two-column) characters go in Chinese mode: the layout counted them as
    two columns, which is exactly one 24-dot Chinese glyph, so columns line up."""
    out: list[bytes] = []
    for run in re.findall(r"[\n -~]+|[^\n -~]+", s):
        if _is_native(run):
            out.append(run.encode("ascii"))
            continue
        if layout.display_width(run) != 2 * len(run):
            return None
        try:
            encoded = [ch.encode(encoding) for ch in run]
        except UnicodeEncodeError:
            return None
        # GB18030 encodes every character, but a printer's font has only the two-byte
        # ones (GBK: no emoji, Hangul or rare ideographs): anything longer is drawn.
        if any(len(b) != 2 for b in encoded):
            return None
        out.append(FS_CHINESE_ON + b"".join(encoded) + FS_CHINESE_OFF)
    return out


def _no_realtime_sequences(img: Image.Image) -> Image.Image:
    """Drop the one or two dots that make raster data contain a real-time command
    (DLE EOT / ENQ / DC4: 10 04, 10 05, 10 14).

    Printers execute those byte sequences wherever they appear, even inside image
    data: a stray status answer would be mistaken for the status device.send() reads
    after the job, and DLE DC4 1 would open the cash drawer. Clearing the byte after
    the DLE (one or two dots) is invisible on paper and guarantees the job bytes never
    contain such a command.
    """
    raw = img.tobytes().translate(_INVERT)  # PIL "1": 1 = white; printer: 1 = black
    if not _REALTIME.search(raw):
        return img
    fixed = _REALTIME.sub(b"\x10\x00", raw)
    return Image.frombytes("1", img.size, fixed.translate(_INVERT))


def _grid_segments(line: str, columns: int, col_px: int, dots: int, font, extra: int) -> list[tuple[int, str]] | None:
    """Place a left-aligned line's segments on the printer's column grid.

    Layout pads with spaces by display width (indents, right-aligned amounts);
    a proportional font would shrink those spaces, so each run separated by 2+
    spaces starts at its column, and a run ending on the last column is drawn
    flush right (`extra`: dots bold adds). Returns None when the glyphs don't fit that grid.
    """
    runs = [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]
    if runs and " " in runs[-1][1] and layout.display_width(line.rstrip()) == columns:
        # An amount one space after a long name (two_columns' tightest fit) is still the
        # right column: split it off so it is drawn flush right like the others.
        at, text = runs.pop()
        cut = text.rindex(" ")
        runs += [(at, text[:cut]), (at + cut + 1, text[cut + 1:])]
    placed, end = [], 0
    for at, text in runs:
        start = layout.display_width(line[:at])
        width = font.getlength(text)
        flush = start > 0 and start + layout.display_width(text) == columns
        x = dots - width - extra if flush else start * col_px
        if x < end:
            return None
        placed.append((round(x), text))
        end = x + width + col_px // 2
    return placed if end - col_px // 2 <= dots else None


def render_text_image(text: str, *, size: str = "normal", align: str = "left", paper_mm: int = 80,
                      font_path: str, font_index: int = 3, bold: bool = False,
                      invert: bool = False) -> Image.Image:
    """The exact 1-bit, full paper width image that render() prints for a text block
    (invert: white on a black band, as GS B prints native text)."""
    scale = layout.SIZE_SCALE[size]
    px, dots = BASE_PX * scale, layout.PAPER_DOTS[paper_mm]
    columns, col_px = layout.columns_for(paper_mm, size), layout.FONT_A_DOTS * scale
    font = _font(str(font_path), font_index, px)
    extra = scale if bold else 0  # bold like the printer's: overstrike shifted right, 1 dot per scale
    rows: list[list[tuple[int, str]]] = []
    for line in text.split("\n"):
        grid = _grid_segments(line, columns, col_px, dots, font, extra) if align == "left" else None
        if grid is not None:
            rows.append(grid)
            continue
        for part in layout.wrap(line, dots, measure=font.getlength):
            free = dots - font.getlength(part) - extra
            rows.append([(round({"left": 0, "center": free / 2, "right": free}[align]), part)])
    pitch = round(px * 1.3)
    img = Image.new("1", (dots, pitch * len(rows)), 1)
    draw = ImageDraw.Draw(img)
    for i, row in enumerate(rows):
        for x, s in row:
            for dx in range(extra + 1):
                draw.text((x + dx, i * pitch + px), s, font=font, fill=0, anchor="ls")
    if invert:  # (Image.point and ImageChops.invert leave a mode "1" image white)
        img = Image.frombytes("1", img.size, img.tobytes().translate(_INVERT))
    return _no_realtime_sequences(img)


def _qr_image(data: str, module: int, dots: int) -> Image.Image:
    """QR drawn with qrcode's matrix, centred on a full-width image (EC level M survives fading)."""
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    matrix = qr.get_matrix()
    n = len(matrix)
    small = Image.new("1", (n, n), 1)
    small.putdata([0 if cell else 1 for row in matrix for cell in row])
    module = max(1, min(module, dots // n))
    code = small.resize((n * module, n * module), Image.NEAREST)
    img = Image.new("1", (dots, code.height), 1)
    img.paste(code, ((dots - code.width) // 2, 0))
    return _no_realtime_sequences(img)


def render(doc: list[dict], *, profile: str = "TM-T20II", paper_mm: int = 80,
           font_path: str, font_index: int = 3, text_mode: str = "raster") -> bytes:
    """ESC/POS bytes for a layout document, ready to send in one write."""
    if text_mode not in TEXT_MODES:
        raise ValueError(f"unknown text mode {text_mode!r} (known: {', '.join(TEXT_MODES)})")
    # The code page is fixed because only printable ASCII is sent as text: this
    # stops MagicEncode from emitting ESC t (ASCII is the same in every code page).
    p = Dummy(profile=profile, magic_encode_args={"encoding": "CP437", "disabled": True})
    p.hw("INIT")
    dots, columns = layout.PAPER_DOTS[paper_mm], layout.columns_for(paper_mm, "normal")
    inverted = False

    def _invert(block: dict) -> bool | None:
        """GS B 1 for an inverted native block, GS B 0 only to end one (None: unchanged)."""
        nonlocal inverted
        want = bool(block.get("invert"))
        if want == inverted:
            return None
        inverted = want
        return want

    for block in doc:
        kind = block["type"]
        spans = None
        if kind == "text" and not _is_native(block["text"]) and text_mode != "raster":
            spans = _chinese_spans(block["text"], text_mode)
        drawn = text_mode == "raster" and block.get("amounts")  # one font for a column of amounts
        if kind == "text" and not drawn and (spans is not None or _is_native(block["text"])):
            # GS ! (size), ESC E (bold) and GS B (white on black) apply to Chinese characters too.
            scale = layout.SIZE_SCALE[block["size"]]
            p.set(align=block["align"], bold=block["bold"], custom_size=True, width=scale, height=scale,
                  invert=_invert(block))
            if spans is None:
                p.text(block["text"] + "\n")
            else:
                p._raw(b"".join(spans) + b"\n")
        elif kind == "text":
            img = render_text_image(block["text"], size=block["size"], align=block["align"], paper_mm=paper_mm,
                                    font_path=font_path, font_index=font_index, bold=block["bold"],
                                    invert=bool(block.get("invert")))
            p.set(align="left", invert=_invert({}))
            p.image(img, impl="bitImageRaster")
        elif kind == "rule":
            p.set(align="left", bold=False, custom_size=True, width=1, height=1, invert=_invert({}))
            p.text("-" * columns + "\n")
        elif kind == "feed":
            p.print_and_feed(block["lines"])
        elif kind == "qr":
            p.set(align="left")
            p.image(_qr_image(block["data"], block["size"], dots), impl="bitImageRaster")
        elif kind == "drawer":
            p.cashdraw(2)  # ESC p 0: the pulse on pin 2 that opens the drawer
        elif kind == "cut":
            # GS V B 0: the printer feeds to its cutter by itself; the default
            # cut() adds ESC d 6 on top, wasting ~3 cm per ticket.
            p.cut(feed=False)
        else:
            raise ValueError(f"unknown block type {kind!r}")
    return p.output
