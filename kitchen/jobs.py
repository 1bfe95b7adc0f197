"""Scheduled jobs of the kitchen (declared in app.scheduler.JOBS)."""
from __future__ import annotations

import logging

from core.context import Context
from kitchen import expo, services

log = logging.getLogger(__name__)


def kitchen_tick(ctx: Context) -> None:
    """Keep the plan true to the clock, then flag orders past their promised time."""
    services.refresh_plan(ctx)
    late = expo.flag_late_orders(ctx)
    if late:
        log.info("orders past their promised time: %s", late)
