"""Where print jobs go and how they are laid out: a failed-over printer's new jobs go
straight to its backup until a probe finds it back; jobs are laid out for the paper of
the printer that prints them; receipts carry the visit's QR and can be reprinted; the
printer's Chinese mode is used."""
from core.context import NOBODY
from sqlalchemy import select

from pos.checks import receipts
from pos.checks import payments
from pos.checks import summary
from printers import services as queue
from printers.escpos_decode import decode, images_of, text_of
from printers.model import PrintJob
from printers.virtual import VirtualPrinter
from printers.worker import PrintWorker
from tests.helpers import KUNG_PAO, order, token_of, visit_of


def _use_printers(ctx, *printers):
    object.__setattr__(ctx, "settings", ctx.settings.model_copy(update={"printers": printers}))


def _fail_over_kitchen(ctx, clock, settings):
    """The kitchen printer (port 1: refused) fails until its jobs move to the receipt printer."""
    kitchen_cfg = settings.printer("kitchen").model_copy(update={"port": 1, "backup": "receipt"})
    _use_printers(ctx, kitchen_cfg, settings.printer("receipt"))
    order(ctx, token_of(ctx, "T6"), KUNG_PAO)
    down = PrintWorker(ctx, kitchen_cfg)
    for _ in range(ctx.settings.printing.failover_after):
        assert down.drain() == 0
        clock.advance(minutes=2)
    return down


def test_while_a_printer_is_down_new_tickets_go_straight_to_its_backup(ctx, clock, settings):
    _fail_over_kitchen(ctx, clock, settings)
    assert queue.is_down(ctx, "kitchen")
    order(ctx, token_of(ctx, "T7"), KUNG_PAO)  # no three more failures to wait through
    with ctx.db.read() as s:
        jobs = s.scalars(select(PrintJob).order_by(PrintJob.id)).all()
        assert [(j.printer, j.redirected_from) for j in jobs] == [("receipt", "kitchen")] * 2
    status = {p["name"]: p for p in queue.queue_status(ctx)}
    assert status["kitchen"]["failed_over_to"] == "receipt" and status["kitchen"]["down_since"]
    with VirtualPrinter() as vp:
        backup = PrintWorker(ctx, settings.printer("receipt").model_copy(update={"port": vp.port}))
        assert backup.drain() == 2
        texts = [text_of(j) for j in vp.wait_for_jobs(2, timeout=5)]
    assert all(t.startswith("REDIRECTED") and t.count("REDIRECTED") == 1 for t in texts)
    assert "T6" in texts[0] and "T7" in texts[1]


def test_a_probe_brings_a_failed_over_printer_back(ctx, clock, settings):
    down = _fail_over_kitchen(ctx, clock, settings)
    assert down.probe_if_down() is False  # still refused
    assert queue.is_down(ctx, "kitchen")
    assert down.probe_if_down() is False  # not asked again before probe_seconds
    with VirtualPrinter() as vp:
        down.printer = down.printer.model_copy(update={"port": vp.port})
        clock.advance(seconds=settings.printing.probe_seconds)
        assert down.probe_if_down() is True
        assert vp.jobs == []  # a probe prints nothing
    assert not queue.is_down(ctx, "kitchen")
    assert {p["name"]: p for p in queue.queue_status(ctx)}["kitchen"]["failed_over_to"] is None
    order(ctx, token_of(ctx, "T8"), KUNG_PAO)
    with ctx.db.read() as s:
        last = s.scalar(select(PrintJob).order_by(PrintJob.id.desc()).limit(1))
        assert (last.printer, last.redirected_from) == ("kitchen", None)


def test_a_job_is_laid_out_for_the_paper_of_the_printer_that_prints_it(ctx, clock, settings):
    kitchen_cfg = settings.printer("kitchen").model_copy(update={"port": 1, "backup": "receipt"})
    narrow = settings.printer("receipt").model_copy(update={"paper_mm": 58})
    _use_printers(ctx, kitchen_cfg, narrow)
    order(ctx, token_of(ctx, "T6"), KUNG_PAO)
    down = PrintWorker(ctx, kitchen_cfg)
    for _ in range(ctx.settings.printing.failover_after):
        down.drain()
        clock.advance(minutes=2)
    with VirtualPrinter() as vp:
        PrintWorker(ctx, narrow.model_copy(update={"port": vp.port})).drain()
        [job] = vp.wait_for_jobs(1, timeout=5)
    widths = {img.width for img in images_of(job)}
    assert widths == {384}  # 58 mm raster, not the 80 mm kitchen's 576
    assert all(len(line) <= 32 for line in text_of(job).split("\n"))


def test_a_gb18030_printer_gets_the_dish_names_in_its_own_font(ctx, settings):
    with VirtualPrinter(chinese="gb18030") as vp:
        cfg = settings.printer("kitchen").model_copy(update={"port": vp.port, "text_mode": "gb18030"})
        order(ctx, token_of(ctx, "T3"), KUNG_PAO)
        assert PrintWorker(ctx, cfg).drain() == 1
        [job] = vp.wait_for_jobs(1, timeout=5)
    assert "宮保雞丁" in text_of(job, chinese="gb18030")
    assert not images_of(job)  # every line in the printer's own font: no raster at all


def test_the_receipt_links_to_the_visit_and_can_be_reprinted_marked(ctx, settings):
    token = token_of(ctx, "T2")
    order(ctx, token, KUNG_PAO)
    visit_id = visit_of(ctx, "T2")
    due = summary.read_check(ctx, visit_id)["totals"]["due"]
    payments.pay_cash(ctx, visit_id, due, NOBODY)
    assert receipts.reprint_receipt(ctx, visit_id) == {"queued": True, "printer": "receipt"}
    with VirtualPrinter() as vp:
        assert PrintWorker(ctx, settings.printer("receipt").model_copy(update={"port": vp.port})).drain() == 3
        drawer, first, again = vp.wait_for_jobs(3, timeout=5)
    assert [k[0] for k in decode(drawer)] == ["drawer"]
    assert "REPRINT" not in text_of(first) and text_of(again).startswith("REPRINT")
    from pyzbar.pyzbar import decode as zbar
    codes = [c.data.decode() for img in images_of(first) for c in zbar(img.convert("L"))]
    assert codes == [f"{settings.server.public_base_url}/v/{token}"]


def _fail(ctx, clock, worker, times):
    for _ in range(times):
        assert worker.drain() == 0
        clock.advance(minutes=2)


def test_jobs_never_fail_over_to_a_backup_in_trouble_and_come_home_when_their_printer_is_back(ctx, clock, settings):
    # Each printer backs the other up, and both are dead (port 1: refused).
    kitchen_cfg = settings.printer("kitchen").model_copy(update={"port": 1, "backup": "receipt"})
    receipt_cfg = settings.printer("receipt").model_copy(update={"port": 1, "backup": "kitchen"})
    _use_printers(ctx, kitchen_cfg, receipt_cfg)
    queue.print_self_test(ctx, "receipt")  # the receipt printer has a job of its own, and fails
    _fail(ctx, clock, PrintWorker(ctx, receipt_cfg), 1)
    order(ctx, token_of(ctx, "T6"), KUNG_PAO)
    kitchen = PrintWorker(ctx, kitchen_cfg)
    _fail(ctx, clock, kitchen, ctx.settings.printing.failover_after + 2)
    with ctx.db.read() as s:  # the receipt printer is in trouble too: the ticket stays home
        assert [(j.printer, j.redirected_from) for j in s.scalars(select(PrintJob).where(
            PrintJob.kind == "kitchen_ticket"))] == [("kitchen", None)]
    # The receipt printer comes back (prints its test page): now the kitchen fails over to it.
    with VirtualPrinter() as vp:
        receipt = PrintWorker(ctx, receipt_cfg.model_copy(update={"port": vp.port}))
        assert receipt.drain() == 1
        _fail(ctx, clock, kitchen, 1)
        order(ctx, token_of(ctx, "T7"), KUNG_PAO)
        with ctx.db.read() as s:
            jobs = s.scalars(select(PrintJob).where(PrintJob.kind == "kitchen_ticket").order_by(PrintJob.id)).all()
            assert [(j.printer, j.redirected_from) for j in jobs] == [("receipt", "kitchen")] * 2
    # The receipt printer dies before printing them; the kitchen printer is fixed: a probe
    # finds it, and it takes its tickets back, in order and without the REDIRECTED banner.
    _fail(ctx, clock, receipt, 1)
    with VirtualPrinter() as vp:
        kitchen.printer = kitchen_cfg.model_copy(update={"port": vp.port})
        clock.advance(seconds=settings.printing.probe_seconds)
        assert kitchen.probe_if_down() is True
        assert kitchen.drain() == 2
        texts = [text_of(j) for j in vp.wait_for_jobs(2, timeout=5)]
    assert "T6" in texts[0] and "T7" in texts[1] and not any("REDIRECTED" in t for t in texts)


def test_a_test_page_tests_its_own_printer_even_while_it_is_failed_over(ctx, clock, settings):
    _fail_over_kitchen(ctx, clock, settings)
    assert queue.print_self_test(ctx, "kitchen") == {"queued": True, "printer": "kitchen"}
    with ctx.db.read() as s:
        assert s.scalar(select(PrintJob).where(PrintJob.kind == "self_test")).printer == "kitchen"


def test_an_unpaid_checks_bill_is_not_a_reprint_but_a_paid_checks_copy_is(ctx, settings):
    order(ctx, token_of(ctx, "T2"), KUNG_PAO)
    visit_id = visit_of(ctx, "T2")
    receipts.reprint_receipt(ctx, visit_id)  # the bill, before paying
    payments.pay_cash(ctx, visit_id, summary.read_check(ctx, visit_id)["totals"]["due"], NOBODY)  # drawer, receipt
    receipts.reprint_receipt(ctx, visit_id)
    with VirtualPrinter() as vp:
        assert PrintWorker(ctx, settings.printer("receipt").model_copy(update={"port": vp.port})).drain() == 4
        bill, _drawer, receipt, copy = (text_of(j) for j in vp.wait_for_jobs(4, timeout=5))
    assert "REPRINT" not in bill and "REPRINT" not in receipt and copy.startswith("REPRINT")
