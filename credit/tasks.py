"""Periodic work of the credit app."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="credit.tasks.removal_grounds_scan")
def removal_grounds_scan() -> int:
    """Open the removals whose ground the system can see (paid in full, settlement performed, term expired,
    post-终本 queries found nothing...): each case in its own transaction, so one failure stops nothing else."""
    from .jobs import removal_grounds_scan_all

    return removal_grounds_scan_all()
