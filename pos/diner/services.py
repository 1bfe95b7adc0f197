"""What the diner's phone reads: the check without staff-only details, and the receipt
of a closed visit."""
from __future__ import annotations

from core.context import Context
from core.errors import Conflict
from pos.checks import receipts
from pos.checks.summary import check_dict, load_visit
from pos.orders.visits import visit_for_token


def diner_view(ctx: Context, token: str, lang: str) -> dict:
    """The check as the diner's phone shows it: staff-only details (card references,
    discount reasons) left out."""
    with ctx.db.read() as s:
        visit = load_visit(s, visit_for_token(ctx, s, token).id)
        check = check_dict(ctx, visit, lang)
        for p in check["payments"]:
            p["reference"] = None
        for a in check["adjustments"]:
            a["reason"] = ""
        return check


def closed_receipt(ctx: Context, token: str, lang: str) -> dict:
    """The receipt of the visit a token names, once its table is closed: the QR code on the
    paper receipt (and a diner's bookmarked link) keeps showing what was ordered and paid."""
    with ctx.db.read() as s:
        visit = load_visit(s, visit_for_token(ctx, s, token, closed_ok=True).id)
        if visit.is_open:
            raise Conflict("This table is still open.", code="visit_open")
        return charge_labels(receipts.receipt_data(ctx, visit, lang))


def charge_labels(receipt: dict) -> dict:
    """The service and tax lines' words in the page's language (the catalogues; said here,
    as their percent sign would trip the template's message formatting)."""
    from flask_babel import gettext
    for line in receipt["service_lines"]:
        line["label"] = gettext("Service charge ({pct}%)").replace("{pct}", line["rate"])
    for line in receipt["tax_lines"]:
        words = gettext("Tax included ({pct}%)") if line["included"] else gettext("Tax ({pct}%)")
        line["label"] = words.replace("{pct}", line["rate"])
    return receipt
