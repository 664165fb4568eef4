"""Beat schedule of the deadlines app (collected by enforcement.celery). Times are Asia/Shanghai (CELERY_TIMEZONE).

Only the scan is scheduled: hourly, and at 08:30 for the start of the working day. Nothing is scheduled days ahead
in the broker; what is due is found in the database on each run, so a Redis restart loses nothing.
"""

from celery.schedules import crontab

BEAT = {
    "deadlines-scan-hourly": {
        "task": "deadlines.tasks.scan",
        "schedule": crontab(minute=5),
        "kwargs": {"trigger": "hourly"},
        "options": {"expires": 50 * 60},
    },
    "deadlines-scan-workday-start": {
        "task": "deadlines.tasks.scan",
        "schedule": crontab(hour=8, minute=30),
        "kwargs": {"trigger": "workday_start", "workday_start": True},
        "options": {"expires": 3 * 3600},
    },
}
