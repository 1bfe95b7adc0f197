"""The diner's page in each language: the interface from the message catalogues, the menu
in the same language with a fallback, the choice remembered, and the dishes' tags."""
import re

import pytest

from core.context import NOBODY
from menu.model import Dish
from tests.helpers import boot_of, token_of


PAGE = {  # (html lang, a dish name, the place-order button, a status, the language nav's current)
    "zh-Hant": ("宮保雞丁", "落單", "製作中", "繁"),
    "zh-Hans": ("宫保鸡丁", "下单", "制作中", "简"),
    "en": ("Kung Pao Chicken", "Place order", "Cooking", "EN"),
}


@pytest.mark.parametrize("lang", list(PAGE))
def test_the_page_speaks_one_language(client, ctx, lang):
    dish, place, cooking, short = PAGE[lang]
    r = client.get(f"/v/{token_of(ctx)}?lang={lang}")
    html = r.get_data(as_text=True)
    boot = boot_of(html)
    assert f'<html lang="{lang}">' in html and boot["lang"] == lang
    assert boot["t"]["place"] == place and boot["t"]["cooking"] == cooking
    assert dish in [d["name"] for c in boot["menu"] for d in c["dishes"]]
    assert re.search(rf'<a [^>]*data-lang="{lang}"[^>]*aria-current="true">{short}</a>', html)
    # one language per page: the other languages' strings are not sent
    others = {PAGE[o][1] for o in PAGE if o != lang}
    assert not any(o in html for o in others)
    assert "lang=" + lang in r.headers["Set-Cookie"]  # remembered for the next scan


def test_the_choice_is_remembered_and_a_phone_gets_its_own_chinese(app, client, ctx):
    token = token_of(ctx)
    for accept, lang in (("zh-CN,zh;q=0.9", "zh-Hans"), ("zh-HK", "zh-Hant"), ("en-GB,en;q=0.8", "en")):
        phone = app.test_client()  # a phone that never chose
        assert boot_of(phone.get(f"/v/{token}", headers={"Accept-Language": accept}).get_data(as_text=True))[
            "lang"] == lang
    client.get(f"/v/{token}?lang=zh-Hans")  # the diner picks Simplified once...
    page = client.get(f"/v/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert boot_of(page)["lang"] == "zh-Hans"  # ...and keeps it, whatever the phone says
    assert client.get("/api/menu").get_json()[0]["name"] == "前菜"  # the API follows the same choice


def test_a_dish_not_yet_translated_falls_back_to_the_other_chinese(client, ctx):
    with ctx.db.write() as s:
        dish = s.get(Dish, 11)
        dish.names = {"zh-Hant": "宮保雞丁", "en": "Kung Pao Chicken"}  # no Simplified name yet
        dish.descriptions = {"en": "Chicken, peanuts, dried chillies"}
    menu = client.get("/api/menu?lang=zh-Hans").get_json()
    kung_pao = next(d for c in menu for d in c["dishes"] if d["id"] == 11)
    assert kung_pao["name"] == "宮保雞丁" and kung_pao["description"] == "Chicken, peanuts, dried chillies"


def test_the_menu_carries_diets_spice_and_allergens(client):
    dishes = {d["id"]: d for c in client.get("/api/menu?lang=en").get_json() for d in c["dishes"]}
    choy_sum, mapo, kung_pao = dishes[14], dishes[12], dishes[11]
    assert choy_sum["diet"] == ["vegetarian", "vegan"] and choy_sum["spice"] == 0
    assert mapo["spice"] == 2 and mapo["diet"] == []
    assert kung_pao["allergens"] == ["peanut", "soy"] and [g["min"] for g in kung_pao["groups"]] == [1, 1]


def test_the_closed_tables_page_speaks_the_diners_language(client, ctx):
    from pos.checks import payments
    from tests.helpers import visit_of
    token = token_of(ctx, "T2")
    payments.close_visit(ctx, visit_of(ctx, "T2"), NOBODY)
    hans = client.get(f"/v/{token}?lang=zh-Hans").get_data(as_text=True)
    assert "本桌已结账" in hans and "本桌账单已结，此链接不能再下单。" in hans
    assert "Scan the code" not in hans  # not the API's English message
    assert "This table's bill is settled" in client.get(f"/v/{token}?lang=en").get_data(as_text=True)
    assert "連結無效" in client.get("/v/not-a-token?lang=zh-Hant").get_data(as_text=True)


def test_a_relative_var_dir_still_finds_the_catalogues(settings, db, clock, tmp_path, monkeypatch):
    from pathlib import Path

    from app.demo import seed_demo
    from app.factory import create_app
    monkeypatch.chdir(tmp_path)
    app = create_app(settings.model_copy(update={"var_dir": Path("var")}), clock=clock, db=db)
    seed_demo(app.extensions["pos_ctx"])
    page = app.test_client().get(f"/v/{token_of(app.extensions['pos_ctx'])}?lang=zh-Hans")
    assert boot_of(page.get_data(as_text=True))["t"]["place"] == "下单"


PHONE = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def test_scripts_go_compressed_and_revalidate_but_a_byte_range_goes_as_it_is(client):
    from pathlib import Path

    from backports import zstd
    raw = (Path(__file__).resolve().parents[3] / "pos" / "diner" / "static" / "diner.js").read_bytes()
    full = client.get("/static/diner/diner.js", headers=PHONE)
    assert full.status_code == 200 and full.headers["Content-Encoding"] == "zstd"
    assert zstd.decompress(full.data) == raw and len(full.data) < len(raw) / 2
    again = client.get("/static/diner/diner.js", headers={**PHONE, "If-None-Match": full.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    last = len(raw) // 2  # a range inside the file, however long the script grows or shrinks
    part = client.get("/static/diner/diner.js", headers={**PHONE, "Range": f"bytes=100-{last}"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.headers["Content-Range"] == f"bytes 100-{last}/{len(raw)}" and part.data == raw[100:last + 1]
    page = client.get("/api/menu?lang=en", headers=PHONE)
    assert page.headers["Content-Encoding"] == "zstd" and "Accept-Encoding" in page.headers["Vary"]
