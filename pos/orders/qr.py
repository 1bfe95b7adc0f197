"""QR codes of table links: PNG and SVG for screens, and a printable PDF sheet of
every table (``run.py qr-sheet``)."""
from __future__ import annotations

import io
from pathlib import Path

import qrcode
import qrcode.image.svg
from PIL import Image, ImageDraw, ImageFont


def _qr(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def png(url: str) -> bytes:
    buf = io.BytesIO()
    _qr(url).make_image().save(buf, format="PNG")
    return buf.getvalue()


def svg(url: str) -> str:
    img = _qr(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return img.to_string(encoding="unicode")


A4_150DPI = (1240, 1754)
COLS, ROWS = 2, 3


def sheet_pdf(tables: list[dict], out: Path, *, title: str, font_path: str, font_index: int) -> int:
    """Lay out one card per table (name, QR, link) six to an A4 page; returns pages written."""
    font_big = ImageFont.truetype(font_path, 64, index=font_index)
    font_small = ImageFont.truetype(font_path, 26, index=font_index)
    pages: list[Image.Image] = []
    cell_w, cell_h = A4_150DPI[0] // COLS, A4_150DPI[1] // ROWS
    for start in range(0, len(tables), COLS * ROWS):
        page = Image.new("RGB", A4_150DPI, "white")
        draw = ImageDraw.Draw(page)
        for k, t in enumerate(tables[start:start + COLS * ROWS]):
            x, y = (k % COLS) * cell_w, (k // COLS) * cell_h
            draw.rectangle([x + 20, y + 20, x + cell_w - 20, y + cell_h - 20], outline="#999", width=2)
            draw.text((x + cell_w // 2, y + 70), t["table"], font=font_big, fill="black", anchor="mm")
            code = _qr(t["url"]).make_image().get_image().convert("RGB").resize((360, 360), Image.NEAREST)
            page.paste(code, (x + (cell_w - 360) // 2, y + 115))
            draw.text((x + cell_w // 2, y + 500), "掃碼點餐 · Scan to order", font=font_small, fill="black",
                      anchor="mm")
            draw.text((x + cell_w // 2, y + 540), title, font=font_small, fill="#444", anchor="mm")
        pages.append(page)
    out.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return len(pages)
