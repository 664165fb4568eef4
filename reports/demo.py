"""Demo data of the reports: two special campaigns and the weekly reports of the last four weeks.

Idempotent (does nothing once the campaigns exist) and deterministic. Only the last 4 weeks get snapshots: each
needs a PDF (about 2 s), and 52 of them would make the demo seed slow.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction

from cases.models import Case

from . import engine
from .models import Campaign
from .periods import Period
from .selectors import ReportScope

CAMPAIGNS = [
    ("根治欠薪·农民工工资专项执行行动", "集中执行涉农民工工资、劳动报酬案件，保障农民工按时足额拿到工资。", "涉民生", 0.6),
    ("金融不良债权清收专项行动", "集中清收金融机构申请执行的不良债权案件，重点查控被执行人名下房产、股权。", None, 0.06),
]
WEEKS = 4


def seed(org, *, seed: int, cases: int) -> str:
    court = org.court
    if Campaign.objects.filter(court=court, name=CAMPAIGNS[0][0]).exists():
        return "already seeded"
    ids = list(Case.objects.filter(court=court).order_by("pk").values_list("pk", "tags"))
    if not ids:
        return "no cases to report on"
    rng = random.Random(seed)
    today = engine.today()
    chief = org.staff.get("chief")
    with transaction.atomic():
        for name, description, tag, share in CAMPAIGNS:
            pool = [pk for pk, tags in ids if tag is None or tag in (tags or [])]
            chosen = sorted(rng.sample(pool, max(1, int(len(pool) * share)))) if pool else []
            campaign = Campaign.objects.create(court=court, name=name, description=description,
                                               starts_on=today - timedelta(days=180), ends_on=today + timedelta(days=90),
                                               created_by=chief)
            Campaign.cases.through.objects.bulk_create(
                [Campaign.cases.through(campaign_id=campaign.pk, case_id=pk) for pk in chosen])
    from django.utils import translation

    from .services import snapshot_create

    engine.rollup_rebuild(court.pk)
    last = Period.containing("week", today).previous()
    made = 0
    with translation.override("zh-hans"):
        for i in range(WEEKS):
            period = last
            for _ in range(i):
                period = period.previous()
            snapshot_create(scope=ReportScope(court=court), period=period, actor=None, automatic=True, refresh=False)
            made += 1
    return f"{len(CAMPAIGNS)} campaigns, {made} weekly reports"
