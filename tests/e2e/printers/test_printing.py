"""Kitchen tickets reach a network printer (printers.virtual on loopback) as ESC/POS
whose Chinese lines are exactly the raster images the renderer draws; an offline
printer never blocks ordering, and its queued job prints once it is back."""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from printers.model import PrintJob
from printers.render import render_text_image
from printers.virtual import VirtualPrinter
from tests.e2e.live import KUNG_PAO, LARGE, MILD, WAIT
from printers.escpos_decode import decode, find_image, images_of, text_of

pytestmark = pytest.mark.e2e

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
needs_font = pytest.mark.skipif(not Path(FONT).exists(), reason="fonts-noto-cjk not installed")
ITEM = {"dish_id": KUNG_PAO, "quantity": 2, "options": [MILD, LARGE], "note": "no onions"}


@pytest.fixture
def printers():
    """The kitchen and the receipt printer, listening on free loopback ports."""
    kitchen, receipt = VirtualPrinter(port=0).start(), VirtualPrinter(port=0).start()
    yield kitchen, receipt
    kitchen.stop()
    receipt.stop()


def printed_image(live, text: str, size: str, bold: bool = False):
    """The raster image render() sends for a layout text block (80 mm paper)."""
    p = live.ctx.settings.printing
    return render_text_image(text, size=size, align="left", paper_mm=80, bold=bold,
                             font_path=p.font_path, font_index=p.font_index)


@needs_font
def test_kitchen_ticket_prints_within_two_seconds_and_reads_back(serve, printers):
    kitchen, receipt = printers
    live = serve(printer_ports=(kitchen.port, receipt.port), workers=True)

    resp = live.post_order(live.token("T1"), [ITEM])
    created = time.monotonic()
    assert resp.status_code == 201, resp.text
    [job] = kitchen.wait_for_jobs(1, timeout=2.0)
    print(f"\norder -> printed ticket: {(time.monotonic() - created) * 1000:.0f} ms after the 201")

    items = decode(job)
    assert job.startswith(b"\x1b@") and items[-1] == ("cut",)
    text = text_of(job)
    # layout.kitchen_ticket: table (xlarge, bold), "#number" (large), "WOK" and the local time.
    assert "T1\n" in text and f"#{resp.json()['number']}\n" in text
    hhmm = datetime.fromisoformat(resp.json()["created_at"]).astimezone(
        live.ctx.settings.restaurant.tz).strftime("%H:%M")
    assert "WOK" + " " * (48 - 3 - 5) + hhmm in text
    assert "    Kung Pao Chicken\n" in text and "  ! no onions\n" in text
    assert "宮保" not in text  # Chinese is never sent as text (code pages), only as raster

    # "2 x 宮保雞丁" at size large is the item line of layout.kitchen_ticket; it and the
    # modifiers (normal size, "  + ") are found exactly in the printed raster images.
    images = images_of(job)
    assert images and all(img.width == 576 for img in images)
    assert any(find_image(img, printed_image(live, "2 x 宮保雞丁", "large")) for img in images)
    assert any(find_image(img, printed_image(live, "  + 小辣", "normal")) for img in images)
    assert any(find_image(img, printed_image(live, "  + 大份", "normal")) for img in images)
    assert not any(find_image(img, printed_image(live, "2 x 麻婆豆腐", "large")) for img in images)
    assert not any(find_image(img, printed_image(live, "1 x 宮保雞丁", "large")) for img in images)

    assert receipt.jobs == []  # kitchen tickets never go to the receipt printer


class FailedPrint(logging.Handler):
    """Sets an event when a print worker logs that a job was not printed."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.failed = threading.Event()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())
        if "not printed" in record.getMessage():
            self.failed.set()


@pytest.fixture
def failed_prints():
    handler = FailedPrint()
    logger = logging.getLogger("printers.worker")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@needs_font
def test_offline_printer_queues_the_ticket_until_it_listens(serve, printers, failed_prints):
    # A port with no listener: a printer that is switched off.
    closed = VirtualPrinter(port=0).start()
    port = closed.port
    closed.stop()
    _, receipt = printers
    live = serve(printer_ports=(port, receipt.port), workers=True, **{"printing.retry_seconds": 0.2})

    resp = live.post_order(live.token("T1"), [ITEM])
    assert resp.status_code == 201, resp.text
    order = resp.json()

    cook = live.session("cook")
    tickets = cook.get(f"{live.url}/api/kitchen/tickets", params={"station": "wok"}, timeout=WAIT).json()["tickets"]
    [ticket] = [t for t in tickets if t["order_id"] == order["id"]]
    assert ticket["table"] == "T1" and ticket["items"][0]["name"] == "宮保雞丁"

    assert failed_prints.failed.wait(WAIT), failed_prints.messages
    with live.ctx.db.read() as s:
        [job] = s.scalars(select(PrintJob)).all()
        assert job.printer == "kitchen" and job.ticket_id == ticket["id"] and job.attempts >= 1
        assert job.status in ("pending", "printing")  # back in the queue, or being retried right now
        assert job.last_error.startswith("unreachable: refused")
    cashier = live.session("cashier")
    status = {p["name"]: p for p in cashier.get(f"{live.url}/api/printers", timeout=WAIT).json()}
    assert status["kitchen"]["queue_depth"] == 1 and status["kitchen"]["last_printed_at"] is None

    # The printer comes back on the same port; the queued ticket is printed.
    back = VirtualPrinter(port=port).start()
    try:
        [worker] = [w for w in live.workers if w.printer.name == "kitchen"]
        worker.wake()
        [job] = back.wait_for_jobs(1, timeout=WAIT)
        worker.stop()  # returns once the worker has recorded the outcome of the job in hand
        assert back.jobs == [job]  # printed once
    finally:
        back.stop()
    assert "T1\n" in text_of(job) and f"#{order['number']}\n" in text_of(job)
    assert any(find_image(img, printed_image(live, "2 x 宮保雞丁", "large")) for img in images_of(job))

    with live.ctx.db.read() as s:
        [job] = s.scalars(select(PrintJob)).all()
        assert job.status == "printed" and job.last_error is None and job.attempts >= 2
    status = {p["name"]: p for p in cashier.get(f"{live.url}/api/printers", timeout=WAIT).json()}
    assert status["kitchen"]["queue_depth"] == 0 and status["kitchen"]["last_error"] is None
    assert status["kitchen"]["last_printed_at"] is not None
