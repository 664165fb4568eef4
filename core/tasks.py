from celery import shared_task

from .health import BEAT_KEY, heartbeat_write


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> float:
    """Sent by beat every minute and run by a worker: records that beat and a worker are alive (shown on /healthz)."""
    return heartbeat_write(BEAT_KEY)
