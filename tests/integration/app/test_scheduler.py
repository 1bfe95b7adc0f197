"""The scheduler's jobs: declared once, run by one process, each a thin entry point into a
service (run here by calling the job the scheduler holds, on an injected clock)."""
from datetime import timedelta

from app.scheduler import start_scheduler, stop_scheduler
from kitchen import services as kitchen
from tests.helpers import KUNG_PAO, order, token_of


def test_jobs_are_scheduled_once_per_box_and_the_kitchen_tick_flags_late_orders(ctx, clock):
    scheduler = start_scheduler(ctx)
    try:
        assert scheduler is not None
        jobs = {j.id: j for j in scheduler.get_jobs()}
        assert set(jobs) == {"prune-outbox", "kitchen-tick", "nightly-backup", "backup-due"}
        assert jobs["kitchen-tick"].trigger.interval.total_seconds() == ctx.settings.kitchen.late_check_seconds
        assert start_scheduler(ctx) is None  # a second process on the box runs none
        data, _ = order(ctx, token_of(ctx), {**KUNG_PAO, "quantity": 1})
        clock.advance(minutes=30)
        jobs["kitchen-tick"].func(*jobs["kitchen-tick"].args)
        [ticket] = kitchen.open_tickets(ctx, "wok")["tickets"]
        assert ticket["late"] is True and ticket["items"][0]["due_at"] == (clock.now() + timedelta(seconds=480)).isoformat()
    finally:
        stop_scheduler(scheduler)
    again = start_scheduler(ctx)  # the lock was released: another process may take over
    assert again is not None
    stop_scheduler(again)
