"""Beat schedule of the notices app (collected by enforcement.celery)."""

from celery.schedules import crontab

BEAT = {
    "notices-batch-sweep": {
        "task": "notices.tasks.batch_sweep",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
}
