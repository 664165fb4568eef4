"""Beat schedule of the messaging app: the outbox every minute (messages of new case events, then due sends)."""

from celery.schedules import crontab

BEAT = {
    "messaging-outbox": {
        "task": "messaging.tasks.outbox",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
}
