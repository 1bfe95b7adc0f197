"""Measuring and wrapping text to a thermal printer's columns.

Pure on purpose (like printers/layout.py, which re-exports these names): widths are
display columns, a CJK wide/fullwidth character taking two, so lines and amounts line
up on the printer's own font grid. render.py reuses wrap() with pixel widths.
"""
from __future__ import annotations

import unicodedata
from typing import Callable

# Printable dots per paper width; font A is 12 dots wide, so 80 mm -> 48 columns.
PAPER_DOTS = {80: 576, 58: 384}
FONT_A_DOTS = 12
SIZE_SCALE = {"normal": 1, "large": 2, "xlarge": 3}


def display_width(s: str) -> int:
    """Columns a string takes on a thermal printer: CJK wide/fullwidth 2, combining 0."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        for ch in s
    )


def _tokens(s: str) -> list[tuple[bool, str]]:
    """Split into (space_before, token): Latin words stay whole, each wide char is its own token."""
    tokens: list[tuple[bool, str]] = []
    gap, word, word_gap = False, "", False
    for ch in s:
        if ch.isspace() or display_width(ch) == 2:
            if word:
                tokens.append((word_gap, word))
                word, gap = "", False
            if ch.isspace():
                gap = bool(tokens)
            else:
                tokens.append((gap, ch))
                gap = False
        else:
            if not word:
                word_gap, gap = gap, False
            word += ch
    if word:
        tokens.append((word_gap, word))
    return tokens


def wrap(s: str, columns: float, measure: Callable[[str], float] = display_width,
         first_columns: float | None = None) -> list[str]:
    """Greedy width-aware wrap: break at spaces, or anywhere next to a CJK character.

    `measure` lets render.py reuse the same algorithm with pixel widths. Explicit
    newlines are kept; words longer than a line are split by character.
    `first_columns` (default: columns) is the room on the very first line, e.g. after
    a prefix that is wider than the hanging indent of the lines below it; when the
    first word doesn't fit there but fits a full line, the first line is left empty.
    """
    lines: list[str] = []
    space = measure(" ")

    def room() -> float:
        return columns if lines or first_columns is None else first_columns

    for paragraph in s.split("\n"):
        cur, width = "", 0.0
        for gap, tok in _tokens(paragraph):
            sep = space if gap and cur else 0
            tok_w = measure(tok)
            if width + sep + tok_w <= room():
                cur, width = cur + (" " if sep else "") + tok, width + sep + tok_w
                continue
            if cur or (not lines and tok_w <= columns):
                lines.append(cur)
            while tok_w > room() and len(tok) > 1:
                cut = 1
                while cut < len(tok) and measure(tok[: cut + 1]) <= room():
                    cut += 1
                lines.append(tok[:cut])
                tok = tok[cut:]
                tok_w = measure(tok)
            cur, width = tok, tok_w
        lines.append(cur)
    return lines


def columns_for(paper_mm: int, size: str) -> int:
    """Text columns per line: 48 (80 mm) / 32 (58 mm) at normal size, halved/thirded when scaled."""
    if paper_mm not in PAPER_DOTS:
        raise ValueError(f"unsupported paper width {paper_mm} mm (known: {sorted(PAPER_DOTS)})")
    return PAPER_DOTS[paper_mm] // FONT_A_DOTS // SIZE_SCALE[size]


def wrapped(s: str, columns: int, first: str = "", indent: str | None = None) -> str:
    """Wrap s after a first-line prefix; continuation lines are indented below it
    (or by `indent`). A prefix too wide for the line gets a line of its own."""
    pad = " " * display_width(first) if indent is None else indent
    if display_width(first) >= columns or display_width(pad) >= columns:
        head = wrap(first.rstrip(), columns)
        return "\n".join(head + wrap(s, columns))
    lines = wrap(s, columns - display_width(pad), first_columns=columns - display_width(first))
    return "\n".join((first.rstrip() if i == 0 and not line else first if i == 0 else pad) + line
                     for i, line in enumerate(lines))


def rjust(s: str, width: int) -> str:
    return " " * max(0, width - display_width(s)) + s


def two_columns(left: str, right: str, columns: int, prefix: str = "") -> str:
    """prefix+left, and right-aligned text on the same line, padded by display width.

    When both don't fit, the left text wraps (hanging indent after prefix) and the
    right text gets its own right-aligned line, so amounts line up at the margin.
    """
    gap = columns - display_width(prefix + left) - display_width(right)
    if gap >= 1 and "\n" not in left:
        return prefix + left + " " * gap + right
    rights = "\n".join(rjust(line, columns) for line in wrap(right, columns))
    return wrapped(left, columns, prefix) + "\n" + rights


def table_rows(rows: list[tuple[str, object, str]], columns: int,
               header: tuple[str, str, str] | None = None) -> list[str]:
    """Lines of a name | qty | amount table: qty and amount right-aligned in their own
    columns, the name wrapped in what is left (numbers on its first line). Too narrow for
    a name column: each name gets full lines and its numbers a right-aligned line."""
    all_rows = ([header] if header else []) + [(str(n), str(q), str(a)) for n, q, a in rows]
    qty_w = max((display_width(q) for _, q, _ in all_rows), default=0)
    amt_w = max((display_width(a) for _, _, a in all_rows), default=0)
    name_w = columns - qty_w - amt_w - 3  # a space after the name, two before the amount
    out = []
    for name, qty, amount in all_rows:
        numbers = rjust(qty, qty_w) + "  " + rjust(amount, amt_w)
        if name_w < 8:
            out.append(two_columns(name, numbers.strip(), columns))
            continue
        lines = wrap(name, name_w - 2, first_columns=name_w)
        first = lines[0] + " " * (name_w - display_width(lines[0]) + 1) + numbers
        out.append("\n".join([first, *("  " + line for line in lines[1:])]))
    return out
