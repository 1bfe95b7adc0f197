"""The cashier's check operations on the terminal, in a real browser (Debian Chromium).

A table's service from the till: a discount the cashier may give, a void and a comp that
ask for the manager's PIN on the terminal (a wrong PIN is refused in the dialog), the check
split in two equal parts, one paid by card with a tip and the terminal's reference and the
other in cash with change, the receipt printed, the table closed; the audit page lists it
all with the approving manager; the cashier closes the day with the counted cash and the
manager's PIN, and the Z report shows the service (and prints). And: a discount too big for a cashier asks the manager when
the server refuses it, discounts come off again with their ×, a split by items, a refund."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from pos.checks.model import AuditEntry
from pos.register import services as register
from printers.model import PrintJob
from tests.conftest import DEMO_PINS
from tests.e2e.browser import BROWSER_TESTS, staff_context
from tests.e2e.live import KUNG_PAO, LARGE, MILD, WAIT

pytest.importorskip("playwright")
from playwright.sync_api import expect

pytestmark = BROWSER_TESTS

MANAGER_ID = DEMO_PINS["manager"][0]


def dish_ids(live) -> dict[str, int]:
    """The demo menu's dish ids by English name."""
    from menu.model import Dish
    with live.ctx.db.read() as s:
        return {names["en"]: dish_id for dish_id, names in s.execute(select(Dish.id, Dish.names))}


def check_items(live, visit_id: int) -> dict[str, int]:
    """The check's item ids by English dish name."""
    check = live.session("cashier").get(f"{live.url}/api/pos/visits/{visit_id}", timeout=WAIT).json()
    return {i["names"]["en"]: i["id"] for o in check["orders"] for i in o["items"]}


def open_table(contexts, live, table: dict, role: str = "cashier"):
    page = staff_context(contexts, live, role).new_page()
    page.goto(f"{live.url}/pos")
    expect(page.locator("#conn")).to_have_class("status-dot online")
    page.locator(f'[data-table="{table["table_id"]}"]').click()
    return page


def approve(page, pin: str) -> None:
    """Pick the manager in the approval dialog and type the PIN on its pad."""
    dialog = page.locator("#approval-dialog")
    dialog.locator(f'[data-manager="{MANAGER_ID}"]').click()
    for key in pin:
        dialog.locator(f'[data-pin-key="{key}"]').click()
    dialog.locator('[data-pin-key="OK"]').click()


def expected_refusals(errors: list[str], status: int, path: str, times: int = 1) -> None:
    """Take out of the collected console errors the refusals the test caused on purpose
    (Chromium logs every 4xx answer to a fetch as an error): exactly `times` of them."""
    found = [e for e in errors if f"status of {status}" in e and path in e]
    assert len(found) == times, (status, path, errors)
    for e in found:
        errors.remove(e)


def test_table_service_from_the_terminal_with_manager_approvals_split_tender_and_audit(serve, contexts):
    live = serve()
    dish = dish_ids(live)
    t4 = live.visit("T4")
    assert live.post_order(live.token("T4"), [
        {"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE]},   # HK$148.00
        {"dish_id": dish["Garlic Choy Sum"], "quantity": 1},              # HK$58.00
        {"dish_id": dish["Soup of the Day"], "quantity": 1},              # HK$28.00
        {"dish_id": dish["Tsingtao Beer"], "quantity": 2},                # HK$76.00
    ]).status_code == 201
    items = check_items(live, t4["visit_id"])

    pos = open_table(contexts, live, t4)
    check = pos.locator("#check")
    totals = check.locator(".sum.total")  # Total, Due
    expect(totals).to_have_text([re.compile(r"HK\$341\.00"), re.compile(r"HK\$341\.00")])  # 310 + 10 % service
    discount_the_kung_pao(pos, check, items["Kung Pao Chicken"])
    void_the_soup_and_comp_the_choy_sum(pos, check, totals, items["Soup of the Day"], items["Garlic Choy Sum"])
    pay_in_two_parts_and_close_the_table(live, pos, check, totals)
    check_the_audit_page(contexts, live, pos)
    close_the_day(live, pos)
    expected_refusals(contexts.errors, 401, "/api/pos/items/")  # the wrong PIN
    assert contexts.errors == []


def discount_the_kung_pao(pos, check, kung_pao: int) -> None:
    """A 10 % discount on the Kung Pao: within what a cashier may give, so no manager."""
    check.locator(f'tr[data-item="{kung_pao}"]').click()
    item_dialog = pos.locator("#item-dialog")
    expect(item_dialog).to_be_visible()
    expect(item_dialog.locator("h2")).to_have_text("1 × 宮保雞丁")
    item_dialog.locator("#act-discount").click()
    expect(item_dialog.locator('[data-mode="percent"]')).to_have_attribute("aria-pressed", "true")
    item_dialog.locator('.quick-value[data-value="10"]').click()
    item_dialog.locator("#action-submit").click()
    expect(item_dialog.locator(".error-box")).to_have_text("Give a reason 請填寫原因")  # a reason is required
    item_dialog.locator(".quick-reason", has_text="Regular guest").click()
    expect(item_dialog.locator("#action-reason")).to_have_value("Regular guest 熟客")
    item_dialog.locator("#action-submit").click()
    expect(item_dialog).to_have_count(0)
    expect(pos.locator("#approval-dialog")).to_have_count(0)  # never asked
    discount = check.locator("tr.adj.discount[data-adjustment]")
    expect(discount).to_have_count(1)
    expect(discount).to_contain_text("Discount 折扣 10% · Regular guest 熟客")
    expect(discount.locator(".amt")).to_have_text("-HK$14.80")
    # Under its item, as on the receipt: the subtotal is what the lines above add up to (310.00 - 14.80).
    expect(check.locator('.sum[data-sum="subtotal"] .amt')).to_have_text("HK$295.20")


def void_the_soup_and_comp_the_choy_sum(pos, check, totals, soup: int, choy_sum: int) -> None:
    """Voiding the soup needs the manager: a wrong PIN is refused in the dialog, the right one voids."""
    item_dialog = pos.locator("#item-dialog")
    soup_row = check.locator(f'tr[data-item="{soup}"]')
    soup_row.click()
    item_dialog.locator("#act-void").click()
    item_dialog.locator("#action-reason").fill("Guest changed mind")
    item_dialog.locator("#action-submit").click()
    approval = pos.locator("#approval-dialog")
    expect(approval).to_be_visible()
    expect(approval.locator("#approval-why")).to_contain_text("A void needs a manager's approval.")
    expect(approval.locator("[data-manager]")).to_have_text([re.compile("May 美姐"), re.compile("Admin")])
    approve(pos, "9999")
    expect(approval.locator(".error-box")).to_have_text("Wrong PIN 密碼錯誤")
    expect(approval.locator("#approval-pin")).to_have_text("")  # the PIN is cleared for another try
    expect(soup_row).to_have_attribute("data-status", "queued")  # nothing voided
    pos.keyboard.type("3333")  # the dialog takes a keyboard's digits too
    expect(approval.locator("#approval-pin")).to_have_text("••••")
    pos.keyboard.press("Enter")
    expect(approval).to_have_count(0)
    expect(item_dialog).to_have_count(0)
    expect(soup_row).to_have_class(re.compile(r"\bvoided\b"))
    expect(soup_row.locator(".chip")).to_have_text("Voided 已取消")
    # Comping the choy sum: the manager approves on the pad.
    check.locator(f'tr[data-item="{choy_sum}"]').click()
    item_dialog.locator("#act-comp").click()
    item_dialog.locator(".quick-reason", has_text="Long wait").click()
    item_dialog.locator("#action-submit").click()
    expect(approval.locator("#approval-why")).to_contain_text("A comp needs a manager's approval.")
    approve(pos, "3333")
    expect(item_dialog).to_have_count(0)
    comp = check.locator(f'tr[data-item="{choy_sum}"] + tr.adj.comp')
    expect(comp).to_contain_text("Comp 招待 · Long wait 等候太耐")
    expect(comp.locator(".amt")).to_have_text("-HK$58.00")
    # 148 - 14.80 + 76 = 209.20, plus 10 % service
    expect(totals).to_have_text([re.compile(r"HK\$230\.12"), re.compile(r"HK\$230\.12")])


def pay_in_two_parts_and_close_the_table(live, pos, check, totals) -> None:
    """Split in two equal parts, paid by card and in cash; the receipt; the table closed."""
    check.locator("#split").click()
    split_dialog = pos.locator("#split-dialog")
    expect(split_dialog.locator('[data-split="equal"]')).to_have_attribute("aria-pressed", "true")
    expect(split_dialog.locator("#split-n")).to_have_text("2")
    split_dialog.locator("#split-go").click()
    expect(split_dialog).to_have_count(0)
    parts = check.locator("#split-parts .split-part")
    expect(parts).to_have_count(2)
    expect(parts).to_have_text([re.compile(r"HK\$115\.06"), re.compile(r"HK\$115\.06")])
    # The first part by card, with a tip and the card terminal's reference.
    check.locator('.tenders [data-tender="card"]').click()
    expect(check.locator("#tendered")).to_have_count(0)
    parts.nth(0).click()
    expect(check.locator("#pay-amount")).to_have_value("115.06")
    check.locator("#pay-tip").fill("10")
    check.locator("#take-payment").click()
    expect(check.locator("#check-error")).to_contain_text("type the terminal's reference")  # it asks first
    check.locator("#pay-reference").fill("AUTH4321")
    check.locator("#take-payment").click()
    expect(check.locator("#pay-notice")).to_have_text("Card 信用卡 HK$115.06 + tip 小費 HK$10.00 ✓ paid 已收")
    card = check.locator("#payments tr.payment")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Card 信用卡")
    expect(card).to_contain_text("Ref 參考 AUTH4321")
    expect(card).to_contain_text("Tip 小費 HK$10.00")
    expect(parts.nth(0)).to_have_class(re.compile(r"\bpaid\b"))
    expect(totals.last).to_contain_text("HK$115.06")
    # The rest in cash: the part fills the cash field; the guest hands over HK$200.
    check.locator('.tenders [data-tender="cash"]').click()
    parts.nth(1).click()
    expect(check.locator("#tendered")).to_have_value("115.06")
    # Cash is counted in ten cents (restaurant.cash_rounding): HK$115.06 settles with HK$115.10.
    expect(check.locator("#cash-due")).to_have_text("Cash due 現金應付 HK$115.10 (rounded 調整 HK$0.04)")
    check.locator("#tendered").fill("200")
    check.locator("#take-cash").click()
    expect(check.locator("#change")).to_contain_text("HK$84.90")
    expect(totals.last).to_contain_text("HK$0.00")
    expect(check.locator("#payments tr.payment")).to_have_count(2)
    # The receipt printed by itself once paid; a copy on demand.
    receipt = check.locator("button.print-receipt")
    expect(receipt).to_have_text("Print receipt 列印收據")
    receipt.click()
    expect(receipt).to_have_text("Sent to receipt 已送出")
    with live.ctx.db.read() as s:
        receipts = [j.document for j in s.scalars(select(PrintJob).where(PrintJob.kind == "receipt")
                                                  .order_by(PrintJob.id))]
    assert [r["reprint"] for r in receipts] == [False, True]
    first = receipts[0]
    assert first["total"] == "HK$230.12" and first["tip"] == "HK$10.00" and first["change"] == "HK$84.90"
    assert first["rounding"] == "HK$0.04"  # the cash part, rounded up to ten cents
    # the card was charged the part and the tip
    assert first["payments"][0] == {"tender": "card", "label": "Card 信用卡", "amount": "HK$125.06", "reference": "AUTH4321",
                                    "tip": "HK$10.00"}  # the tip under its tender
    assert [ln["name"] for ln in first["lines"]] == ["宮保雞丁", "蒜蓉炒菜心", "青島啤酒"]  # the soup is voided
    check.locator("#close-table").click()
    expect(pos.locator("#check h2")).to_have_text("T4 closed 已結帳")
    expect(pos.locator("#next-link")).to_have_attribute("href", live.visit("T4")["url"])  # the next guests' link


def check_the_audit_page(contexts, live, pos) -> None:
    """The audit page is for managers: the cashier's link leads to the PIN screen."""
    pos.locator("#audit-link").click()
    expect(pos).to_have_url(re.compile(r"/login\?next=/pos/audit&need=manager$"))
    audit = staff_context(contexts, live, "manager").new_page()
    audit.goto(f"{live.url}/pos/audit")
    rows = audit.locator("#audit tbody tr")
    expect(rows.locator("td.action")).to_have_text(["Drawer opened 開錢箱", "Comp 招待", "Void 取消", "Discount 折扣"])
    void, comped, discounted = (audit.locator(f'#audit tr[data-action="{a}"]') for a in ("void", "comp", "discount"))
    expect(void.locator("td.staff")).to_have_text("Ling 阿玲")
    expect(void.locator("td.approver")).to_have_text("May 美姐")
    expect(void.locator("td.reason")).to_have_text("Guest changed mind")
    expect(void.locator("td.amount")).to_have_text("HK$28.00")
    expect(void.locator("td.details")).to_contain_text(re.compile(r"Dish 菜式: .*Soup of the Day"))
    expect(void.locator("td.details")).to_contain_text("老火例湯")
    expect(comped.locator("td.approver")).to_have_text("May 美姐")
    expect(comped.locator("td.reason")).to_have_text("Long wait 等候太耐")
    expect(discounted.locator("td.approver")).to_have_text("")  # within the cashier's limit
    expect(discounted.locator("td.details")).to_contain_text("Percent 百分比: 10%")
    with live.ctx.db.read() as s:
        at = s.scalar(select(AuditEntry.at).where(AuditEntry.action == "void"))
    local = at.astimezone(ZoneInfo(live.ctx.settings.restaurant.timezone))
    expect(void.locator("td.at")).to_contain_text(local.strftime("%Y-%m-%d %H:%M:%S"))  # the restaurant's time, written as everywhere
    # Filters: by action, by staff member (who did it or approved it), by the restaurant's days.
    audit.locator("#f-action").select_option("void")
    expect(rows).to_have_count(1)
    expect(audit).to_have_url(re.compile(r"/pos/audit\?action=void$"))
    audit.locator("#f-action").select_option("")
    audit.locator("#f-staff").select_option(str(MANAGER_ID))
    expect(rows.locator("td.action")).to_have_text(["Comp 招待", "Void 取消"])
    audit.locator("#f-staff").select_option("")
    day = local.date()
    audit.locator("#f-since").fill(day.isoformat())
    audit.locator("#f-until").fill(day.isoformat())
    expect(rows).to_have_count(4)
    audit.locator("#f-since").fill((day + timedelta(days=1)).isoformat())
    audit.locator("#f-until").fill((day + timedelta(days=1)).isoformat())
    expect(rows).to_have_count(0)
    expect(audit.locator("#audit-status")).to_have_text("No entries 沒有記錄")
    audit.locator("#f-until").fill((day - timedelta(days=1)).isoformat())
    expect(audit.locator("#audit-error")).to_have_text("The end date is before the start 結束日期早於開始日期")


def close_the_day(live, pos) -> None:
    """The end of the day: the cashier closes the register with the counted cash, the manager
    approves with their PIN, and the Z report shows this service and goes to the printer."""
    running = register.current(live.ctx)
    day = pos.context.new_page()
    day.goto(f"{live.url}/pos/day")
    expect(day.locator("#expected")).to_contain_text(running["formatted"]["expected"])
    day.locator("#counted").fill(f"{(running['expected'] - 100) / 100:.2f}")  # HK$1.00 short
    day.locator("#approver").select_option(str(MANAGER_ID))
    day.locator("#approver-pin").fill(DEMO_PINS["manager"][1])
    day.locator("#close-register").click()
    expect(day.locator("#report h2")).to_contain_text("Z report 日結報表")
    expect(day.locator("#cash")).to_contain_text("-HK$1.00")
    expect(day.locator("#by-dish")).to_contain_text("宮保雞丁")
    expect(day.locator("#by-tender")).to_contain_text("Card 信用卡")
    expect(day.locator("#adjustments")).to_contain_text("Voids 取消")
    with live.ctx.db.read() as s:
        [z] = s.scalars(select(PrintJob).where(PrintJob.kind == "day_report")).all()
    assert z.document["cash"]["difference"] == "-HK$1.00"


def test_big_discount_asks_the_manager_when_refused_and_comes_off_again_split_by_items_and_refund(serve, contexts):
    live = serve()
    dish = dish_ids(live)
    t6 = live.visit("T6")
    assert live.post_order(live.token("T6"), [
        {"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE]},   # HK$148.00
        {"dish_id": dish["Tsingtao Beer"], "quantity": 2},                # HK$76.00
    ]).status_code == 201
    items = check_items(live, t6["visit_id"])
    pos = open_table(contexts, live, t6)
    check = pos.locator("#check")
    totals = check.locator(".sum.total")
    expect(totals.first).to_contain_text("HK$246.40")

    # Half off the whole check is more than a cashier may give: the server refuses, the
    # terminal asks for the manager; cancelling leaves the check as it was.
    check.locator("#discount-check").click()
    dialog = pos.locator("#discount-dialog")
    dialog.locator('.quick-value[data-value="50"]').click()
    dialog.locator("#action-reason").fill("Friends of the owner")
    dialog.locator("#action-submit").click()
    approval = pos.locator("#approval-dialog")
    expect(approval.locator("#approval-why")).to_contain_text("This discount needs a manager's approval.")
    approval.locator("#approval-cancel").click()
    expect(approval).to_have_count(0)
    expect(dialog.locator(".error-box")).to_be_hidden()
    expect(check.locator("#check-adjustments")).to_have_count(0)
    dialog.locator("#action-submit").click()
    approve(pos, "3333")
    expect(dialog).to_have_count(0)
    discount = check.locator("#check-adjustments tr.adj")
    expect(discount).to_contain_text("Check discount 全單折扣 50% · Friends of the owner")
    expect(totals.first).to_contain_text("HK$123.20")

    # The × takes it off again.
    discount.locator(".remove-adj").click()
    expect(check.locator("#check-adjustments")).to_have_count(0)
    expect(totals.first).to_contain_text("HK$246.40")

    # Split by items: the beers are guest 2's.
    check.locator("#split").click()
    split = pos.locator("#split-dialog")
    split.locator('[data-split="items"]').click()
    beer = split.locator(f'.split-item[data-item="{items["Tsingtao Beer"]}"]')
    expect(beer.locator(".assign.on")).to_have_text("1")  # everything starts with guest 1
    beer.locator('.assign[data-guest="2"]').click()
    expect(beer.locator(".assign.on")).to_have_text("2")
    split.locator("#split-go").click()
    parts = check.locator("#split-parts .split-part")
    expect(parts).to_have_text([re.compile(r"Guest 1 客人 1.*HK\$162\.80"), re.compile(r"Guest 2 客人 2.*HK\$83\.60")])
    pay_by_card_and_refund_part_of_it(pos, check, totals, approval)
    expected_refusals(contexts.errors, 403, "/adjustments", times=2)  # approval_required, before each approval
    assert contexts.errors == []


def pay_by_card_and_refund_part_of_it(pos, check, totals, approval) -> None:
    """All of it by card (the amount starts at what is due), then part of it refunded."""
    check.locator('.tenders [data-tender="card"]').click()
    expect(check.locator("#pay-amount")).to_have_value("246.40")
    check.locator("#pay-reference").fill("R-77")
    check.locator("#take-payment").click()
    expect(totals.last).to_contain_text("HK$0.00")
    check.locator("#payments tr.payment .refund-payment").click()
    refund = pos.locator("#refund-dialog")
    expect(refund.locator("#refund-amount")).to_have_value("246.40")
    refund.locator("#refund-amount").fill("300")
    refund.locator(".quick-reason", has_text="Overcharged").click()
    refund.locator("#action-submit").click()
    expect(refund.locator(".error-box")).to_have_text("Refund up to HK$246.40 最多可退 HK$246.40")
    refund.locator("#refund-amount").fill("20")
    refund.locator("#action-submit").click()
    expect(approval.locator("#approval-why")).to_contain_text("A refund needs a manager's approval.")
    approve(pos, "3333")
    expect(refund).to_have_count(0)
    expect(check.locator("#payments tr.refund")).to_contain_text("Refund 退款 · Card 信用卡")
    expect(check.locator("#payments tr.refund .amt")).to_have_text("-HK$20.00")
    expect(check.locator("#payments tr.payment .refund-payment")).to_be_visible()  # HK$226.40 more may go back


def test_a_manager_at_the_terminal_voids_without_being_asked(serve, contexts):
    live = serve()
    t2 = live.visit("T2")
    assert live.post_order(live.token("T2"), [{"dish_id": KUNG_PAO, "quantity": 1, "options": [MILD, LARGE]}]
                           ).status_code == 201
    item = check_items(live, t2["visit_id"])["Kung Pao Chicken"]
    pos = open_table(contexts, live, t2, "manager")
    row = pos.locator(f'#check tr[data-item="{item}"]')
    row.click()
    pos.locator("#item-dialog #act-void").click()
    pos.locator("#item-dialog .quick-reason", has_text="Ordered by mistake").click()
    pos.locator("#item-dialog #action-submit").click()
    expect(row).to_have_attribute("data-status", "voided")
    expect(pos.locator("#item-dialog")).to_have_count(0)
    expect(pos.locator("#approval-dialog")).to_have_count(0)
    expect(pos.locator("#check .sum.total").last).to_contain_text("HK$0.00")
    assert contexts.errors == []


def test_a_price_change_asks_the_manager_and_is_audited(serve, contexts):
    live = serve()
    t2 = live.visit("T2")
    assert live.post_order(live.token("T2"), [{"dish_id": KUNG_PAO, "quantity": 2, "options": [MILD, LARGE]}]
                           ).status_code == 201
    item = check_items(live, t2["visit_id"])["Kung Pao Chicken"]
    pos = open_table(contexts, live, t2)
    pos.locator(f'#check tr[data-item="{item}"]').click()
    pos.locator("#item-dialog #act-price").click()
    pos.locator("#item-dialog #price-value").fill("50")
    pos.locator("#item-dialog .quick-reason", has_text="Staff meal").click()
    pos.locator("#item-dialog #action-submit").click()
    expect(pos.locator("#approval-dialog #approval-why")).to_contain_text("A price change needs a manager's approval.")
    approve(pos, "3333")
    expect(pos.locator(f'#check tr[data-item="{item}"] .amt').first).to_have_text("HK$100.00")
    from pos.checks import audit
    [entry] = audit.audit_log(live.ctx, action="price_override")
    assert (entry["approver"], entry["details"]["new_unit_price"], entry["reason"]) == ("May 美姐", 5000, "Staff meal 員工餐")
    assert contexts.errors == []
