"""The REPRINT and REDIRECTED banners that mark a document on top (pure, like
printers/layout.py, whose build() applies them)."""
from __future__ import annotations

from .blocks import centered, text
from .wrapping import PAPER_DOTS, columns_for


def reprint_banner() -> dict:
    return text("REPRINT", "xlarge", True, "center")


def redirected_banner() -> dict:
    return text("REDIRECTED", "xlarge", True, "center")


def _only_drawer(document: list[dict]) -> bool:
    return all(b["type"] == "drawer" for b in document)


def marked_reprint(document: list[dict]) -> list[dict]:
    """The document with the REPRINT banner on top (once), for a job that may already have
    printed: staff must never take a duplicate for a new order. A drawer kick gets none."""
    banner = reprint_banner()
    if document[:1] == [banner] or _only_drawer(document):
        return document
    return [banner, *document]


def marked_redirected(document: list[dict], from_printer: str, paper_mm: int | None = None) -> list[dict]:
    """The document with a REDIRECTED banner on top (under a REPRINT banner, if any): it
    prints at a backup printer because its own printer (named) kept failing.

    Idempotent: a document that already says REDIRECTED keeps its banner and the first
    printer it came from (the one whose station it belongs to), so a job that fails over
    twice never stacks two banners. The printer name is wrapped for `paper_mm`; without it,
    for the narrowest paper, which fits any printer. A drawer kick gets no banner.
    """
    at = 1 if document[:1] == [reprint_banner()] else 0
    if document[at:at + 1] == [redirected_banner()] or _only_drawer(document):
        return document
    cols = columns_for(paper_mm or min(PAPER_DOTS), "normal")
    return [*document[:at], redirected_banner(), centered(f"from printer {from_printer}", cols),
            *document[at:]]
