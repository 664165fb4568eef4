"""What the periodic task runs (kept apart from tasks.py so services never import the task module)."""

from __future__ import annotations

import logging
from datetime import date

from django.utils import timezone

log = logging.getLogger(__name__)


def removal_grounds_scan_all(*, today: date | None = None) -> int:
    from .services.removal import cases_with_grounds, removal_grounds_sync

    today = today or timezone.localdate()
    opened = 0
    for case in cases_with_grounds(today).iterator():
        try:
            opened += len(removal_grounds_sync(case=case, today=today))
        except Exception:  # one case's error must not stop the others; logged for the administrator
            log.exception("credit: removal grounds of case %s", case.pk)
    return opened
