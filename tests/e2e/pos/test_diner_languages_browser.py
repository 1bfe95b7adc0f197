"""The diner's phone in each language, in Chromium on a phone viewport: the page picks the
phone's language, filters the menu by diet and allergen (and remembers it), explains the
required choices, shows sold-out dishes, orders, follows the order and calls a waiter in
that language, and switching language keeps the cart and the choice."""
from __future__ import annotations

import re

import pytest

from tests.e2e.browser import BROWSER_TESTS, PHONE
from tests.e2e.live import KUNG_PAO, LARGE, MILD, WAIT

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

pytestmark = BROWSER_TESTS

MAPO, CHOY_SUM, BEER = 12, 14, 31
TEXT = {  # per language: what the diner reads
    "zh-Hant": dict(locale="zh-HK", vegetarian="素食", no_peanut="不含花生", rule="必選 1 項", kung_pao="宮保雞丁",
                    sold_out="已售罄", cart="查看訂單 · 1 項 · HK$148.00", queued="排隊中", waiter="叫侍應",
                    called="已通知侍應", spicy="辣", hidden="已按篩選隱藏 {n} 道菜", other="en",
                    other_name="Kung Pao Chicken"),
    "zh-Hans": dict(locale="zh-CN", vegetarian="素食", no_peanut="不含花生", rule="必选 1 项", kung_pao="宫保鸡丁",
                    sold_out="已售罄", cart="查看订单 · 1 项 · HK$148.00", queued="排队中", waiter="呼叫服务员",
                    called="已通知服务员", spicy="辣", hidden="已按筛选隐藏 {n} 道菜", other="zh-Hant",
                    other_name="宮保雞丁"),
    "en": dict(locale="en-US", vegetarian="Vegetarian", no_peanut="No Peanut", rule="choose 1",
               kung_pao="Kung Pao Chicken", sold_out="Sold out", cart="View order · 1 item · HK$148.00",
               queued="Queued", waiter="Call a waiter", called="A waiter has been called", spicy="Spicy",
               hidden="{n} dishes hidden by your filters", other="zh-Hans", other_name="宫保鸡丁"),
}


@pytest.mark.parametrize("lang", list(TEXT))
def test_the_diners_phone_in_each_language(serve, contexts, lang):
    text = TEXT[lang]
    live = serve()
    live.session("cook").post(f"{live.url}/api/menu/dishes/{BEER}/sold-out", json={"sold_out": True}, timeout=WAIT)
    table = live.visit("T4")
    phone = contexts(**{**PHONE, "locale": text["locale"]}).new_page()
    phone.goto(table["url"])  # no ?lang=: the phone's own language
    expect(phone.locator("html")).to_have_attribute("lang", lang)
    expect(phone.locator(f'.langs a[data-lang="{lang}"]')).to_have_attribute("aria-current", "true")
    dishes = phone.locator("button[data-dish]")
    total = dishes.count()
    assert total == 31

    # Sold out: shown, said, not orderable. Spice named for the diner.
    beer = phone.locator(f'button[data-dish="{BEER}"]')
    expect(beer).to_be_disabled()
    expect(beer.locator(".badge")).to_have_text(text["sold_out"])
    expect(phone.locator(f'button[data-dish="{MAPO}"] .spice')).to_have_attribute("aria-label", text["spicy"])

    # Filters: vegetarian keeps only vegetarian dishes; remembered after a reload; "show all".
    veg = phone.locator('[data-filter="diet:vegetarian"]')
    expect(veg).to_have_text(text["vegetarian"])
    expect(phone.locator("#hidden-note")).to_have_count(0)
    expect(phone.locator("#filters")).not_to_contain_text("null")  # nothing hidden, nothing said
    veg.tap()
    expect(veg).to_have_attribute("aria-pressed", "true")
    vegetarian = phone.locator("button[data-dish]:has([data-diet=vegetarian])")
    n_veg = vegetarian.count()
    assert 0 < n_veg < total
    expect(dishes).to_have_count(n_veg)
    expect(phone.locator("#hidden-note")).to_contain_text(text["hidden"].format(n=total - n_veg))
    phone.reload()
    expect(phone.locator('[data-filter="diet:vegetarian"]')).to_have_attribute("aria-pressed", "true")
    expect(dishes).to_have_count(n_veg)
    phone.locator("#show-all").tap()
    expect(dishes).to_have_count(total)
    phone.locator('[data-filter="avoid:peanut"]').tap()
    expect(phone.locator('[data-filter="avoid:peanut"]')).to_have_text(text["no_peanut"])
    expect(phone.locator(f'button[data-dish="{KUNG_PAO}"]')).to_have_count(0)
    expect(phone.locator("button[data-dish][data-dish]:has([data-allergens*=peanut])")).to_have_count(0)
    phone.locator('[data-filter="avoid:peanut"]').tap()  # off again

    # The required choices, explained; then order.
    phone.locator(f'button[data-dish="{KUNG_PAO}"]').tap()
    dialog = phone.locator("#dish-dialog")
    expect(dialog.locator("h2")).to_have_text(text["kung_pao"])
    expect(dialog.locator(".rule")).to_have_text([text["rule"], text["rule"]])
    dialog.locator(f'input[value="{MILD}"]').tap()
    dialog.locator(f'input[value="{LARGE}"]').tap()
    phone.locator("#add-to-cart").tap()
    expect(phone.locator("#open-cart")).to_have_text(text["cart"])
    phone.locator("#open-cart").tap()
    phone.locator("#place-order").tap()
    order = phone.locator("#orders [data-order]")
    expect(order).to_have_count(1)
    expect(order.locator(".chip")).to_have_text(text["queued"])
    expect(order).to_contain_text(text["kung_pao"])

    # Calling a waiter, in the same language.
    phone.locator("#call-waiter").tap()
    expect(phone.locator("#call-waiter")).to_have_text(text["waiter"])
    expect(phone.locator(".help-status")).to_have_text(text["called"])

    # Another language: the same table's order, now in that language; the choice stays.
    phone.locator(f'.langs a[data-lang="{text["other"]}"]').tap()
    expect(phone.locator("html")).to_have_attribute("lang", text["other"])
    expect(order).to_contain_text(text["other_name"])
    phone.goto(table["url"])
    expect(phone.locator("html")).to_have_attribute("lang", text["other"])
    assert re.search(r"\?lang=", phone.url) is None
    assert contexts.errors == []


def test_a_cart_survives_switching_language(serve, contexts):
    live = serve()
    table = live.visit("T5")
    phone = contexts(**PHONE).new_page()
    phone.goto(f"{table['url']}?lang=en")
    phone.locator(f'button[data-dish="{CHOY_SUM}"]').tap()
    phone.locator("#add-to-cart").tap()
    expect(phone.locator("#open-cart")).to_have_text("View order · 1 item · HK$58.00")
    phone.locator('.langs a[data-lang="zh-Hans"]').tap()
    expect(phone.locator("#open-cart")).to_have_text("查看订单 · 1 项 · HK$58.00")
    phone.locator("#open-cart").tap()
    expect(phone.locator("#cart-dialog .cart-line")).to_contain_text("蒜蓉炒菜心")
    assert contexts.errors == []


def test_the_menu_works_before_and_without_the_socket(serve, contexts):
    # A crowded Wi-Fi: the Socket.IO script and its connection never arrive. The menu is
    # drawn from the page itself, and ordering is plain HTTP.
    live = serve()
    table = live.visit("T6")
    context = contexts(**PHONE)
    context.route("**/vendor/socket.io*", lambda route: route.abort())
    context.route("**/socket.io/**", lambda route: route.abort())
    phone = context.new_page()
    phone.goto(f"{table['url']}?lang=en")
    expect(phone.locator("button[data-dish]")).to_have_count(31)
    phone.locator(f'button[data-dish="{CHOY_SUM}"]').tap()
    phone.locator("#add-to-cart").tap()
    phone.locator("#open-cart").tap()
    phone.locator("#place-order").tap()
    expect(phone.locator("#orders [data-order] [data-status]")).to_have_attribute("data-status", "queued")
    cashier = live.session("cashier").get(f"{live.url}/api/pos/visits/{table['visit_id']}", timeout=WAIT).json()
    assert len(cashier["orders"]) == 1
    assert phone.evaluate("typeof window.io") == "undefined"  # it really ran without the socket
    # nothing broke but the blocked download itself
    assert [e for e in contexts.errors if "socket.io" not in e] == []


def test_photos_load_lazily_at_phone_size(serve, contexts):
    from menu.demo_photos import seed_demo_photos
    live = serve()
    seed_demo_photos(live.ctx)
    table = live.visit("T7")
    context = contexts(**PHONE)  # 390 px wide at 3 device pixels per CSS pixel
    fetched = []
    context.on("request", lambda r: fetched.append(r.url) if "/photos/" in r.url else None)
    phone = context.new_page()
    phone.goto(f"{table['url']}?lang=en")
    thumbs = phone.locator("button[data-dish] img.thumb")
    expect(thumbs).to_have_count(31)
    first = thumbs.first
    expect(first).to_have_attribute("src", re.compile(r"/photos/dishes/\d+/160\.webp"))
    expect(first).to_have_js_property("complete", True)
    # a 64 px thumbnail at 3x: the 320 px WebP, not the original
    assert re.search(r"/320\.webp\?v=", phone.evaluate("document.querySelector('button[data-dish] img.thumb').currentSrc"))
    assert all(re.search(r"/photos/dishes/\d+/320\.webp\?v=[0-9a-f]{12}$", u) for u in fetched), fetched
    on_load = len(fetched)
    assert 0 < on_load <= 12  # only those on or near the screen
    beer = phone.locator(f'button[data-dish="{BEER}"] img')
    expect(beer).not_to_have_attribute("src", re.compile("."))  # far below: not fetched
    phone.locator(f'button[data-dish="{BEER}"]').scroll_into_view_if_needed()
    expect(beer).to_have_attribute("src", re.compile(r"/photos/dishes/31/"))  # fetched when it came near
    expect(beer).to_have_js_property("complete", True)
    assert len(fetched) > on_load
    phone.locator(f'button[data-dish="{CHOY_SUM}"]').tap()
    hero = phone.locator("#dish-dialog img.hero")
    expect(hero).to_be_visible()
    expect(hero).to_have_js_property("complete", True)
    assert re.search(r"/960\.webp\?v=", phone.evaluate("document.querySelector('#dish-dialog img.hero').currentSrc"))
    assert contexts.errors == []
