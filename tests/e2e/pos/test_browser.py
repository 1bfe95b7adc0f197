"""The pages in a real browser (Debian Chromium).

A diner orders on a phone (touch, 390x844) while the cook's wok screen is open in another
browser: the ticket appears on the kitchen screen live, and the cook's Start and Bump reach
the diner's page as item states, and the cashier closing the table reaches it too, without a
reload anywhere. The cashier's change and the closed table's new QR code survive the socket
event that arrives before the HTTP answer; a
note with markup stays text on every screen; a refused order names its lines; kitchen timers
run on the server's clock; the PIN stops at 8 digits; the live-update cursor never skips an
event that was emitted late."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import DEMO_PINS
from tests.e2e.browser import BROWSER_TESTS, PHONE, sign_in_on_pad
from tests.e2e.live import KUNG_PAO, LARGE, MILD, WAIT

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

pytestmark = BROWSER_TESTS


def test_diner_order_goes_live_to_the_kitchen_and_back(serve, contexts):
    live = serve()
    kitchen = cook_signs_in_on_the_wok_screen(live, contexts)
    t3 = live.visit("T3")
    phone, order, bill = diner_orders_kung_pao_on_a_phone(contexts, t3)
    cook_starts_and_bumps_the_ticket(kitchen, order)
    cashier_closes_the_table(live, t3, phone, bill)
    assert kitchen.evaluate("window.notReloaded") is True and phone.evaluate("window.notReloaded") is True
    assert contexts.errors == []


def cook_signs_in_on_the_wok_screen(live, contexts):
    """The cook signs in on the PIN pad and lands on the wok screen."""
    kitchen = contexts(viewport={"width": 1280, "height": 800}).new_page()
    kitchen.goto(f"{live.url}/kitchen/wok")
    expect(kitchen).to_have_url(f"{live.url}/login?next=/kitchen/wok&need=cook")
    sign_in_on_pad(kitchen, *DEMO_PINS["cook"])
    expect(kitchen).to_have_url(f"{live.url}/kitchen/wok")
    expect(kitchen.locator("#conn")).to_have_class("status-dot online")  # joined station:wok
    expect(kitchen.locator("[data-ticket]")).to_have_count(0)
    kitchen.evaluate("window.notReloaded = true")  # gone if the page reloads
    return kitchen


def diner_orders_kung_pao_on_a_phone(contexts, t3: dict):
    """The diner at T3 opens the table's link on a phone and orders Kung Pao Chicken."""
    phone = contexts(**PHONE).new_page()
    phone.goto(t3["url"])
    expect(phone.locator(".table-name")).to_have_text("T3")
    phone.evaluate("window.notReloaded = true")
    dish = phone.locator(f'button[data-dish="{KUNG_PAO}"]')
    expect(dish.locator(".tags")).to_have_text("含：花生 · 大豆")  # allergens in the page's language
    dish.tap()
    dialog = phone.locator("#dish-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("宮保雞丁")
    # Required single-choice groups (spice, size) start with nothing chosen: the diner picks.
    groups = dialog.locator("fieldset[data-group]")
    expect(groups).to_have_count(2)
    expect(groups.locator(".rule")).to_have_text(["必選 1 項", "必選 1 項"])
    expect(dialog.locator("input:checked")).to_have_count(0)
    phone.locator("#add-to-cart").tap()  # Add says what is missing, and adds nothing
    expect(dialog.locator(".error-box")).to_have_text("辣度：必選 1 項；份量：必選 1 項")
    dialog.locator(f'input[value="{MILD}"]').tap()
    phone.locator("#add-to-cart").tap()
    expect(dialog.locator(".error-box")).to_have_text("份量：必選 1 項")
    expect(phone.locator("#cartbar")).to_be_hidden()
    dialog.locator(f'input[value="{LARGE}"]').tap()
    phone.locator("#add-to-cart").tap()
    expect(dialog).to_be_hidden()
    phone.locator("#open-cart").tap()
    cart = phone.locator("#cart-dialog")
    expect(cart.locator(".cart-line")).to_have_count(1)
    expect(cart.locator("#cart-subtotal")).to_have_text("HK$148.00")  # 88 + 60 for the large size
    expect(cart.locator("#cart-service")).to_have_text("另加 10% 服務費")  # before ordering, the total is no surprise
    phone.locator("#place-order").tap()
    order = phone.locator("#orders [data-order]")
    expect(order).to_have_count(1)
    expect(order).to_contain_text("宮保雞丁")
    expect(order.locator("[data-status]")).to_have_attribute("data-status", "queued")
    expect(phone.locator("#cart-dialog")).to_be_hidden()
    expect(phone.locator("#cartbar")).to_be_hidden()  # the cart was emptied
    bill = phone.locator("#bill tr")  # the orders box explains the total
    expect(bill).to_have_text(["小計HK$148.00", "服務費 (10%)HK$14.80", "合計HK$162.80"])
    return phone, order, bill


def cook_starts_and_bumps_the_ticket(kitchen, order) -> None:
    """The ticket appears on the wok screen by itself. Start, then Bump: the diner's item follows."""
    ticket = kitchen.locator("[data-ticket]", has_text="T3")
    expect(ticket).to_have_count(1)
    expect(ticket).to_contain_text("宮保雞丁")
    expect(ticket.locator(".mod")).to_have_text(["+ 小辣", "+ 大份"])  # the diner's choices
    ticket.locator("button.start").click()
    expect(ticket).to_have_class(re.compile(r"\bcooking\b"))
    expect(order.locator("[data-status]")).to_have_attribute("data-status", "cooking")
    ticket.locator("button.bump").click()
    expect(ticket).to_have_count(0)  # done tickets leave the screen
    expect(order.locator("[data-status]")).to_have_attribute("data-status", "ready")
    expect(order.locator(".chip.ready")).to_have_text("已完成")


def cashier_closes_the_table(live, t3: dict, phone, bill) -> None:
    """The cashier takes the money and closes the table: the phone says so by itself."""
    cashier = live.session("cashier")
    due = cashier.get(f"{live.url}/api/pos/visits/{t3['visit_id']}", timeout=WAIT).json()["totals"]["due"]
    assert cashier.post(f"{live.url}/api/pos/visits/{t3['visit_id']}/payments/cash", json={"tendered": due},
                        timeout=WAIT).status_code == 201
    assert cashier.post(f"{live.url}/api/pos/visits/{t3['visit_id']}/close", timeout=WAIT).status_code == 200
    expect(phone.locator("#closed")).to_be_visible()
    expect(phone.locator("#closed")).to_contain_text("此枱已結帳")
    expect(phone.locator("#closed")).to_contain_text("請向職員索取新的二維碼")  # the table's printed code is spent
    expect(phone.locator("#closed")).to_be_in_viewport()  # a banner at the top, not a cover over the bill
    expect(bill.last).to_be_visible()
    expect(phone.locator("#cartbar")).to_be_hidden()
    expect(phone.locator(f'button[data-dish="{KUNG_PAO}"]')).to_be_disabled()


@pytest.mark.parametrize("next_url", ["//evil.example/x", "https://evil.example/x",
                                      "/%5Cevil.example/x", "/%09/evil.example/x"])
def test_sign_in_only_redirects_within_the_site(serve, contexts, next_url):
    live = serve()
    context = contexts()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live.url + "/")
                  else route.abort())  # nothing leaves the test machine
    page = context.new_page()
    page.goto(f"{live.url}/login?next={next_url}")
    with page.expect_request(lambda r: r.is_navigation_request()) as navigation:
        sign_in_on_pad(page, *DEMO_PINS["cook"])
    assert navigation.value.url == f"{live.url}/"


# -- the cashier terminal ------------------------------------------------------------------

# Holds the answers of the terminal's /api/pos/visits/... requests while checkProbe.hold is
# set (the server has answered; the page does not have the answer yet), so a test decides the
# order in which the page gets them. release(method) hands one over and resolves once the
# page has handled it (the answer's JSON was read and the code awaiting it has run).
CHECK_PROBE = """(() => {
  const realFetch = window.fetch.bind(window);
  const probe = window.checkProbe = { hold: false, held: [],
    has(method) { return this.held.some((e) => e.method === method); },
    release(method) {
      const i = this.held.findIndex((e) => e.method === method);
      if (i < 0) throw new Error(`no ${method} is held`);
      const [entry] = this.held.splice(i, 1);
      return new Promise((done) => { entry.handled = done; entry.go(); });
    } };
  window.fetch = async (url, opts = {}) => {
    const path = new URL(String(url), location.href).pathname;
    if (!probe.hold || !path.startsWith("/api/pos/visits/")) return realFetch(url, opts);
    const entry = { method: opts.method || "GET", path };
    const res = await realFetch(url, opts);
    await new Promise((go) => { entry.go = go; probe.held.push(entry); });
    const json = res.json.bind(res);
    res.json = () => json().finally(() => setTimeout(() => entry.handled(), 0));
    return res;
  };
})();"""


def test_cashier_change_and_new_qr_stay_when_the_table_event_comes_first(serve, contexts):
    """The "table" event of the cashier's own payment (or closing) arrives before the HTTP
    answer, and the terminal fetches the check again: that later answer must not wipe the
    change to hand back, nor the closed table's new QR code."""
    live = serve()
    t3 = live.visit("T3")
    assert live.post_order(live.token("T3"), [{"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE]}]
                           ).status_code == 201  # HK$148.00 + 10 % service = HK$162.80
    context = contexts(viewport={"width": 1280, "height": 800})
    context.add_init_script(CHECK_PROBE)
    pos = context.new_page()
    pos.goto(f"{live.url}/pos")
    sign_in_on_pad(pos, *DEMO_PINS["cashier"])
    expect(pos).to_have_url(f"{live.url}/pos")
    expect(pos.locator("#conn")).to_have_class("status-dot online")
    tile = pos.locator(f'[data-table="{t3["table_id"]}"]')
    expect(tile).to_have_attribute("data-state", "ordering")
    tile.click()
    expect(pos.locator("#check .sum.total").last).to_contain_text("HK$162.80")
    tendered = pos.locator("#tendered")
    tendered.fill("200.50")
    assert tendered.evaluate("input => input.checkValidity()")  # cents are a valid amount

    # Take cash: the event comes first (the floor tile turns "paid") and the terminal asks
    # for the check again; then the payment's answer (the change), then the refetched check.
    pos.evaluate("checkProbe.hold = true")
    pos.click("#take-cash")
    expect(tile).to_have_attribute("data-state", "paid")
    pos.wait_for_function("() => checkProbe.has('GET') && checkProbe.has('POST')")
    pos.evaluate("checkProbe.release('POST')")
    change = pos.locator("#change")
    expect(change).to_contain_text("HK$37.70")
    pos.evaluate("checkProbe.release('GET')")  # handled when this returns
    expect(change).to_be_visible()
    expect(change).to_contain_text("HK$37.70")
    expect(pos.locator("#check .sum.total").last).to_contain_text("HK$0.00")

    # Close the table: the same order of arrival; the new visit's QR code and link stay.
    pos.click("#close-table")
    expect(tile).to_have_attribute("data-state", "free")
    pos.wait_for_function("() => checkProbe.has('GET') && checkProbe.has('POST')")
    pos.evaluate("checkProbe.release('POST')")
    next_url = live.visit("T3")["url"]
    assert next_url != t3["url"]
    link = pos.locator("#next-link")
    expect(link).to_have_attribute("href", next_url)
    pos.evaluate("checkProbe.release('GET')")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", next_url)
    pos.wait_for_function("() => document.querySelector('.newqr img').naturalWidth > 0")  # the QR code image loaded

    # Picking a table unpins it.
    pos.evaluate("checkProbe.hold = false")
    tile.click()
    expect(link).to_have_count(0)
    expect(pos.locator("#check")).to_contain_text("No orders yet")
    assert contexts.errors == []


# -- markup in a note -----------------------------------------------------------------------

CHOY_SUM = 14  # 蒜蓉炒菜心 (Garlic Choy Sum), station wok, no choices
NOTE = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


def test_a_note_with_markup_is_text_on_every_screen(serve, contexts):
    live = serve()
    t5 = live.visit("T5")
    staff = contexts(viewport={"width": 1280, "height": 800})
    kitchen = staff.new_page()
    kitchen.goto(f"{live.url}/kitchen/wok")
    sign_in_on_pad(kitchen, *DEMO_PINS["manager"])  # a manager may use the kitchen and the till
    expect(kitchen).to_have_url(f"{live.url}/kitchen/wok")
    expect(kitchen.locator("#conn")).to_have_class("status-dot online")

    phone = contexts(**PHONE).new_page()
    phone.goto(t5["url"])
    phone.locator(f'button[data-dish="{CHOY_SUM}"]').tap()
    phone.locator("#dish-dialog textarea").fill(NOTE)
    phone.locator("#add-to-cart").tap()
    phone.locator("#open-cart").tap()
    expect(phone.locator("#cart-dialog .note")).to_have_text(NOTE)
    phone.locator("#place-order").tap()
    expect(phone.locator("#orders .note")).to_have_text(NOTE)
    expect(kitchen.locator("[data-ticket] .note")).to_have_text(f"! {NOTE}")  # arrived live

    pos = staff.new_page()
    pos.goto(f"{live.url}/pos")
    pos.locator(f'[data-table="{t5["table_id"]}"]').click()
    expect(pos.locator("#check .note")).to_have_text(f" “{NOTE}”")

    # The diner reports a problem with the dish, with the same markup as its text: it rings
    # on the terminal as text.
    phone.locator("#report-problem").tap()
    phone.locator("#help-dialog [data-item]").first.tap()
    phone.locator('#help-dialog [data-reason="other"]').tap()
    phone.locator("#problem-text").fill(NOTE)
    phone.locator("#send-problem").tap()
    expect(pos.locator("[data-request] q")).to_have_text(NOTE)

    phone.reload()  # and drawn from the pages' boot data
    expect(phone.locator("#orders .note")).to_have_text(NOTE)
    kitchen.reload()
    expect(kitchen.locator("[data-ticket] .note")).to_have_text(f"! {NOTE}")
    expect(kitchen.locator("#conn")).to_have_class("status-dot online")
    pos.reload()  # and drawn from the terminal's own fetch
    expect(pos.locator("[data-request] q")).to_have_text(NOTE)
    for page in (phone, kitchen, pos):
        assert page.evaluate("typeof window.pwned") == "undefined"
        expect(page.locator('img[src="x"]')).to_have_count(0)
    assert contexts.errors == []  # nor did the CSP have to refuse an inline script


# -- the diner's refused order ------------------------------------------------------------

def test_diner_sees_which_cart_line_cannot_be_ordered(serve, contexts):
    live = serve()
    t6 = live.visit("T6")
    phone = contexts(**PHONE).new_page()
    phone.goto(f"{t6['url']}?lang=en")
    # A cart kept in the phone from before: Kung Pao, and choy sum with a choice the menu no longer has.
    phone.evaluate("([key, cart]) => localStorage.setItem(key, JSON.stringify(cart))", [
        f"cart:{t6['visit_id']}",
        {"lines": [{"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE], "note": None},
                   {"dish_id": CHOY_SUM, "quantity": 2, "options": [999], "note": None}], "key": None}])
    phone.reload()
    expect(phone.locator("#open-cart")).to_have_text("View order · 3 items · HK$264.00")
    live.session("cook").post(f"{live.url}/api/menu/dishes/{KUNG_PAO}/sold-out", json={"sold_out": True},
                              timeout=WAIT)
    dish = phone.locator(f'button[data-dish="{KUNG_PAO}"]')
    expect(dish).to_be_disabled()  # the menu hears of it live
    expect(dish.locator(".badge")).to_have_text("Sold out")

    phone.locator("#open-cart").tap()
    phone.locator("#place-order").tap()
    status = phone.locator("#cart-status")
    expect(status).to_have_text("Some items cannot be ordered:"
                                "Kung Pao Chicken: sold out, please remove it"
                                "Garlic Choy Sum: a choice is no longer available, please remove it and add it again")
    lines = phone.locator("#cart-dialog .cart-line")
    expect(lines.nth(0)).to_have_class(re.compile(r"\bproblem\b"))
    expect(lines.nth(0).locator(".line-error")).to_have_text("sold out, please remove it")
    expect(lines.nth(1).locator(".line-error")).to_have_text(
        "a choice is no longer available, please remove it and add it again")
    lines.nth(0).locator(".remove").tap()
    expect(lines).to_have_count(1)
    expect(lines.nth(0)).to_contain_text("Garlic Choy Sum")
    expect(lines.nth(0)).to_have_class(re.compile(r"\bproblem\b"))  # its mark moved with it
    lines.nth(0).locator(".remove").tap()
    expect(phone.locator("#cart-dialog")).to_be_hidden()
    expect(phone.locator("#cartbar")).to_be_hidden()


# -- the kitchen's clock, the PIN pad, the live cursor ----------------------------------------

def test_kitchen_timers_count_on_the_server_clock(serve, contexts):
    live = serve()
    assert live.post_order(live.token("T2"), [{"dish_id": CHOY_SUM, "quantity": 1}]).status_code == 201
    context = contexts(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "session", "value": live.session("cook").cookies["session"], "url": live.url}])
    page = context.new_page()
    page.clock.install(time=datetime.now(timezone.utc) + timedelta(minutes=10))  # the tablet runs 10 minutes fast
    page.goto(f"{live.url}/kitchen/wok")
    ticket = page.locator("[data-ticket]")
    expect(ticket.locator(".timer")).to_have_text(re.compile(r"^0:0\d$"))
    expect(ticket).not_to_have_class(re.compile(r"\b(warn|late)\b"))
    # The offset is measured again on every join, so let the screen join before time moves.
    expect(page.locator("#conn")).to_have_class(re.compile(r"\bonline\b"))
    # Six minutes later (the clock jumps; Socket.IO's own timers are left alone) the timer reads 6 minutes.
    page.clock.set_system_time(datetime.now(timezone.utc) + timedelta(minutes=16))
    expect(ticket.locator(".timer")).to_have_text(re.compile(r"^6:0\d$"))
    expect(ticket).to_have_class(re.compile(r"\bwarn\b"))


def test_a_pin_typed_on_the_keyboard_stops_at_eight_digits(serve, contexts):
    live = serve()
    page = contexts().new_page()
    page.goto(f"{live.url}/login")
    page.click(f'[data-user="{DEMO_PINS["cashier"][0]}"]')
    page.keyboard.type("1234567890")
    expect(page.locator("#pin")).to_have_text("•" * 8)
    page.keyboard.press("Backspace")
    page.click('[data-key="5"]')
    page.click('[data-key="6"]')
    expect(page.locator("#pin")).to_have_text("•" * 8)


# connectLive with a stand-in for the Socket.IO client: the test plays the server.
FAKE_IO = """async () => {
  const t = window.liveTest = { joins: [], events: [], handlers: {}, manager: {}, acks: [] };
  window.io = () => ({
    on: (ev, fn) => { t.handlers[ev] = fn; },
    emit: (ev, payload, ack) => { t.joins.push(payload.after); t.acks.push(ack); },
    io: { on: (ev, fn) => { t.manager[ev] = fn; } },
  });
  const { connectLive } = await import("/static/live.js");
  t.live = connectLive({ rooms: ["pos"], seq: 5, onEvent: (e) => t.events.push(e.seq) });
  t.ev = (seq) => ({ seq, room: "pos", kind: "x", data: {} });
}"""


def test_live_resync_cursor_never_skips_an_event_that_came_late(serve, contexts):
    live = serve()
    page = contexts().new_page()
    page.clock.install()
    page.goto(f"{live.url}/login")
    page.evaluate(FAKE_IO)
    run = page.evaluate

    run("liveTest.handlers.connect(); liveTest.acks.pop()({ seq: 5, events: [] })")
    run("liveTest.handlers.update(liveTest.ev(7))")  # 7 is emitted a moment before 6 ...
    run("liveTest.handlers.disconnect('transport close')")  # ... and the connection drops before 6
    run("liveTest.handlers.connect()")
    assert run("liveTest.joins") == [5, 5]  # the resync starts before 7, so 6 is asked for
    run("liveTest.acks.pop()({ seq: 7, events: [liveTest.ev(6), liveTest.ev(7)] })")
    assert run("liveTest.events") == [7, 6]  # 7 is not applied twice
    assert run("liveTest.live.lastSeq()") == 7  # everything up to the ack's seq was in the backlog

    run("liveTest.handlers.update(liveTest.ev(9))")
    page.clock.run_for(10_000)
    assert run("liveTest.live.lastSeq()") == 7  # live events never move the cursor: 8 may still come
    run("liveTest.handlers.update(liveTest.ev(11))")
    run("liveTest.handlers.disconnect('ping timeout'); liveTest.handlers.connect()")
    assert run("liveTest.joins") == [5, 5, 7]
    run("liveTest.acks.pop()({ seq: 11, events: [liveTest.ev(8), liveTest.ev(9), liveTest.ev(11)] })")
    assert run("liveTest.events") == [7, 6, 9, 11, 8]  # 8 came late and is delivered; 9 and 11 once
    assert contexts.errors == []
