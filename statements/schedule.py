"""Beat schedule of the statements app (collected by enforcement.celery)."""

from celery.schedules import crontab

BEAT = {
    "statements-escalations-notify": {
        "task": "statements.tasks.escalations_notify",
        # Working hours, every hour at :20: a line is reported once (escalated_at), the day it becomes overdue.
        "schedule": crontab(minute=20, hour="8-18"),
        "options": {"expires": 3000},
    },
}
