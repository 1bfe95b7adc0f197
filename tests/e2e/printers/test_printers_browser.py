"""Printers in the staff screens, in a real browser (Debian Chromium): the till shows a
printer that does not print; kitchen tickets and the bill are printed again from the
screens, and the kitchen sees a printer that failed over to its backup."""
from __future__ import annotations


import pytest

from tests.e2e.browser import BROWSER_TESTS
from tests.e2e.live import KUNG_PAO, LARGE, MILD

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

pytestmark = BROWSER_TESTS


def test_cashier_sees_a_printer_that_does_not_print(serve, contexts):
    live = serve()
    cashier = live.session("cashier")
    context = contexts(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "session", "value": cashier.cookies["session"], "url": live.url}])
    kitchen = {"name": "kitchen", "enabled": True, "queue_depth": 2, "last_error": "connection refused",
               "last_printed_at": None}
    receipt = {"name": "receipt", "enabled": True, "queue_depth": 0, "last_error": None, "last_printed_at": None}
    context.route("**/api/printers", lambda route: route.fulfill(json=[kitchen, receipt]))
    # The fake clock below runs Socket.IO's timers too (its heartbeat would time out); this page does without.
    context.route("**/socket.io/**", lambda route: route.abort())
    page = context.new_page()
    page.clock.install()
    page.goto(f"{live.url}/pos")
    badges = page.locator("#printers .printer-alert .label")
    polled = page.locator("#printers")
    expect(polled).to_have_attribute("data-polls", "1")
    expect(badges).to_have_text(["Printer kitchen: 2 waiting"])  # an error shows at once

    kitchen.update(queue_depth=0, last_error=None, last_printed_at="2026-11-27T04:00:00+00:00")
    page.clock.run_for(15_000)  # the next poll
    expect(polled).to_have_attribute("data-polls", "2")
    expect(badges).to_have_count(0)  # back to normal
    kitchen.update(queue_depth=3)
    page.clock.run_for(15_000)
    expect(polled).to_have_attribute("data-polls", "3")
    expect(badges).to_have_count(0)  # jobs waiting for a moment are normal
    page.clock.run_for(15_000)
    expect(polled).to_have_attribute("data-polls", "4")
    expect(badges).to_have_text(["Printer kitchen: 3 waiting"])  # still waiting, nothing printed since
    kitchen.update(queue_depth=1, last_printed_at="2026-11-27T04:01:00+00:00")
    page.clock.run_for(15_000)
    expect(polled).to_have_attribute("data-polls", "5")
    expect(badges).to_have_count(0)  # it prints again
    assert contexts.errors == []


def test_cashier_prints_kitchen_tickets_and_the_bill_again_and_the_kitchen_sees_a_failed_over_printer(
        serve, contexts):
    from printers.model import PrintJob
    from tests.e2e.browser import staff_context
    live = serve()
    t3 = live.visit("T3")
    assert live.post_order(live.token("T3"), [{"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE]}]
                           ).status_code == 201
    pos = staff_context(contexts, live, "cashier", viewport={"width": 1280, "height": 800}).new_page()
    pos.goto(f"{live.url}/pos")
    pos.locator(f'[data-table="{t3["table_id"]}"]').click()
    again = pos.locator("#check button.reprint-kitchen")
    expect(again).to_have_count(1)
    again.click()
    expect(again).to_have_text("Sent to kitchen 已送出")
    bill = pos.locator("#check button.print-receipt")
    expect(bill).to_have_text("Print bill 列印賬單")  # unpaid: the bill, not a receipt
    bill.click()
    expect(bill).to_have_text("Sent to receipt 已送出")
    with live.ctx.db.read() as s:
        jobs = [(j.kind, j.document.get("reprint")) for j in s.query(PrintJob).order_by(PrintJob.id)]
    assert ("kitchen_ticket", True) in jobs and ("receipt", False) in jobs

    # The kitchen printer failed over: the station screen says where its tickets go.
    kitchen = {"name": "kitchen", "enabled": True, "queue_depth": 0, "last_error": None, "state": "unreachable",
               "failed_over_to": "receipt", "last_printed_at": None}
    context = staff_context(contexts, live, "cook")
    context.route("**/api/printers", lambda route: route.fulfill(json=[kitchen]))
    wok = context.new_page()
    wok.goto(f"{live.url}/kitchen/wok")
    expect(wok.locator("#printers .printer-alert .label")).to_have_text(
        ["Printer kitchen: not answering 無回應 · printing on receipt 改用 receipt · 0 waiting"])
    assert contexts.errors == []
