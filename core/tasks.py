from celery import shared_task

from .health import BEAT_KEY, heartbeat_write


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> float:
    """Sent by beat every minute and run by a worker: records that beat and a worker are alive (shown on /healthz)."""
    return heartbeat_write(BEAT_KEY)


@shared_task(name="core.tasks.idempotency_prune")
def idempotency_prune() -> int:
    """Forget idempotency claims older than ``core.idempotency.RETENTION`` (a retry comes within minutes, not days)."""
    from .idempotency import prune_expired

    return prune_expired()
