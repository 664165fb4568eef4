"""Celery tasks of the inquiry app."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(name="inquiry.tasks.post_zhongben_batches", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def post_zhongben_batches(as_of: str | None = None) -> dict:
    """One automatic post-终本 batch per court with cases due (inquiry.services.zhongben). Idempotent: a second run,
    concurrent or later, finds the requests open and makes nothing; one court's failure does not stop the others."""
    from accounts.models import Court

    from .services.zhongben import post_zhongben_batch_create

    today = date.fromisoformat(as_of) if as_of else timezone.localdate()
    made = {}
    for court in Court.objects.order_by("id"):
        try:
            batch = post_zhongben_batch_create(court=court, today=today)
        except Exception:  # logged; the next run tries again
            log.exception("post-终本 batch for court %s failed", court.pk)
            continue
        if batch is not None:
            made[court.code] = batch.number
    return {"as_of": str(today), "batches": made}
