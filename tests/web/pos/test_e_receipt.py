"""The e-receipt (a closed check's link, the paper receipt's QR code) adds up as the paper
does: a comped dish says so and is not charged, an item's own discount sits under it, the
check discount once, in the diner's language."""
import html
import re

from core.context import NOBODY
from pos.checks import payments
from tests.helpers import KUNG_PAO, MILK_TEA, order, token_of, visit_of


def test_the_e_receipt_shows_comps_and_discounts_so_that_it_adds_up(client, ctx, sign_in):
    token = token_of(ctx, "T6")
    order(ctx, token, KUNG_PAO, MILK_TEA)
    visit = visit_of(ctx, "T6")
    sign_in(client, "manager")  # comps need a manager
    check = client.get(f"/api/pos/visits/{visit}").get_json()
    kung_pao, tea = (next(i["id"] for o in check["orders"] for i in o["items"] if i["dish_id"] == d["dish_id"])
                     for d in (KUNG_PAO, MILK_TEA))
    for body in ({"kind": "comp", "item_id": tea, "reason": "long wait"},
                 {"kind": "discount", "item_id": kung_pao, "amount": 1000, "reason": "x", "label": "熟客優惠 Regular"}):
        assert client.post(f"/api/pos/visits/{visit}/adjustments", json=body).status_code == 201
    payments.pay_cash(ctx, visit, 50000, NOBODY)
    payments.close_visit(ctx, visit, NOBODY)
    pages = {lang: client.get(f"/v/{token}?lang={lang}").get_data(as_text=True) for lang in ("zh-Hant", "zh-Hans", "en")}
    rows = receipt_rows(pages["zh-Hant"])
    assert any(c == "line comp" and w.startswith("1 × 港式奶茶") and a == "HK$27.00" for c, w, a in rows) and ("line-comp", "招待", "-HK$27.00") in rows
    assert ("line-discount", "熟客優惠 Regular", "-HK$10.00") in rows  # under the Kung Pao
    # 176.00 - 10.00 + 27.00 - 27.00 = 166.00, service 10 % 16.60: HK$182.60
    assert adds_up(rows) == {"subtotal": 16600, "total": 18260}
    assert "long wait" not in pages["zh-Hant"] and "long wait" not in pages["en"]
    words = {lang: [label for cls, label, _ in receipt_rows(page) if cls.startswith("sum")] for lang, page in pages.items()}
    assert words["zh-Hant"][:3] == ["小計", "服務費 (10%)", "合計"] and "現金" in words["zh-Hant"]
    assert words["zh-Hans"][:3] == ["小计", "服务费 (10%)", "合计"] and "现金" in words["zh-Hans"]
    assert words["en"][:3] == ["Subtotal", "Service charge (10%)", "Total"] and "Cash" in words["en"]
    assert all(adds_up(receipt_rows(page)) == {"subtotal": 16600, "total": 18260} for page in pages.values())


def receipt_rows(page: str) -> list[tuple[str, str, str]]:
    """The e-receipt's rows as (class, words, amount), as a reader sees them."""
    section = page[page.index('id="receipt"'):page.index("</section>")]
    return [(cls, html.unescape(re.sub(r"<[^>]+>", "", words)).replace("\xa0", " ").strip(), amount)
            for cls, words, amount in re.findall(r'<tr class="([^"]+)"><td>(.*?)</td><td class="amt">(.*?)</td></tr>',
                                                 section)]


def cents(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    return sign * int(text.lstrip("-").removeprefix("HK$").replace(",", "").replace(".", ""))


def adds_up(rows: list[tuple[str, str, str]]) -> dict[str, int]:
    """Add the rows up as they read: the lines to the subtotal, the subtotal and what follows
    to the total; the payments less the change to the total plus rounding and tips."""
    by_class = lambda name: [cents(a) for c, _, a in rows if c.split()[-1] == name or c == name]  # noqa: E731
    lines = sum(cents(a) for c, _, a in rows if c.startswith("line"))
    [subtotal], [total] = by_class("subtotal"), by_class("total")
    assert lines == subtotal
    assert subtotal + sum(by_class("discount")) + sum(by_class("service")) == total  # tax included: not added
    paid = sum(by_class("payment")) - sum(by_class("change"))
    assert paid == total + sum(by_class("rounding")) + sum(by_class("tip"))
    return {"subtotal": subtotal, "total": total}
