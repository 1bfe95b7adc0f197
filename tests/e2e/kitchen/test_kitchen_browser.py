"""The kitchen's screens in a real browser (Debian Chromium), on a live server whose clock
the test sets: a station screen driven by a bump bar's keys, with held dishes and the
all-day counts; the expo screen serving an order; a late order's apology on the diner's
phone once the scheduler's late check has run."""
from __future__ import annotations

import re

import pytest

from core.clock import FixedClock
from kitchen import expo
from tests.e2e.browser import BROWSER_TESTS, PHONE, staff_context
from tests.e2e.live import KUNG_PAO, MILD, REGULAR, WAIT

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

pytestmark = BROWSER_TESTS

CHOY_SUM, MAPO_TOFU = 14, 12
KP = {"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, REGULAR]}


def test_station_screen_by_bump_bar_keys(serve, contexts):
    clock = FixedClock()  # 04:00 UTC, 12:00 in Hong Kong
    live = serve(clock=clock)
    # T1: Kung Pao (8 min) fires now, the greens (5 min) are held 3 min to finish with it.
    assert live.post_order(live.token("T1"), [KP, {"dish_id": CHOY_SUM, "quantity": 1}]).status_code == 201
    # T2: Mapo tofu (7 min): both wok cooks are taken until 12:08, so it is held until then.
    assert live.post_order(live.token("T2"), [{"dish_id": MAPO_TOFU, "quantity": 2, "options": [1]}]).status_code == 201

    page = staff_context(contexts, live, "cook").new_page()
    page.goto(f"{live.url}/kitchen/wok")
    expect(page.locator("#conn")).to_have_class(re.compile(r"\bonline\b"))
    cards = page.locator("[data-ticket]")
    expect(cards).to_have_count(2)
    expect(cards.locator(".table")).to_have_text(["T1", "T2"])  # in fire order
    first, second = cards.nth(0), cards.nth(1)
    expect(first.locator("li.item .state")).to_have_text(["FIRE NOW 即做", re.compile(r"^HOLD 12:03 · [23]:\d\d$")])
    expect(second.locator("li.item .state")).to_have_text([re.compile(r"^HOLD 12:08 · [78]:\d\d$")])
    expect(page.locator("#allday li")).to_have_text(["2 麻婆豆腐", "1 宮保雞丁", "1 蒜蓉炒菜心"])

    # 2 selects T2's card; S starts it although it is held (the cook overrides the plan).
    page.keyboard.press("2")
    expect(second).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("s")
    t2 = page.locator("[data-ticket]", has_text="T2")
    expect(t2).to_have_class(re.compile(r"\bcooking\b"))
    expect(cards.locator(".table")).to_have_text(["T2", "T1"])  # started cards come first
    # Enter bumps the selected card: it leaves the screen and the all-day count drops.
    page.keyboard.press("Enter")
    expect(t2).to_have_count(0)
    expect(page.locator("#allday li")).to_have_text(["1 宮保雞丁", "1 蒜蓉炒菜心"])
    # R recalls the last bump: T2 is back, cooking.
    page.keyboard.press("r")
    expect(t2).to_have_count(1)
    expect(t2).to_have_class(re.compile(r"\bcooking\b"))
    # With a wok cook busy on T2 again, T1 is replanned: both its dishes are on hold now.
    t1 = page.locator("[data-ticket]", has_text="T1")
    expect(t1.locator("li.item.hold")).to_have_count(2)
    # Tapping a held item starts just that item.
    t1.locator("li.item", has_text="蒜蓉炒菜心").click()
    expect(t1.locator("li.item.cooking")).to_have_text(re.compile("蒜蓉炒菜心"))

    # A torn ticket: print it again, marked REPRINT.
    t2.locator("button.reprint").click()
    expect(page.locator("#notice")).to_have_text("Reprinting T2 #2 重印中")

    cook = live.session("cook")
    tickets = cook.get(f"{live.url}/api/kitchen/tickets?station=wok", timeout=WAIT).json()["tickets"]
    states = {t["table"]: [i["status"] for i in t["items"]] for t in tickets}
    assert states == {"T2": ["cooking"], "T1": ["queued", "cooking"]}
    from printers.model import PrintJob
    with live.ctx.db.read() as s:
        reprints = [j for j in s.query(PrintJob).filter_by(kind="kitchen_ticket") if j.document["reprint"]]
    assert len(reprints) == 1
    assert contexts.errors == []


def test_late_order_apology_then_served_from_the_expo(serve, contexts):
    clock = FixedClock()
    live = serve(clock=clock)
    t3 = live.visit("T3")
    phone = contexts(**PHONE).new_page()
    phone.goto(t3["url"])
    expect(phone.locator(".table-name")).to_have_text("T3")
    phone.evaluate("window.notReloaded = true")
    assert live.post_order(live.token("T3"), [KP]).status_code == 201  # another phone at the table orders
    order = phone.locator("#orders [data-order]")
    expect(order.locator(".promise")).to_have_text(" · 預計 12:13 前上齊")  # 8 min + 5 min margin
    expect(order.locator(".eta")).to_have_text("約 12:08")
    expect(order.locator(".apology")).to_have_count(0)

    clock.advance(minutes=13, seconds=1)
    assert expo.flag_late_orders(live.ctx) != []  # what the scheduler's kitchen-tick job runs
    expect(order.locator(".apology")).to_have_text("抱歉，您的菜比預計慢了，廚房正在加緊準備。")

    # The pass: the order shows LATE; the wok bumps it, the expeditor serves it.
    pass_page = staff_context(contexts, live, "cook").new_page()
    pass_page.goto(f"{live.url}/expo")
    expect(pass_page.locator("#conn")).to_have_class(re.compile(r"\bonline\b"))
    card = pass_page.locator("[data-order]", has_text="T3")
    expect(card.locator(".badge.late")).to_have_count(1)
    expect(card.locator("button.serve")).to_be_disabled()
    cook = live.session("cook")
    [ticket] = cook.get(f"{live.url}/api/kitchen/tickets?station=wok", timeout=WAIT).json()["tickets"]
    assert cook.post(f"{live.url}/api/kitchen/tickets/{ticket['id']}/bump", timeout=WAIT).status_code == 200
    expect(card).to_have_attribute("data-status", "ready")
    expect(order.locator("[data-status]")).to_have_attribute("data-status", "ready")
    card.locator("button.serve").click()
    expect(card).to_have_count(0)  # served orders leave the pass
    expect(order.locator("[data-status]")).to_have_attribute("data-status", "served")
    expect(order.locator(".chip.served")).to_have_text("已上菜")
    expect(order.locator(".apology")).to_have_count(0)
    assert phone.evaluate("window.notReloaded") is True
    assert contexts.errors == []
