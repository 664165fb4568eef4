"""The awkward cases: reassignment (also mid-week), 执恢 after a closure in the same week, cases filed on the last day
of a period, suspended cases. Team attribution follows reports/kpis.py: the holder at the time of each event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reports import engine
from reports.periods import Period
from reports.selectors import ReportScope, drilldown, kpi_table

from .helpers import assign, bulk, case_row, pause

WEEK = Period.containing("week", date(2025, 6, 11))  # Mon 2025-06-09 .. Sun 2025-06-15


def _ids(org, period, measure, dim="total", value=None, kpi=None):
    return set(drilldown(user=org.chief, scope=ReportScope(court=org.court), period=period, measure=measure,
                         dim=dim, value=value, kpi=kpi).queryset.values_list("pk", flat=True))


def _team(table, team):
    return next((r["kpis"] for r in table["rows"] if r["key"] == team.pk), None)


@pytest.fixture
def moved(org):
    """Filed 2025-05-05 for team 1; moved to team 2 on Wednesday 2025-06-11; still open."""
    case, = bulk([case_row(court=org.court, filed_on=date(2025, 5, 5), team=org.team, officer=org.officer)])
    assign(case, team=org.team, officer=org.officer, on=date(2025, 5, 5))
    assign(case, team=org.other_team, officer=org.colleague, on=date(2025, 6, 11))
    return case


def test_case_moved_mid_week_is_carried_over_by_the_old_team_and_pending_with_the_new(org, moved):
    engine.rollup_rebuild(org.court.pk)
    table = kpi_table(scope=ReportScope(court=org.court), period=WEEK, dim="team")
    old, new = _team(table, org.team), _team(table, org.other_team)
    assert old["carried_over"]["value"] == 1 and old["open_end"]["value"] == 0
    assert new["carried_over"]["value"] == 0 and new["open_end"]["value"] == 1
    assert table["total"]["carried_over"]["value"] == 1 and table["total"]["open_end"]["value"] == 1
    assert _ids(org, WEEK, "carried_over", "team", org.team.pk) == {moved.pk}
    assert _ids(org, WEEK, "open_end", "team", org.other_team.pk) == {moved.pk}
    assert _ids(org, WEEK, "open_end", "team", org.team.pk) == set()
    # The week before, it was entirely team 1's.
    before = kpi_table(scope=ReportScope(court=org.court), period=WEEK.previous(), dim="team")
    assert _team(before, org.team)["open_end"]["value"] == 1
    assert _team(before, org.other_team) is None


def test_reassigned_case_counts_as_closed_for_the_team_that_closed_it(org, moved):
    from cases.models import Case

    Case.objects.filter(pk=moved.pk).update(stage="closed", closed_on=date(2025, 6, 13), closure_mode="fulfilled",
                                            amount_recovered=Decimal("10000.00"))
    engine.rollup_rebuild(org.court.pk)
    table = kpi_table(scope=ReportScope(court=org.court), period=WEEK, dim="officer")
    rows = {r["key"]: r["kpis"] for r in table["rows"]}
    assert rows[org.colleague.pk]["closed"]["value"] == 1
    assert rows[org.colleague.pk]["recovered_closed"]["value"] == Decimal("10000.00")
    assert rows[org.officer.pk]["carried_over"]["value"] == 1
    assert rows[org.officer.pk]["closed"]["value"] == 0
    assert _ids(org, WEEK, "closed", "officer", org.colleague.pk) == {moved.pk}


def test_case_moved_twice_on_one_day_counts_once_for_the_last_holder(org):
    case, = bulk([case_row(court=org.court, filed_on=date(2025, 6, 2), team=org.team, officer=org.officer)])
    assign(case, team=org.team, officer=org.officer, on=date(2025, 6, 2), hour=9)
    assign(case, team=org.other_team, officer=org.colleague, on=date(2025, 6, 10), hour=9)
    assign(case, team=org.team, officer=org.officer, on=date(2025, 6, 10), hour=15)
    engine.rollup_rebuild(org.court.pk)
    table = kpi_table(scope=ReportScope(court=org.court), period=WEEK, dim="team")
    assert _team(table, org.team)["open_end"]["value"] == 1
    assert _team(table, org.other_team) is None


def test_case_closed_and_resumed_in_the_same_week(org):
    from core.models import CourtSetting

    original, = bulk([case_row(court=org.court, filed_on=date(2025, 3, 3), team=org.team, officer=org.officer,
                               closed_on=date(2025, 6, 10), mode="terminated_round")])
    resumed, = bulk([case_row(court=org.court, filed_on=date(2025, 6, 12), case_type="执恢", team=org.team,
                              officer=org.officer, origin=original)])
    engine.rollup_rebuild(org.court.pk)
    t = kpi_table(scope=ReportScope(court=org.court), period=WEEK)["total"]
    assert (t["carried_over"]["value"], t["received"]["value"], t["closed"]["value"], t["open_end"]["value"]) \
        == (1, 1, 1, 1)
    assert t["zhongben_rate"]["value"] == Decimal("100.00")
    assert _ids(org, WEEK, "received") == {resumed.pk}
    assert _ids(org, WEEK, "closed") == {original.pk}
    by_type = {r["key"]: r["kpis"] for r in kpi_table(scope=ReportScope(court=org.court), period=WEEK,
                                                       dim="case_type")["rows"]}
    assert by_type["执恢"]["received"]["value"] == 1 and by_type["执"]["closed"]["value"] == 1
    # A court counting 首执 only does not see the 执恢 case at all.
    CourtSetting.objects.create(court=org.court, key="kpi_case_types", value=["执"])
    t = kpi_table(scope=ReportScope(court=org.court), period=WEEK)["total"]
    assert (t["received"]["value"], t["closed"]["value"], t["open_end"]["value"]) == (0, 1, 0)
    assert _ids(org, WEEK, "received", kpi="received") == set()


def test_case_filed_on_the_last_day_of_a_period_belongs_to_that_period(org):
    sunday, quarter_end = bulk([
        case_row(court=org.court, filed_on=date(2025, 6, 15), team=org.team, officer=org.officer),
        case_row(court=org.court, filed_on=date(2025, 6, 30), team=org.team, officer=org.officer,
                 closed_on=date(2025, 7, 1), mode="fulfilled"),
    ])
    engine.rollup_rebuild(org.court.pk)
    scope = ReportScope(court=org.court)
    assert kpi_table(scope=scope, period=WEEK)["total"]["received"]["value"] == 1
    nxt = kpi_table(scope=scope, period=WEEK.next())["total"]
    assert nxt["received"]["value"] == 0 and nxt["carried_over"]["value"] == 1
    q2, q3 = Period.containing("quarter", date(2025, 6, 30)), Period.containing("quarter", date(2025, 7, 1))
    t2, t3 = kpi_table(scope=scope, period=q2)["total"], kpi_table(scope=scope, period=q3)["total"]
    assert (t2["received"]["value"], t2["closed"]["value"], t2["open_end"]["value"]) == (2, 0, 2)
    assert (t3["carried_over"]["value"], t3["closed"]["value"]) == (2, 1)
    assert _ids(org, q2, "received") == {sunday.pk, quarter_end.pk}
    assert _ids(org, q3, "closed") == {quarter_end.pk}


def test_suspension_is_not_counted_in_the_statutory_term(org):
    suspended_closed, late, suspended_open = bulk([
        # 207 days to close, 59 of them suspended: within the 6-month term.
        case_row(court=org.court, filed_on=date(2025, 1, 6), team=org.team, officer=org.officer,
                 closed_on=date(2025, 8, 1), mode="fulfilled"),
        # 207 days without a pause: late.
        case_row(court=org.court, filed_on=date(2025, 1, 6), team=org.team, officer=org.officer,
                 closed_on=date(2025, 8, 1), mode="fulfilled"),
        # Suspended and still open: pending, not closed.
        case_row(court=org.court, filed_on=date(2025, 1, 6), team=org.team, officer=org.officer),
    ])
    pause(suspended_closed, start=date(2025, 2, 1), end=date(2025, 4, 1))
    pause(suspended_open, start=date(2025, 3, 1), end=None)
    engine.rollup_rebuild(org.court.pk)
    year = Period.containing("year", date(2025, 1, 1))
    t = kpi_table(scope=ReportScope(court=org.court), period=year)["total"]
    assert t["closed"]["value"] == 2
    assert t["in_term_rate"]["numerator"] == 1
    assert t["in_term_rate"]["value"] == Decimal("50.00")
    assert t["open_end"]["value"] == 1 and t["aged_open"]["value"] == 1
    assert _ids(org, year, "closed_in_term") == {suspended_closed.pk}
    assert _ids(org, year, "aged_open") == {suspended_open.pk}


def test_extension_lengthens_the_term(org):
    from cases.models import TermExtension

    case, = bulk([case_row(court=org.court, filed_on=date(2025, 1, 6), team=org.team, officer=org.officer,
                           closed_on=date(2025, 9, 1), mode="fulfilled")])
    TermExtension.objects.create(case=case, months=3, reason="复杂", approved_by=org.chief,
                                 approved_on=date(2025, 6, 30))
    engine.rollup_rebuild(org.court.pk)
    year = Period.containing("year", date(2025, 1, 1))
    assert kpi_table(scope=ReportScope(court=org.court), period=year)["total"]["in_term_rate"]["numerator"] == 1
    assert _ids(org, year, "closed_in_term") == {case.pk}
