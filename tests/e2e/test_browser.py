"""A diner orders on a phone (Chromium, touch, 390x844) while the cook's wok screen is
open in another browser: the ticket appears on the kitchen screen live, and the cook's
Start and Bump reach the diner's page as item states, and the cashier closing the
table reaches it too, without a reload anywhere."""
from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import DEMO_PINS
from tests.e2e.live import KUNG_PAO, WAIT

pytest.importorskip("playwright")
from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("/usr/bin/chromium") is None, reason="Debian chromium not installed"),
]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True, "locale": "zh-HK"}
TIMEOUT_MS = 5000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def contexts(browser):
    """new_context(**options) -> a browser context whose pages' script errors are collected
    (the site has no /favicon.ico: that 404 is not counted)."""
    opened, errors = [], []

    def new_context(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("weberror", lambda e: errors.append(str(e.error)))
        context.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url')}")
                   if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico") else None)
        opened.append(context)
        return context

    new_context.errors = errors
    yield new_context
    for context in opened:
        context.close()


def sign_in_on_pad(page, user_id: int, pin: str) -> None:
    """Sign in on the /login page's name buttons and PIN pad."""
    page.click(f'[data-user="{user_id}"]')
    for key in pin:
        page.click(f'[data-key="{key}"]')
    page.click('[data-key="OK"]')


def test_diner_order_goes_live_to_the_kitchen_and_back(serve, contexts):
    live = serve()

    # The cook signs in on the PIN pad and lands on the wok screen.
    kitchen = contexts(viewport={"width": 1280, "height": 800}).new_page()
    kitchen.goto(f"{live.url}/kitchen/wok")
    expect(kitchen).to_have_url(f"{live.url}/login?next=/kitchen/wok&need=cook")
    sign_in_on_pad(kitchen, *DEMO_PINS["cook"])
    expect(kitchen).to_have_url(f"{live.url}/kitchen/wok")
    expect(kitchen.locator("#conn")).to_have_class("status-dot online")  # joined station:wok
    expect(kitchen.locator("[data-ticket]")).to_have_count(0)
    kitchen.evaluate("window.notReloaded = true")  # gone if the page reloads

    # The diner at T3 opens the table's link on a phone and orders Kung Pao Chicken.
    t3 = live.visit("T3")
    phone = contexts(**PHONE).new_page()
    phone.goto(t3["url"])
    expect(phone.locator(".table-name")).to_have_text("T3")
    phone.evaluate("window.notReloaded = true")
    phone.locator(f'button[data-dish="{KUNG_PAO}"]').tap()
    dialog = phone.locator("#dish-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("宮保雞丁")
    # Required single-choice groups (spice, size) come with their first option chosen.
    groups = dialog.locator("fieldset[data-group]")
    expect(groups).to_have_count(2)
    for i in range(2):
        radios = groups.nth(i).locator('input[type="radio"]')
        expect(radios.first).to_be_checked()
        expect(groups.nth(i).locator("input:checked")).to_have_count(1)
    phone.locator("#add-to-cart").tap()
    expect(dialog).to_be_hidden()
    phone.locator("#open-cart").tap()
    expect(phone.locator("#cart-dialog .cart-line")).to_have_count(1)
    phone.locator("#place-order").tap()

    order = phone.locator("#orders [data-order]")
    expect(order).to_have_count(1)
    expect(order).to_contain_text("宮保雞丁")
    expect(order.locator("[data-status]")).to_have_attribute("data-status", "queued")
    expect(phone.locator("#cart-dialog")).to_be_hidden()
    expect(phone.locator("#cartbar")).to_be_hidden()  # the cart was emptied

    # The ticket appears on the wok screen by itself.
    ticket = kitchen.locator("[data-ticket]", has_text="T3")
    expect(ticket).to_have_count(1)
    expect(ticket).to_contain_text("宮保雞丁")
    expect(ticket.locator(".mod")).to_have_text(["+ 不辣", "+ 例牌"])  # the pre-selected choices

    # Start, then Bump: the diner's item follows.
    ticket.locator("button.start").click()
    expect(ticket).to_have_class(re.compile(r"\bcooking\b"))
    expect(order.locator("[data-status]")).to_have_attribute("data-status", "cooking")
    ticket.locator("button.bump").click()
    expect(ticket).to_have_count(0)  # done tickets leave the screen
    expect(order.locator("[data-status]")).to_have_attribute("data-status", "ready")
    expect(order.locator(".chip.ready")).to_have_text("已完成")

    # The cashier takes the money and closes the table: the phone says so by itself.
    cashier = live.session("cashier")
    due = cashier.get(f"{live.url}/api/pos/visits/{t3['visit_id']}", timeout=WAIT).json()["totals"]["due"]
    assert cashier.post(f"{live.url}/api/pos/visits/{t3['visit_id']}/payments/cash", json={"tendered": due},
                        timeout=WAIT).status_code == 201
    assert cashier.post(f"{live.url}/api/pos/visits/{t3['visit_id']}/close", timeout=WAIT).status_code == 200
    expect(phone.locator("#closed")).to_be_visible()
    expect(phone.locator("#closed")).to_contain_text("此枱已結帳")

    assert kitchen.evaluate("window.notReloaded") is True and phone.evaluate("window.notReloaded") is True
    assert contexts.errors == []


@pytest.mark.parametrize("next_url", [
    "//evil.example/x",
    "https://evil.example/x",
    "/%5Cevil.example/x", "/%09/evil.example/x",
])
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
