"""Celery tasks of the deadlines app. Beat only sends the scan message; everything due lives in the database."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone


@shared_task(name="deadlines.tasks.scan", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def scan(trigger: str = "beat", as_of: str | None = None, workday_start: bool = False, full: bool = False) -> dict:
    """Recompute deadlines, claim and deliver reminders. Idempotent: safe to run twice, concurrently, or again after
    a worker died mid-scan (the message is acknowledged late and redelivered).

    ``workday_start``: the 08:30 run does nothing on a rest day of the national calendar (the hourly runs cover it).
    ``full``: recompute and claim everything instead of what changed (after a bulk import that bypassed triggers).
    """
    from .services import calendar_for, deadlines_scan

    today = date.fromisoformat(as_of) if as_of else timezone.localdate()
    if workday_start and not calendar_for(None).is_working_day(today):
        return {"skipped": "rest day", "as_of": str(today)}
    result = deadlines_scan(today=today, trigger=trigger, full=full)
    return {"scan": str(result.scan_id), "as_of": str(today), "reminders": result.reminders, "emails": result.emails,
            "changed": result.recompute.changed if result.recompute else 0}
