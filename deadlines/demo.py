"""Demo data of the deadlines app: the national holiday calendar and, as the last step of seeding (seed_demo runs it
after every other app), a deadline scan as of today: seizures past their expiry lapse, every deadline of the demo
cases is computed and the reminders that makes due are claimed (in-app notifications; e-mail digests go out with the
first real scan). So the badges (unread notifications, overdue counts) agree with their pages from the first page
view. Idempotent: the scan changes nothing when run again."""

from __future__ import annotations

import uuid

from django.utils import timezone

from . import engine
from .models import ScanRun
from .services import _lapse_controls, holidays_load_official, reminders_claim


def seed(org, *, seed: int, cases: int) -> str:
    loaded = holidays_load_official()
    today = timezone.localdate()
    scan_id = uuid.uuid4()
    started = timezone.now()
    lapsed = _lapse_controls(today) or 0
    result = engine.recompute(today=today, wait=True)
    reminders = reminders_claim(today=today, scan_id=scan_id)
    if not (loaded or lapsed or result.changed or reminders):
        return "already seeded"
    ScanRun.objects.create(id=scan_id, trigger="demo", as_of=today, started_at=started, finished_at=timezone.now(),
                           recomputed=True, changed=result.changed, reminders=reminders)
    return f"holidays loaded: {loaded}; {result.rows} deadlines computed ({result.changed} changed), {reminders} reminders"
