"""The scheduler: APScheduler 3, one per deployment, started only by ``run.py serve``.

A file lock in var/ makes sure a second server process on the same box does not
run the same jobs (APScheduler 3 has no cross-process locking). Jobs are declared
in JOBS as ``module:function`` references that take the context; each is a thin
entry point into a service.
"""
from __future__ import annotations

import fcntl
import logging
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler

from core.context import Context

log = logging.getLogger(__name__)


def prune_outbox(ctx: Context) -> None:
    from core.realtime import prune_outbox as prune
    removed = prune(ctx.db, ctx.clock, keep=timedelta(hours=24))
    if removed:
        log.info("pruned %d outbox events older than a day", removed)


BACKUP_AT_START_DELAY = timedelta(minutes=1)  # the first look for a due backup waits for the server to settle


def _nightly(settings) -> dict | None:
    hour, minute = settings.backup.hour_minute
    return ({"hour": hour, "minute": minute, "timezone": settings.restaurant.tz, "misfire_grace_time": 3600}
            if settings.backup.enabled else None)


# (job id, function, trigger, trigger arguments or a function of the settings giving them, None: not run)
JOBS = [
    ("prune-outbox", "app.scheduler:prune_outbox", "interval", {"minutes": 30}),
    ("kitchen-tick", "kitchen.jobs:kitchen_tick", "interval",
     lambda settings: {"seconds": settings.kitchen.late_check_seconds}),
    ("nightly-backup", "core.backup:nightly", "cron", _nightly),
    ("backup-due", "core.backup:if_due", "interval", lambda settings: {
        "hours": 1, "next_run_time": datetime.now(timezone.utc) + BACKUP_AT_START_DELAY} if settings.backup.enabled
        else None),
]


_lock_file = None


def start_scheduler(ctx: Context) -> BackgroundScheduler | None:
    global _lock_file
    path = ctx.settings.var_dir / "scheduler.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = open(path, "w")
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.close()
        log.info("another process runs the scheduler; not starting one here")
        return None
    _lock_file = lock_file  # held (open) for the life of the process
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for job_id, func, trigger, kwargs in JOBS:
        kwargs = kwargs(ctx.settings) if callable(kwargs) else kwargs
        if kwargs is not None:
            scheduler.add_job(func, trigger, id=job_id, args=[ctx], **kwargs)
    scheduler.start()
    return scheduler


def scheduler_running(var_dir) -> bool:
    """Whether a server process holds this var_dir's scheduler lock (so it is running)."""
    path = var_dir / "scheduler.lock"
    if not path.exists():
        return False
    with open(path) as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def stop_scheduler(scheduler: BackgroundScheduler) -> None:
    """Stop the jobs and let another process take the scheduler over."""
    global _lock_file
    scheduler.shutdown(wait=True)
    if _lock_file is not None:
        _lock_file.close()  # closing the file releases the flock
        _lock_file = None
