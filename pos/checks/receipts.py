"""The till's paper: the customer receipt (and bill), the cash drawer pulse, and the next
party's QR slip, all queued on the receipt printer in the caller's transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.context import Context
from core.errors import Conflict
from core.time import local_text
from menu.model import localized
from pos.checks.presentation import receipt_lines
from pos.checks.summary import load_visit, money, visit_bill, visit_presentation
from pos.orders.model import Visit
from pos.orders.visits import visit_url
from printers import services as printing
from printers.routing import receipt_printer
from pos.orders.status import ItemStatus


def queue_drawer(ctx: Context, s: Session) -> None:
    """Open the cash drawer, through the receipt printer it is wired to (queued before the
    receipt, so the drawer opens first)."""
    if printer := receipt_printer(ctx):
        printing.enqueue(ctx, s, printer.name, "drawer", {})


def tender_label(ctx: Context, tender: str) -> str:
    if tender == "cash":
        return "Cash 現金"
    t = ctx.settings.pos.tender(tender)
    return t.label if t else tender


def receipt_data(ctx: Context, visit: Visit, lang: str | None = None) -> dict:
    """The customer receipt's layout data (printers.guest_slips.receipt) for a check as it is
    now, from its presentation (pos.checks.presentation): the diner's e-receipt shows the same."""
    r = ctx.settings.restaurant
    lang = lang or r.languages[0]
    shown = visit_presentation(ctx, visit)
    last = max((p for p in visit.payments if p.kind == "payment"), key=lambda p: p.id, default=None)
    return {
        "restaurant": r.name, "header_lines": list(r.receipt_header), "table": visit.label,
        "check_number": visit.id,
        "closed_at": local_text(last.created_at if last else ctx.clock.now(), r.tz),
        **receipt_lines(shown, money=lambda minor: money(ctx, minor),
                        name=lambda names: localized(names, lang, r.languages),
                        tender_label=lambda tender: tender_label(ctx, tender)),
        "footer": r.receipt_footer or None,
        "visit_url": visit_url(ctx, visit)}


def queue_receipt(ctx: Context, s: Session, visit: Visit, reprint: bool = False) -> str | None:
    """The customer receipt on the receipt printer; the printer's name, or None when there is none."""
    if printer := receipt_printer(ctx):
        printing.enqueue(ctx, s, printer.name, "receipt", {**receipt_data(ctx, visit), "reprint": reprint})
        return printer.name
    return None


def reprint_receipt(ctx: Context, visit_id: int) -> dict:
    """Print a check's receipt again (the diner wants a copy, the first one jammed), marked
    REPRINT once paid; an unpaid check prints as the bill."""
    with ctx.db.write() as s:
        visit = load_visit(s, visit_id)
        if not any(i.status != ItemStatus.VOIDED for o in visit.orders for i in o.items):
            raise Conflict("This check has nothing on it to print.", code="empty_check")
        # A paid check already printed its receipt: a copy says REPRINT. An unpaid one
        # prints its bill, which is not evidence of payment: no banner.
        printer = queue_receipt(ctx, s, visit, reprint=visit_bill(ctx, visit).due == 0)
        if printer is None:
            raise Conflict("No receipt printer is configured.", code="no_printer")
        return {"queued": True, "printer": printer}


def queue_qr_slip(ctx: Context, s: Session, table: str, url: str) -> None:
    """The next party's QR code, printed on the receipt printer as the table is closed."""
    if printer := receipt_printer(ctx):
        r = ctx.settings.restaurant
        printing.enqueue(ctx, s, printer.name, "qr_slip", {
            "restaurant": r.name, "table": table, "url": url,
            "printed_at": local_text(ctx.clock.now(), r.tz)})
