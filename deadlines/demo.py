"""Demo data of the deadlines app: the national holiday calendar and a first computation of every deadline of the
demo cases, with the reminders that computation makes due (in-app notifications; e-mail digests go out with the
first real scan). Idempotent: the computation and the reminder claims change nothing when run again."""

from __future__ import annotations

import uuid

from django.utils import timezone

from . import engine
from .models import ScanRun
from .services import holidays_load_official, reminders_claim


def seed(org, *, seed: int, cases: int) -> str:
    loaded = holidays_load_official()
    today = timezone.localdate()
    scan_id = uuid.uuid4()
    started = timezone.now()
    result = engine.recompute(today=today, wait=True)
    reminders = reminders_claim(today=today, scan_id=scan_id)
    if not (loaded or result.changed or reminders):
        return "already seeded"
    ScanRun.objects.create(id=scan_id, trigger="demo", as_of=today, started_at=started, finished_at=timezone.now(),
                           recomputed=True, changed=result.changed, reminders=reminders)
    return f"holidays loaded: {loaded}; {result.rows} deadlines computed ({result.changed} changed), {reminders} reminders"
