"""Which printer prints what: a station's kitchen tickets go to the station's printer, the
till's paper (receipts, the drawer kick, QR slips, the Z report) to the receipt printer.
None when there is no such printer or it is switched off (nothing is queued then)."""
from __future__ import annotations

from core.context import Context
from core.settings import PrinterSettings


def _enabled(printer: PrinterSettings | None) -> PrinterSettings | None:
    return printer if printer is not None and printer.enabled else None


def station_printer(ctx: Context, station: str) -> PrinterSettings | None:
    st = ctx.settings.station(station)
    return _enabled(ctx.settings.printer(st.printer if st else None))


def receipt_printer(ctx: Context) -> PrinterSettings | None:
    return _enabled(ctx.settings.printer(ctx.settings.printing.receipt_printer))
