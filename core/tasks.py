from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> str:
    """Records that beat and a worker are alive; shown on /healthz."""
    now = timezone.now().isoformat()
    cache.set("celery-heartbeat", now, timeout=None)
    return now


@shared_task(name="core.tasks.idempotency_prune")
def idempotency_prune() -> int:
    """Forget idempotency claims older than ``core.idempotency.RETENTION`` (a retry comes within minutes, not days)."""
    from .idempotency import prune_expired

    return prune_expired()
