"""Beat schedule of the supervision app (collected by enforcement.celery)."""

from celery.schedules import crontab

BEAT = {
    # Dispatch deadlines are minutes long: checked every minute; a ticket is escalated once (escalated_at).
    "supervision-dispatch-escalate": {
        "task": "supervision.tasks.dispatch_escalate",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Supervision replies are due by date: escalated from 00:10 on the day after the due date, re-checked hourly.
    "supervision-orders-escalate": {
        "task": "supervision.tasks.orders_escalate",
        "schedule": crontab(minute=10),
        "options": {"expires": 3000},
    },
}
