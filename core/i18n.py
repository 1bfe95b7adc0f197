"""Languages: which one a diner gets, the fallback order of menu texts, and the
interface's message catalogues (Flask-Babel; the .po files in core/translations).

Language codes are the BCP 47 tags the settings and the menu use ("zh-Hant", "zh-Hans",
"en"); Babel's locale names ("zh_Hant") appear only here. The .po catalogues are compiled
into ``<var_dir>/translations`` when the app starts (and again whenever a .po is newer), so
neither a set-up step nor a committed binary can leave the interface out of date.
"""
from __future__ import annotations

import hashlib
import io
import os
import uuid
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOGUES = Path(__file__).parent / "translations"
DOMAIN = "messages"
NAMES = {"zh-Hant": "繁體中文", "zh-Hans": "简体中文", "en": "English"}  # each in its own language
SHORT = {"zh-Hant": "繁", "zh-Hans": "简", "en": "EN"}

# Regions that write Traditional or Simplified Chinese, for a phone that says only "zh-HK".
_HANT = ("hant", "tw", "hk", "mo")
_HANS = ("hans", "cn", "sg", "my")


def babel_locale(lang: str) -> str:
    """"zh-Hant" -> "zh_Hant": the folder and locale name Babel uses."""
    return lang.replace("-", "_")


def script_of(tag: str) -> str | None:
    """The menu language a browser's language tag means, for Chinese: zh-HK -> zh-Hant,
    zh-CN -> zh-Hans, zh-Hans-HK -> zh-Hans (a script subtag says more than a region);
    None when it does not say (plain "zh") or is not Chinese."""
    parts = tag.replace("_", "-").lower().split("-")
    if parts[0] != "zh" or len(parts) == 1:
        return None
    for script, lang in (("hant", "zh-Hant"), ("hans", "zh-Hans")):
        if script in parts[1:]:
            return lang
    if any(p in _HANT for p in parts[1:]):
        return "zh-Hant"
    if any(p in _HANS for p in parts[1:]):
        return "zh-Hans"
    return None


def negotiate(asked: str | None, remembered: str | None, accept: list[tuple[str, float]],
              languages: tuple[str, ...]) -> str:
    """The language to show: the one asked for in the link (?lang=), else the one the
    diner chose before (cookie), else the best of the browser's Accept-Language, else the
    restaurant's first. accept is [(tag, quality)], best first."""
    for lang in (asked, remembered):
        if lang in languages:
            return lang
    for tag, quality in accept:
        if quality <= 0:  # "not this one"
            continue
        if tag in languages:
            return tag
        chinese = script_of(tag)
        if chinese in languages:
            return chinese
        base = tag.split("-")[0].lower()
        if base == "zh":  # plain "zh", or a region we do not know: the restaurant's first Chinese
            zh = next((lang for lang in languages if lang.startswith("zh")), None)
            if zh:
                return zh
        match = next((lang for lang in languages if lang.split("-")[0].lower() == base), None)
        if match:
            return match
    return languages[0]


def fallbacks(lang: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    """Where a text missing in lang is looked for next: the other script of the same
    language first (a dish named only in Traditional Chinese is read by a Simplified
    reader more easily than its English name), then the restaurant's languages in order."""
    base = lang.split("-")[0]
    same = [x for x in languages if x != lang and x.split("-")[0] == base]
    if base == "zh" and lang not in ("zh-Hant", "zh-Hans"):
        same += [x for x in ("zh-Hant", "zh-Hans") if x not in same]
    rest = [x for x in languages if x != lang and x not in same]
    return (*same, *rest)


def compile_catalogues(out_dir: Path, src_dir: Path = CATALOGUES) -> list[Path]:
    """Compile each <src>/<locale>/LC_MESSAGES/messages.po into the same place under
    out_dir, unless the .mo there was made from the same .po (its SHA-256 is kept beside
    it: file times can lie after a copy). Returns the catalogues compiled."""
    done = []
    for po in sorted(src_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = out_dir / po.relative_to(src_dir).with_suffix(".mo")
        source = po.read_bytes()
        digest = hashlib.sha256(source).hexdigest()
        stamp = mo.with_suffix(".sha256")
        if mo.exists() and stamp.exists() and stamp.read_text() == digest:
            continue
        catalog = read_po(io.BytesIO(source), locale=po.parent.parent.name)
        mo.parent.mkdir(parents=True, exist_ok=True)
        # A file of its own, then an atomic rename: servers starting together never read
        # half a catalogue nor take each other's temporary file.
        tmp = mo.with_name(f"{mo.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        tmp.replace(mo)
        tmp.write_text(digest)
        tmp.replace(stamp)
        done.append(mo)
    return done
