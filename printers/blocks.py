"""The blocks a layout document is made of, as plain dicts (pure, like printers/layout.py).

render.py turns them into ESC/POS bytes and tests inspect them directly. Every text
block is already wrapped to the column count of its size (printers/wrapping.py), so
nothing relies on the printer's own (mid-word) wrapping.

Block types:
  {"type": "text", "text": str, "size": "normal"|"large"|"xlarge", "bold": bool,
   "align": "left"|"center"|"right"[, "invert": True]}
     ("invert": white on black, for marks such as RUSH and VOID; only present when
     True. A renderer that ignores it still prints the text bold, and the text of
     those marks reads on its own.)
     ("amounts": True marks a line of a column of amounts, such as the receipt's: in raster
     mode every such line is drawn, even plain ASCII, so the whole column is one font and
     its right-aligned amounts line up; in the native text modes they are text anyway.)
  {"type": "rule"}  {"type": "feed", "lines": int}  {"type": "qr", "data": str, "size": int}
  {"type": "cut"}  {"type": "drawer"} (a pulse that opens the cash drawer wired to the printer)
"""
from __future__ import annotations

from .wrapping import two_columns, wrap

QR_MODULE_DOTS = 6
RULE = {"type": "rule"}


def text(s: str, size: str = "normal", bold: bool = False, align: str = "left", invert: bool = False,
         amounts: bool = False) -> dict:
    block = {"type": "text", "text": s, "size": size, "bold": bold, "align": align}
    if invert:
        block["invert"] = True
    if amounts:
        block["amounts"] = True
    return block


def centered(s: str, columns: int, size: str = "normal", bold: bool = False) -> dict:
    return text("\n".join(wrap(s, columns)), size, bold, "center")


def amount_rows(rows, columns: int, prefix: str = "") -> list[dict]:
    """One right-aligned amount line per {"label", "amount"}."""
    return [text(two_columns(r["label"], r["amount"], columns, prefix)) for r in rows or []]
