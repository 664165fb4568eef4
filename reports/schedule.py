"""Periodic tasks of the reports (collected by enforcement/celery.py). Times are Asia/Shanghai (CELERY_TIMEZONE)."""

from celery.schedules import crontab

BEAT = {
    # 周结周报: every Monday at 07:00 for the week before.
    "reports-weekly": {"task": "reports.tasks.weekly_reports", "schedule": crontab(minute=0, hour=7, day_of_week=1)},
    # Keep the dashboard's rollup fresh (a full rebuild per court; seconds on a million cases).
    "reports-rollup-refresh": {"task": "reports.tasks.rollup_refresh", "schedule": crontab(minute="*/15")},
}
