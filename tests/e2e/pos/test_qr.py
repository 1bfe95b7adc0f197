"""Table QR codes: the printable sheet (``run.py qr-sheet``), and the PNG of the cashier
API, whose decoded link opens the table's menu on the live server until the cashier
closes the table."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as zbar_decode

from pos.orders import qr
from pos.orders.visits import current_visits
from tests.e2e.live import KUNG_PAO, LARGE, MILD, WAIT
from tests.helpers import boot_of

pytestmark = pytest.mark.e2e

ITEM = {"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE]}


def scan(png: bytes) -> str:
    [code] = zbar_decode(Image.open(io.BytesIO(png)))
    assert code.type == "QRCODE"
    return code.data.decode()


def pdf_page_images(pdf: bytes) -> list[Image.Image]:
    """The page images of a PDF written by Pillow: one JPEG (DCTDecode) XObject per page."""
    streams = re.finditer(rb"/Subtype /Image\b[^>]*?/Filter /DCTDecode\b[^>]*?/Length (\d+)\s*>>\s*stream\r?\n", pdf)
    return [Image.open(io.BytesIO(pdf[m.end():m.end() + int(m.group(1))])) for m in streams]


def test_qr_sheet_pdf_has_a_card_per_table(serve, tmp_path):
    live = serve()
    settings = live.ctx.settings
    tables = current_visits(live.ctx)
    assert [t["table"] for t in tables] == [f"T{i}" for i in range(1, 13)]
    assert all(t["url"].startswith(f"{live.url}/v/") for t in tables)

    out = tmp_path / "sheet" / "qr-sheet.pdf"
    pages = qr.sheet_pdf(tables, out, title=settings.restaurant.name, font_path=settings.printing.font_path,
                         font_index=settings.printing.font_index)
    pdf = out.read_bytes()
    assert pages == 2  # six cards to an A4 page
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2
    assert re.search(rb"/Count\s+2\b", pdf)

    # Scanned back from the pages: every table's link, T1-T6 on page 1, T7-T12 on page 2.
    images = pdf_page_images(pdf)
    assert [img.size for img in images] == [qr.A4_150DPI] * 2
    scanned = [{c.data.decode() for c in zbar_decode(img)} for img in images]
    assert scanned == [{t["url"] for t in tables[:6]}, {t["url"] for t in tables[6:]}]
    t12 = tables[11]
    page = live.session().get(t12["url"], timeout=WAIT)
    assert page.status_code == 200 and boot_of(page.text)["check"]["table"] == "T12"

    # The cashier's printable page links the same visits.
    sheet = live.session("cashier").get(f"{live.url}/pos/qr-sheet", timeout=WAIT)
    assert sheet.status_code == 200
    assert re.findall(r'data-table="([^"]+)"', sheet.text) == [t["table"] for t in tables]
    assert all(f'href="{t["url"]}"' in sheet.text for t in tables) and sheet.text.count("<svg") == 12


def test_table_qr_opens_the_menu_until_the_table_is_closed(serve):
    live = serve()
    t1 = live.visit("T1")
    cashier = live.session("cashier")

    assert live.session().get(f"{live.url}/api/pos/tables/1/qr.png", timeout=WAIT).status_code == 401
    resp = cashier.get(f"{live.url}/api/pos/tables/{t1['table_id']}/qr.png", timeout=WAIT)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "image/png"
    url = scan(resp.content)
    assert url == t1["url"] and url.startswith(f"{live.url}/v/")

    # The phone that scanned it gets the table's menu.
    phone = live.session()
    page = phone.get(url, timeout=WAIT)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    boot = boot_of(page.text)
    assert boot["visit_id"] == t1["visit_id"] and boot["check"]["table"] == "T1"
    dishes = {d["id"]: d["name"] for c in boot["menu"] for d in c["dishes"]}
    assert dishes[KUNG_PAO] == "宮保雞丁"
    old_token = url.rsplit("/v/", 1)[1]
    assert live.post_order(old_token, [ITEM], phone).status_code == 201
    # ...which is paid before the table can be closed.
    check = cashier.get(f"{live.url}/api/pos/visits/{t1['visit_id']}", timeout=WAIT).json()
    paid = cashier.post(f"{live.url}/api/pos/visits/{t1['visit_id']}/payments/cash",
                        json={"tendered": check["totals"]["due"]}, timeout=WAIT)
    assert paid.status_code == 201, paid.text

    closed = cashier.post(f"{live.url}/api/pos/visits/{t1['visit_id']}/close", timeout=WAIT)
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed_visit_id"] == t1["visit_id"]

    # The old code now says the table is closed and shows its receipt (a page that works),
    # and takes no more orders.
    page = phone.get(url, timeout=WAIT)
    assert page.status_code == 200 and 'id="receipt"' in page.text
    assert 'data-code="visit_closed"' in page.text and "此枱已結帳" in page.text
    refused = live.post_order(old_token, [ITEM], phone)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "visit_closed"

    # The table's new code opens its new visit.
    new_url = scan(cashier.get(f"{live.url}/api/pos/tables/{t1['table_id']}/qr.png", timeout=WAIT).content)
    assert new_url == closed.json()["url"] == live.visit("T1")["url"] != url
    page = phone.get(new_url, timeout=WAIT)
    assert page.status_code == 200 and boot_of(page.text)["visit_id"] == closed.json()["next_visit_id"]


def test_closing_an_empty_table_invalidates_its_code(serve):
    live = serve()
    t2 = live.visit("T2")
    cashier = live.session("cashier")
    url = scan(cashier.get(f"{live.url}/api/pos/tables/{t2['table_id']}/qr.png", timeout=WAIT).content)
    assert live.session().get(url, timeout=WAIT).status_code == 200

    # Nothing was ordered, so the check closes without a payment.
    closed = cashier.post(f"{live.url}/api/pos/visits/{t2['visit_id']}/close", timeout=WAIT)
    assert closed.status_code == 200, closed.text

    assert live.session().get(url, timeout=WAIT).status_code == 403
    refused = live.post_order(url.rsplit("/v/", 1)[1], [ITEM])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "visit_closed"
