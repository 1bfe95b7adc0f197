"""Languages: which one a phone gets, where a missing menu text comes from, and the
interface catalogues being complete (every string on the diner's pages translated)."""
import os
import re
import threading
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from core.i18n import CATALOGUES, compile_catalogues, fallbacks, negotiate, script_of
from menu.model import localized

LANGS = ("zh-Hant", "zh-Hans", "en")
REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("tag, script", [
    ("zh-HK", "zh-Hant"), ("zh-TW", "zh-Hant"), ("zh-Hant-HK", "zh-Hant"), ("zh_MO", "zh-Hant"),
    ("zh-CN", "zh-Hans"), ("zh-Hans", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh", None), ("en-GB", None),
    ("zh-Hans-HK", "zh-Hans"), ("zh-Hans-TW", "zh-Hans"), ("zh-Hant-CN", "zh-Hant")])  # the script says more
def test_a_chinese_tag_names_its_script(tag, script):
    assert script_of(tag) == script


@pytest.mark.parametrize("asked, cookie, accept, want", [
    ("en", "zh-Hans", [("zh-HK", 1)], "en"),              # the link's ?lang= wins
    (None, "zh-Hans", [("en", 1)], "zh-Hans"),            # then the choice remembered on the phone
    ("fr", "xx", [("zh-CN", 1), ("en", .5)], "zh-Hans"),  # unknown choices are ignored
    (None, None, [("zh-HK", 1)], "zh-Hant"),
    (None, None, [("zh-TW", 1)], "zh-Hant"),
    (None, None, [("zh", 1)], "zh-Hant"),                 # plain Chinese: the restaurant's first Chinese
    (None, None, [("en-US", 1), ("zh-CN", .8)], "en"),
    (None, None, [("fr-FR", 1), ("zh-CN", .8)], "zh-Hans"),
    (None, None, [("fr-FR", 1)], "zh-Hant"),              # nothing matches: the restaurant's first
    (None, None, [], "zh-Hant"),
    (None, None, [("fr", 1), ("zh-Hans", 0), ("en", .5)], "en"),  # q=0: not this one
])
def test_negotiate(asked, cookie, accept, want):
    assert negotiate(asked, cookie, accept, LANGS) == want


def test_a_restaurant_without_simplified_chinese_gives_traditional_to_a_mainland_phone():
    assert negotiate(None, None, [("zh-CN", 1)], ("en", "zh-Hant")) == "zh-Hant"
    assert negotiate(None, None, [("en-AU", 1)], ("zh-Hant", "en")) == "en"


def test_fallbacks_try_the_other_chinese_script_before_english():
    assert fallbacks("zh-Hans", LANGS) == ("zh-Hant", "en")
    assert fallbacks("zh-Hant", LANGS) == ("zh-Hans", "en")
    assert fallbacks("en", LANGS) == ("zh-Hant", "zh-Hans")
    only_hant = {"zh-Hant": "叉燒飯", "en": "BBQ Pork on Rice"}
    assert localized(only_hant, "zh-Hans", fallbacks("zh-Hans", LANGS)) == "叉燒飯"
    assert localized({"en": "Soup"}, "zh-Hans", fallbacks("zh-Hans", LANGS)) == "Soup"
    assert localized({"zh-Hans": "汤"}, "en", fallbacks("en", LANGS)) == "汤"
    assert localized({}, "en", fallbacks("en", LANGS)) == ""


# -- the catalogues ---------------------------------------------------------------------------

def _source_messages() -> set[str]:
    with open(REPO / "core" / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    ids = set()
    for folder in ("core", "app", "pos", "menu", "kitchen", "staff", "printers"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(REPO / folder, method_map, options_map):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("locale", ["zh_Hant", "zh_Hans"])
def test_every_interface_string_is_translated(locale):
    source = _source_messages()
    assert len(source) > 80  # the extraction found the diner page's strings
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f, locale=locale)
    ids = {m.id for m in catalogue if m.id}
    assert source - ids == set(), "new strings: run pybabel extract and update (README, Languages)"
    assert ids - source == set(), "strings no longer in the code: run pybabel update"
    for m in catalogue:
        if not m.id:
            continue
        assert m.string and "fuzzy" not in m.flags, m.id
        assert set(re.findall(r"\{\w+\}", m.id)) == set(re.findall(r"\{\w+\}", m.string)), m.id
    if locale == "zh_Hans":  # written in Simplified characters, not copied from Traditional
        hant = {m.id: m.string for m in read_po(open(CATALOGUES / "zh_Hant" / "LC_MESSAGES" / "messages.po", "rb"))}
        assert catalogue["Place order"].string == "下单" and hant["Place order"] == "落單"
        assert sum(m.string != hant[m.id] for m in catalogue if m.id) > 60


def test_catalogues_are_compiled_again_when_their_po_changes(tmp_path):
    src = tmp_path / "src" / "xx" / "LC_MESSAGES"
    src.mkdir(parents=True)
    po = src / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "Send"\nmsgstr "送出"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert compile_catalogues(out, tmp_path / "src") == [out / "xx" / "LC_MESSAGES" / "messages.mo"]
    assert compile_catalogues(out, tmp_path / "src") == []  # up to date
    from babel.support import Translations
    assert Translations.load(str(out), ["xx"]).gettext("Send") == "送出"
    po.write_text(po.read_text(encoding="utf-8").replace("送出", "發送"), encoding="utf-8")
    mo = out / "xx" / "LC_MESSAGES" / "messages.mo"
    os.utime(po, (mo.stat().st_mtime - 3600, mo.stat().st_mtime - 3600))  # copied with an old date
    assert compile_catalogues(out, tmp_path / "src") == [mo]
    assert Translations.load(str(out), ["xx"]).gettext("Send") == "發送"


def test_servers_starting_together_compile_without_tripping_on_each_other(tmp_path):
    # Several processes (here threads) compiling into one var/ at once: each writes its own
    # temporary file, so none fails and every one leaves a whole catalogue.
    for round_ in range(5):
        out = tmp_path / f"out{round_}"
        errors = []

        def start():
            try:
                compile_catalogues(out)
            except Exception as e:  # noqa: BLE001 - any failure is the finding
                errors.append(e)

        threads = [threading.Thread(target=start) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        from babel.support import Translations
        assert Translations.load(str(out), ["zh_Hans"]).gettext("Place order") == "下单"
        assert not list(out.rglob("*.tmp"))
