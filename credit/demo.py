"""Demo data of the credit app: a few debtors listed as 失信 and published (two of them since removed, one with a
correction request waiting for review), a consumption restriction in force, a proposal waiting for the chief.
Through the services (dates between filing and today); deterministic for the seed; idempotent (nothing when the
court has measures)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Case, CaseParty, PartyKind, PartyRole, Stage

from . import services
from .models import CreditMeasure
from .services.measures import LISTABLE_CASE_TYPES


def _candidates(org, rng: random.Random) -> list[CaseParty]:
    cps = list(CaseParty.objects.filter(case__court=org.court, role=PartyRole.RESPONDENT,
                                        case__stage__in=[Stage.INVESTIGATION, Stage.CONTROL, Stage.NOTICE],
                                        case__officer__isnull=False, case__case_type__in=LISTABLE_CASE_TYPES)
               .select_related("case", "party", "case__officer").order_by("id")[:300])
    rng.shuffle(cps)
    return cps


def seed(org, *, seed: int, cases: int) -> str:
    if CreditMeasure.objects.filter(case__court=org.court).exists():
        return "already seeded"
    chief, clerk = org.staff.get("chief"), org.staff.get("clerk3") or org.staff.get("clerk1")
    if chief is None or clerk is None:
        return "no chief or clerk"
    rng = random.Random(seed + 21)
    today = timezone.localdate()
    plan = ["removed", "removed", "published", "published", "published_correction", "restriction", "proposed"]
    done: dict[str, int] = {}
    used_cases: set[int] = set()
    for cp in _candidates(org, rng):
        if not plan:
            break
        if cp.case_id in used_cases:
            continue
        step = plan[0]
        kind = "restriction" if step == "restriction" else "dishonest"
        case: Case = cp.case
        start = max(case.filed_on, today - timedelta(days=90))
        decided = start + timedelta(days=rng.randint(0, max(0, (today - start).days - 6)))
        try:
            m = services.measure_propose(
                actor=case.officer, case=case, case_party=cp, kind=kind, ground="" if kind == "restriction" else
                rng.choice(["1", "4"]), reasons="经调查，被执行人有履行能力而拒不履行。" if kind == "dishonest" else
                "被执行人未按执行通知书指定的期间履行给付义务。",
                conduct="有履行能力而拒不履行生效法律文书确定义务" if kind == "dishonest" else "")
            if step != "proposed":
                m = services.measure_approve(actor=chief, measure=m)
                m = services.measure_decide(actor=chief, measure=m, decided_on=decided)
                m = services.measure_serve(actor=clerk, measure=m, method="direct",
                                           served_on=decided + timedelta(days=1))
                if kind == "dishonest":
                    m = services.measure_publish(actor=clerk, measure=m, published_on=decided + timedelta(days=2))
            if step == "removed":
                m = services.removal_open(actor=case.officer, measure=m, ground="applicant",
                                          arose_on=decided + timedelta(days=4), note="申请执行人书面申请删除")
                services.measure_remove(actor=chief, measure=m, removed_on=min(today, decided + timedelta(days=5)))
            if step == "published_correction" and cp.party.kind == PartyKind.PERSON:
                services.correction_submit(measure=m, name=cp.party.name, phone="", channel="portal",
                                           grounds="本人已与申请执行人达成和解并履行，请求删除失信信息。")
        except (ValidationError, PermissionDenied):
            continue
        used_cases.add(cp.case_id)
        done[step] = done.get(step, 0) + 1
        plan.pop(0)
    return ", ".join(f"{k}: {v}" for k, v in done.items()) or "no case fits"
