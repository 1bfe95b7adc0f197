"""Scheduled jobs of the kitchen (declared in app.scheduler.JOBS)."""
from __future__ import annotations

import logging

from app.context import Context
from kitchen import expo

log = logging.getLogger(__name__)


def flag_late_orders(ctx: Context) -> None:
    late = expo.flag_late_orders(ctx)
    if late:
        log.info("orders past their promised time: %s", late)
