"""Service KPIs: petitions answered on time and resolved, asset leads checked on time, 终本 reviews, funds paid out
within 30 days - and the "三个90%、一个80%" targets shown against them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from assets.models import LedgerEntry
from cases.models import ClosureRequest, Lead, Petition
from reports import engine
from reports.periods import Period
from reports.selectors import ReportScope, drilldown, kpi_table

from .helpers import bulk, case_row

TZ = ZoneInfo("Asia/Shanghai")
JUNE = Period.containing("month", date(2025, 6, 1))


def at(d: date, h: int = 10) -> datetime:
    return datetime.combine(d, time(h), tzinfo=TZ)


@pytest.fixture
def service(org):
    a, b = bulk([case_row(court=org.court, filed_on=date(2025, 3, 3), team=org.team, officer=org.officer),
                 case_row(court=org.court, filed_on=date(2025, 3, 3), team=org.other_team, officer=org.colleague)])
    # Petitions received in June: 10; answered by their due date: 7; answered late: 2; unanswered: 1.
    for i in range(10):
        received = date(2025, 6, 2 + i)
        due = received + timedelta(days=15)
        answered = due - timedelta(days=1) if i < 7 else (due + timedelta(days=3) if i < 9 else None)
        Petition.objects.create(case=a if i % 2 else b, received_on=received, due_on=due, content="反映执行不力",
                                answered_on=answered, reply="已答复" if answered else "")
    # Leads due in June: 4, three handled in time.
    for i in range(4):
        due = at(date(2025, 6, 10 + i), 17)
        Lead.objects.create(case=a, received_at=due - timedelta(days=7), due_at=due, description="名下车辆",
                            handled_at=due - timedelta(hours=2) if i < 3 else due + timedelta(days=1),
                            result="已核查")
    # 终本 reviews decided in June: 5 approved, 1 returned.
    for i in range(6):
        ClosureRequest.objects.create(case=b, mode="terminated_round", requested_by=org.officer, reason="无可供执行财产",
                                      status="approved" if i < 5 else "returned", decided_by=org.chief,
                                      decided_at=at(date(2025, 6, 20)), return_reason="" if i < 5 else "未约谈")
    # Receipts whose payout is due in June: 3, two paid out in time.
    for i in range(3):
        LedgerEntry.objects.create(case=a, court=org.court, kind="debtor_payment", amount=Decimal("1000.00"),
                                   signed_amount=Decimal("1000.00"), occurred_on=date(2025, 5, 10 + i),
                                   payout_due_on=date(2025, 6, 9 + i),
                                   paid_out_on=date(2025, 6, 1) if i < 2 else date(2025, 6, 30))
    engine.rollup_rebuild(org.court.pk)
    return a, b


def test_service_kpis_and_targets(org, service):
    t = kpi_table(scope=ReportScope(court=org.court), period=JUNE)["total"]
    assert (t["petition_on_time_rate"]["numerator"], t["petition_on_time_rate"]["denominator"]) == (7, 10)
    assert t["petition_resolution_rate"]["value"] == Decimal("90.00")
    assert t["petition_resolution_rate"]["meets_target"] is True
    assert t["lead_on_time_rate"]["value"] == Decimal("75.00")
    assert t["zhongben_pass_rate"]["value"] == Decimal("83.33")
    assert t["zhongben_pass_rate"]["meets_target"] is False and t["zhongben_pass_rate"]["target"] == Decimal("90")
    assert t["funds_on_time_rate"]["value"] == Decimal("66.67")


def test_service_kpis_drill_down_to_the_records(org, service):
    scope = ReportScope(court=org.court)
    for measure, expected in (("petitions_received", 10), ("petitions_on_time", 7), ("petitions_resolved", 9),
                              ("leads_due", 4), ("leads_on_time", 3), ("zb_decided", 6), ("zb_passed", 5),
                              ("funds_due", 3), ("funds_on_time", 2)):
        result = drilldown(user=org.chief, scope=scope, period=JUNE, measure=measure)
        assert result.queryset.count() == expected, measure


def test_service_kpis_by_team_follow_the_case(org, service):
    rows = {r["key"]: r["kpis"] for r in kpi_table(scope=ReportScope(court=org.court), period=JUNE, dim="team")["rows"]}
    assert rows[org.team.pk]["petition_on_time_rate"]["denominator"] == 5
    assert rows[org.other_team.pk]["zhongben_pass_rate"]["denominator"] == 6
    listed = drilldown(user=org.chief, scope=ReportScope(court=org.court), period=JUNE, measure="petitions_received",
                       dim="team", value=org.other_team.pk).queryset
    assert listed.count() == 5
