"""Beat schedule of the core app (collected by enforcement.celery)."""

from celery.schedules import crontab

BEAT = {
    "core-idempotency-prune": {
        "task": "core.tasks.idempotency_prune",
        "schedule": crontab(hour=3, minute=40),
        "options": {"expires": 6 * 3600},
    },
}
