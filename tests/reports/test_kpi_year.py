"""KPIs on a generated year whose true values are known in advance.

2025 at 甘0503, nothing before it (carried over 0). 3,502 首执 cases received:

* A  2,000 执行完毕, filed on day (i mod 300), closed 30 days later, 10,000.00 claimed, 10,000.00 recovered;
* B  1,000 终本, filed on day (i mod 150), closed 200 days later (past the 6-month term); 100 of them were
     suspended (中止) for 30 days, which the term does not count, so they closed within it;
* C    350 终结执行, closed 10 days after filing;
* D    152 still open: 52 filed January-April (pending over 6 months at year end), 100 filed in December.

So: closed 3,350; closure rate 3,350 ÷ 3,502 = 95.66%; closed within the term 2,450 (73.13%); 终本 rate 29.85%;
actual closure rate (执行完毕) 59.70%; average days (60,000 + 200,000 + 3,500) ÷ 3,350 = 78.66; recovered
20,000,000.00 of 33,500,000.00 applied for = 59.70%. Even-numbered cases belong to team 1 (officer), odd ones to
team 2 (colleague).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cases.models import Case
from reports import engine
from reports.kpis import CASE_MEASURES, court_kpis
from reports.periods import Period
from reports.selectors import ReportScope, drilldown, kpi_table

from .helpers import bulk, case_row, pause

JAN1 = date(2025, 1, 1)


@pytest.fixture
def generated_year(org):
    rows, i = [], 0

    def holder(n):
        return (org.team, org.officer) if n % 2 == 0 else (org.other_team, org.colleague)

    for n in range(2000):
        filed = JAN1 + timedelta(days=n % 300)
        team, officer = holder(i)
        rows.append(case_row(court=org.court, filed_on=filed, closed_on=filed + timedelta(days=30), mode="fulfilled",
                             recovered="10000.00", team=team, officer=officer, tags=["涉民生"] if n < 500 else []))
        i += 1
    for n in range(1000):
        filed = JAN1 + timedelta(days=n % 150)
        team, officer = holder(i)
        rows.append(case_row(court=org.court, filed_on=filed, closed_on=filed + timedelta(days=200),
                             mode="terminated_round", team=team, officer=officer))
        i += 1
    for n in range(350):
        filed = JAN1 + timedelta(days=n % 300)
        team, officer = holder(i)
        rows.append(case_row(court=org.court, filed_on=filed, closed_on=filed + timedelta(days=10), mode="terminated",
                             team=team, officer=officer, stream="complex"))
        i += 1
    for n in range(152):
        filed = JAN1 + timedelta(days=n % 100) if n < 52 else date(2025, 12, 1) + timedelta(days=n % 31)
        team, officer = holder(i)
        rows.append(case_row(court=org.court, filed_on=filed, team=team, officer=officer))
        i += 1
    cases = bulk(rows)
    for case in cases[2000:2100]:
        pause(case, start=case.filed_on + timedelta(days=20), end=case.filed_on + timedelta(days=50))
    engine.rollup_rebuild(org.court.pk)
    return cases


def test_generated_year_headline_figures_match_the_known_values(org, generated_year, year2025):
    table = kpi_table(scope=ReportScope(court=org.court), period=year2025)
    t = table["total"]
    assert t["received"]["value"] == 3502
    assert t["carried_over"]["value"] == 0
    assert t["closed"]["value"] == 3350
    assert t["closure_rate"]["value"] == Decimal("95.66")
    assert t["closed_received_ratio"]["value"] == Decimal("95.66")
    assert t["closed__fulfilled"]["value"] == 2000
    assert t["closed__terminated_round"]["value"] == 1000
    assert t["closed__terminated"]["value"] == 350
    assert t["actual_closure_rate"]["value"] == Decimal("59.70")
    assert t["zhongben_rate"]["value"] == Decimal("29.85")
    assert t["in_term_rate"]["numerator"] == 2450
    assert t["in_term_rate"]["value"] == Decimal("73.13")
    assert t["actual_in_term_rate"]["value"] == Decimal("100.00")
    assert t["actual_in_term_rate"]["meets_target"] is True
    assert t["avg_days"]["value"] == Decimal("78.66")
    assert t["claimed_closed"]["value"] == Decimal("33500000.00")
    assert t["recovered_closed"]["value"] == Decimal("20000000.00")
    assert t["recovery_rate"]["value"] == Decimal("59.70")
    assert t["open_end"]["value"] == 152
    assert t["aged_open"]["value"] == 52


def test_team_rows_add_up_to_the_court_total(org, generated_year, year2025):
    table = kpi_table(scope=ReportScope(court=org.court), period=year2025, dim="team")
    by_team = {r["key"]: r["kpis"] for r in table["rows"]}
    assert set(by_team) == {org.team.pk, org.other_team.pk}
    assert by_team[org.team.pk]["received"]["value"] == 1751
    assert by_team[org.other_team.pk]["received"]["value"] == 1751
    assert sum(k["closed"]["value"] for k in by_team.values()) == 3350


def test_quarter_carries_over_the_cases_open_at_its_start(org, generated_year):
    q2 = Period.containing("quarter", date(2025, 4, 1))
    t = kpi_table(scope=ReportScope(court=org.court), period=q2)["total"]
    open_at_start = Case.objects.filter(filed_on__lt=q2.start).exclude(closed_on__lt=q2.start).count()
    received = Case.objects.filter(filed_on__range=(q2.start, q2.end)).count()
    closed = Case.objects.filter(closed_on__range=(q2.start, q2.end)).count()
    assert t["carried_over"]["value"] == open_at_start
    assert t["received"]["value"] == received
    assert t["closed"]["value"] == closed
    assert t["open_end"]["value"] == open_at_start + received - closed


@pytest.mark.parametrize("dim,value", [("total", None), ("team", "team"), ("officer", "colleague"),
                                       ("case_type", "执"), ("stream", "complex"), ("tag", "涉民生")])
def test_every_case_measure_drills_down_to_exactly_that_many_cases(org, generated_year, dim, value):
    scope = ReportScope(court=org.court)
    value = {"team": org.team.pk, "colleague": org.colleague.pk}.get(value, value)
    defs = court_kpis(org.court)
    for period in (Period.containing("quarter", date(2025, 7, 1)), Period.containing("week", date(2025, 6, 11))):
        table = kpi_table(scope=scope, period=period, dim=dim)
        if dim == "total":
            row = table["total"]
        else:
            row = next((r["kpis"] for r in table["rows"] if r["key"] == value), None)
            assert row is not None
        for key, kpi in defs.kpis.items():
            for part, measures in (("numerator", kpi.numerator), ("denominator", kpi.denominator)):
                if len(measures) != 1 or measures[0] not in CASE_MEASURES or measures[0] == "closed_days":
                    continue
                listed = drilldown(user=org.chief, scope=scope, period=period, measure=measures[0], kpi=key,
                                   dim=dim, value=value).queryset
                figure = row[key][part] if kpi.kind != "count" else row[key]["value"]
                if measures[0] in ("claimed_closed", "recovered_closed", "claimed_received"):
                    column = {"recovered_closed": "amount_recovered"}.get(measures[0], "amount_claimed")
                    assert sum((c[column] for c in listed.values(column)), Decimal("0")) == Decimal(figure), key
                else:
                    assert listed.count() == figure, (period, key, part)


def test_closure_scope_can_be_first_enforcement_only(org, generated_year, year2025):
    from core.models import CourtSetting

    bulk([case_row(court=org.court, filed_on=date(2025, 3, 3), case_type="执恢", team=org.team, officer=org.officer,
                   closed_on=date(2025, 3, 10), mode="fulfilled"),
          case_row(court=org.court, filed_on=date(2025, 3, 3), case_type="执保", team=org.team, officer=org.officer)])
    engine.rollup_rebuild(org.court.pk)
    scope = ReportScope(court=org.court)
    assert kpi_table(scope=scope, period=year2025)["total"]["received"]["value"] == 3504
    CourtSetting.objects.create(court=org.court, key="kpi_case_types", value=["执"])
    t = kpi_table(scope=scope, period=year2025)["total"]
    assert t["received"]["value"] == 3502
    assert t["closure_rate"]["value"] == Decimal("95.66")
    CourtSetting.objects.create(court=org.court, key="kpi_definitions", value=[
        {"key": "closure_rate", "case_types": ["执", "执恢", "执保"], "denominator": ["received"]}])
    t = kpi_table(scope=scope, period=year2025)["total"]
    assert t["closure_rate"]["numerator"] == 3351
    assert t["closure_rate"]["denominator"] == 3504
    assert t["closure_rate"]["value"] == Decimal("95.63")


def test_every_week_and_month_of_the_year_matches_the_case_table(org, generated_year):
    """Weeks read the daily rollup, months and quarters the monthly one, weeks across a month end both."""
    scope = ReportScope(court=org.court)
    periods = [Period.containing("week", date(2025, 1, 6) + timedelta(weeks=w)) for w in range(52)]
    periods += [Period.containing("month", date(2025, m, 1)) for m in range(1, 13)]
    periods += [Period("custom", date(2025, 1, 29), date(2025, 3, 2))]
    for period in periods:
        t = kpi_table(scope=scope, period=period, keys=("received", "closed", "carried_over", "open_end"),
                      with_window=False)["total"]
        expected = {
            "received": Case.objects.filter(filed_on__range=(period.start, period.end)).count(),
            "closed": Case.objects.filter(closed_on__range=(period.start, period.end)).count(),
            "carried_over": Case.objects.filter(filed_on__lt=period.start).exclude(closed_on__lt=period.start).count(),
            "open_end": Case.objects.filter(filed_on__lte=period.end).exclude(closed_on__lte=period.end).count(),
        }
        assert {k: t[k]["value"] for k in expected} == expected, period
