"""Orders and requests at the terminal, in a real browser (Debian Chromium).

A takeaway order typed at the till (a dish with its required choices, a line removed before
sending, a pickup name) reaches the wok station's screen under its pickup name; a diner's
"call a waiter" rings on the terminal until the cashier taps "On it"; a party moves to a
free table; a manager arranges the floor."""
from __future__ import annotations

import re

import pytest

from kitchen import services as kitchen
from tests.e2e.browser import BROWSER_TESTS, staff_context
from tests.e2e.live import KUNG_PAO, LARGE, MILD

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

pytestmark = BROWSER_TESTS

TABLET = {"viewport": {"width": 1280, "height": 800}}


def test_a_takeaway_order_typed_at_the_till_reaches_the_wok_under_its_pickup_name(serve, contexts):
    live = serve()
    pos = staff_context(contexts, live, "cashier", **TABLET).new_page()
    pos.goto(f"{live.url}/pos")
    expect(pos.locator("#conn")).to_have_class(re.compile(r"\bonline\b"))
    pos.click("#new-takeaway")
    entry = pos.locator("#order-entry")
    expect(entry).to_be_visible()
    menu = live.session().get(f"{live.url}/api/menu").json()
    wok_category = next(c["id"] for c in menu if any(d["id"] == KUNG_PAO for d in c["dishes"]))
    entry.locator(f'.cats [data-cat="{wok_category}"]').click()
    entry.locator(f'[data-dish="{KUNG_PAO}"]').click()  # required choices: spice and size
    add = entry.locator("#options-ok")
    expect(add).to_be_disabled()
    entry.locator(f'[data-option="{MILD}"]').click()
    entry.locator(f'[data-option="{LARGE}"]').click()
    expect(add).to_be_enabled()
    add.click()
    entry.locator(f'[data-dish="{KUNG_PAO}"]').click()
    entry.locator(f'[data-option="{MILD}"]').click()
    entry.locator(f'[data-option="{LARGE}"]').click()
    entry.locator("#options-ok").click()
    expect(entry.locator("#cart li")).to_have_count(2)
    entry.locator("#cart li").nth(1).locator(".remove").click()  # not sent yet: simply gone
    expect(entry.locator("#cart li")).to_have_count(1)
    entry.locator("#send-order").click()
    expect(entry.locator(".error-box")).to_be_visible()  # no pickup name yet: nothing sent
    assert kitchen.open_tickets(live.ctx, "wok")["tickets"] == []
    entry.locator("#pickup").fill("Chan 陳")
    entry.locator("#send-order").click()
    expect(entry).to_have_count(0)
    tile = pos.locator(".check-tile", has_text="Chan 陳")
    expect(tile).to_have_count(1)
    expect(pos.locator("#check h2")).to_contain_text("外賣 Takeaway Chan 陳")
    [wok] = kitchen.open_tickets(live.ctx, "wok")["tickets"]
    assert wok["table"] == "外賣 Takeaway Chan 陳" and len(wok["items"]) == 1
    expect(tile.locator(".state")).to_have_text("Ordering 已落單")
    visit_id = int(tile.get_attribute("data-visit"))
    paid = live.session("cashier").post(f"{live.url}/api/pos/visits/{visit_id}/payments",
                                        json={"tender": "card", "reference": "A1"})
    assert paid.status_code == 201, paid.text
    expect(tile.locator(".state")).to_have_text("Paid, to pick up 已付款待取")  # paid, not handed over yet
    assert pos.context.pages  # the page is still up
    assert contexts.errors == []


def test_a_diners_call_rings_until_the_cashier_is_on_it_and_a_party_moves_table(serve, contexts):
    live = serve()
    t2 = live.token("T2")
    assert live.post_order(t2, [{"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE]}]).status_code == 201
    pos = staff_context(contexts, live, "cashier", **TABLET).new_page()
    pos.goto(f"{live.url}/pos")
    expect(pos.locator("#conn")).to_have_class(re.compile(r"\bonline\b"))
    phone = live.session()
    assert phone.post(f"{live.url}/api/visits/{t2}/requests", json={"kind": "waiter"}).status_code == 201
    call = pos.locator("#requests .request.ringing")
    expect(call).to_have_count(1)
    expect(call).to_contain_text("T2")
    expect(pos.locator("#requests")).not_to_have_attribute("data-rings", "0")  # it chimed
    call.locator(".ack").click()
    expect(pos.locator("#requests .request.ringing")).to_have_count(0)
    expect(pos.locator("#requests .request.seen")).to_have_count(1)
    pos.locator("#requests .request .done").click()
    expect(pos.locator("#requests .request")).to_have_count(0)

    # The party at T2 moves to T9: its check follows, T2 is free.
    pos.locator(f'[data-table="{live.visit("T2")["table_id"]}"]').click()
    pos.click("#move-check")
    pos.locator(f'#table-picker [data-target="{live.visit("T9")["table_id"]}"]').click()
    expect(pos.locator("#check h2")).to_contain_text("T9")
    expect(pos.locator(f'[data-table="{live.visit("T2")["table_id"]}"]')).to_have_attribute("data-state", "free")
    assert [t["table"] for t in kitchen.open_tickets(live.ctx, "wok")["tickets"]] == ["T9"]
    assert contexts.errors == []


def test_a_manager_arranges_the_floor(serve, contexts):
    live = serve()
    pos = staff_context(contexts, live, "manager", **TABLET).new_page()
    pos.goto(f"{live.url}/pos")
    t1 = pos.locator(f'[data-table="{live.visit("T1")["table_id"]}"]')
    pos.click("#arrange")
    t1.click()
    pos.locator('[data-cell="5,3"]').click()
    expect(t1).to_have_attribute("style", re.compile(r"grid-column:\s*6;\s*grid-row:\s*4"))
    from pos.orders.model import DiningTable
    with live.ctx.db.read() as s:
        placed = {t.name: (t.x, t.y) for t in s.query(DiningTable)}
    assert placed["T1"] == (5, 3)
    pos.reload()
    expect(t1).to_have_attribute("style", re.compile(r"grid-column:\s*6"))
    assert contexts.errors == []


def test_a_phone_reports_a_cold_dish_and_sees_the_staff_coming(serve, contexts):
    from tests.e2e.browser import PHONE
    live = serve()
    t4 = live.visit("T4")
    assert live.post_order(live.token("T4"), [{"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE]}]
                           ).status_code == 201
    pos = staff_context(contexts, live, "cashier", **TABLET).new_page()
    pos.goto(f"{live.url}/pos")
    expect(pos.locator("#conn")).to_have_class(re.compile(r"\bonline\b"))
    phone = contexts(**PHONE).new_page()
    phone.goto(f"{t4['url']}?lang=en")
    phone.click("#report-problem")
    dialog = phone.locator("#help-dialog")
    send = dialog.locator("#send-problem")
    expect(send).to_be_disabled()  # a dish and a reason first
    dialog.locator("[data-item]").first.click()
    dialog.locator('[data-reason="cold"]').click()
    dialog.locator("#problem-text").fill("<b>soup</b> is cold")
    send.click()
    status = phone.locator("#help .help-status")
    expect(status).to_have_text("Staff have your message")
    card = pos.locator("#requests .request.ringing")
    expect(card).to_contain_text("T4")
    expect(card.locator("q")).to_have_text("<b>soup</b> is cold")  # text, never markup
    card.locator(".ack").click()
    expect(status).to_have_text("Staff have your message · Staff are on their way")
    expect(pos.locator('#requests .request.seen')).to_have_count(1)
    assert contexts.errors == []
