"""Demo data for delegation between courts: four requests from 甘0503's open cases, consistent with the cases' dates.

* answered: an investigation sent to 甘0502 25 days ago, accepted by its clerk, answered by its officer 10 days ago
  (the reply is on the case's timeline);
* pending: a service of documents sent to 甘0502 5 days ago, waiting for acceptance;
* overdue: a freeze sent to 甘0502 45 days ago, accepted, no reply (over the 30 days: on both dashboards);
* external: a service sent to a court outside the system 20 days ago, its reply not yet recorded.

Written through the services (so numbers, papers, logs and timeline entries are the real ones), then dated back
(the delegation's dates, its log and the case's timeline entries). Deterministic and idempotent: nothing happens if
甘0503 already has delegations or 甘0502 has no team and clerk. Runs before the deadlines' scan.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from accounts.models import Court, Team
from cases.models import Case, CaseEvent, Stage

from . import bounds
from .models import Delegation, DelegationEvent

PAPER = b"%PDF-1.4\n% demo paper\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ACTIVE = (Stage.REGISTERED, Stage.NOTICE, Stage.INVESTIGATION, Stage.CONTROL, Stage.DISPOSAL, Stage.PAYOUT)


def _paper(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PAPER, content_type="application/pdf")


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def _backdate(d: Delegation, *, sent, accepted=None, answered=None) -> None:
    fields = {"sent_on": sent}
    if accepted:
        fields.update(accepted_on=accepted)
    if answered:
        fields.update(answered_on=answered, started_on=accepted or answered)
    Delegation.objects.filter(pk=d.pk).update(**fields)
    days = {"created": sent, "sent": sent, "accepted": accepted, "answered": answered}
    for event in DelegationEvent.objects.filter(delegation=d):
        if days.get(event.type):
            DelegationEvent.objects.filter(pk=event.pk).update(at=_at(days[event.type]))
    types = {"delegation_sent": sent, "delegation_accepted": accepted, "delegation_answered": answered}
    for event in CaseEvent.objects.filter(case_id=d.case_id, parameters__delegation_id=d.pk):
        if types.get(event.type):
            CaseEvent.objects.filter(pk=event.pk).update(at=_at(types[event.type]))


def seed(org, *, seed: int, cases: int) -> str:
    from .services import delegation_accept, delegation_create, delegation_reply, delegation_send

    court = org.court
    if Delegation.objects.filter(sending_court=court).exists():
        return ""
    other = Court.objects.filter(code="甘0502").first()
    team = Team.objects.filter(court=other).order_by("id").first() if other else None
    clerk = org.staff.get("qz_clerk")
    officer = org.staff.get("qz_officer")
    if not (other and team and clerk and officer):
        return ""
    rng = random.Random(seed + 23)
    today = timezone.localdate()
    candidates = list(Case.objects.filter(court=court, stage__in=ACTIVE, officer__isnull=False,
                                          filed_on__lte=today - timedelta(days=50),
                                          amount_claimed__gt=F("amount_recovered") + 10000)
                      .select_related("officer").order_by("id")[:300])
    candidates = [c for c in candidates if c.officer.is_active]
    if len(candidates) < 4:
        return ""
    answered_case, pending_case, overdue_case, external_case = rng.sample(candidates, 4)

    d = delegation_create(actor=answered_case.officer, case=answered_case, kind="investigate", receiving_court=other,
                          instructions="请协助调查被执行人在秦州区名下的不动产及车辆登记情况，并将调查结果函复本院。",
                          papers=[_paper("委托调查函附件-生效判决书.pdf")])
    d = delegation_send(actor=answered_case.officer, delegation=d)
    d = delegation_accept(actor=clerk, delegation=d, team=team, officer=officer)
    delegation_reply(actor=officer, delegation=d, outcome="done",
                     result="经查，被执行人在秦州区名下有住宅一套（秦州区民主西路某小区），无登记车辆。调查笔录随函附送。",
                     papers=[_paper("调查笔录.pdf")])
    _backdate(d, sent=today - timedelta(days=25), accepted=today - timedelta(days=22),
              answered=today - timedelta(days=10))

    d = delegation_create(actor=pending_case.officer, case=pending_case, kind="serve", receiving_court=other,
                          instructions="请代为向被执行人送达执行通知书、报告财产令，并将送达回证寄回本院。",
                          papers=[_paper("执行通知书.pdf"), _paper("报告财产令.pdf")])
    d = delegation_send(actor=pending_case.officer, delegation=d)
    _backdate(d, sent=today - timedelta(days=5))

    available = bounds.available_for_control(overdue_case)
    amount = min(Decimal(rng.randint(2, 5) * 10000), available).quantize(Decimal("0.01"))
    freeze = amount >= 1000  # nothing left to freeze (all held already): ask for an investigation instead
    d = delegation_create(actor=overdue_case.officer, case=overdue_case, kind="freeze" if freeze else "investigate",
                          receiving_court=other, amount=amount if freeze else None,
                          instructions=("请协助冻结被执行人在秦州区开户银行的存款，冻结期限一年，并函复冻结结果。" if freeze
                                        else "请协助调查被执行人在秦州区的银行开户及存款情况，并函复调查结果。"),
                          papers=[_paper("执行裁定书.pdf")])
    d = delegation_send(actor=overdue_case.officer, delegation=d)
    delegation_accept(actor=clerk, delegation=d, team=team, officer=officer)
    _backdate(d, sent=today - timedelta(days=45), accepted=today - timedelta(days=40))

    d = delegation_create(actor=external_case.officer, case=external_case, kind="serve",
                          external_court_name="四川省成都市锦江区人民法院", external_court_address="四川省成都市锦江区（示例地址）",
                          instructions="请代为向住所地在贵院辖区的被执行人送达执行通知书。",
                          papers=[_paper("执行通知书.pdf")])
    d = delegation_send(actor=external_case.officer, delegation=d)
    _backdate(d, sent=today - timedelta(days=20))
    return "4 delegations (answered, pending, overdue, to a court outside the system)"


