"""The incremental rollup rebuild: after any mix of changes to cases, reassignments, pauses and extensions, it leaves
exactly the rows a full rebuild would, recomputing only the changed cases."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from cases.models import Assignment, Case, TermExtension, TermPause
from core.models import CourtSetting
from reports import engine
from reports.models import RollupState
from reports.periods import Period
from reports.selectors import ReportScope, kpi_table

from .helpers import assign, bulk, case_row, pause

TABLES = {
    "reports_dailystat": "day, team_id, officer_id, case_type, stream, closure_mode, received, closed, moved_in, "
                         "moved_out, closed_in_term, closed_days, claimed_received, claimed_closed, recovered_closed, "
                         "aged",
    "reports_monthstat": "month, team_id, officer_id, case_type, stream, closure_mode, received, closed, "
                         "closed_in_term, closed_days, claimed_received, claimed_closed, recovered_closed, net, aged",
    "reports_courtdaystat": "day, case_type, stream, closure_mode, received, closed, closed_in_term, closed_days, "
                            "claimed_received, claimed_closed, recovered_closed, net, aged",
    "reports_courtmonthstat": "month, case_type, stream, closure_mode, received, closed, closed_in_term, closed_days, "
                              "claimed_received, claimed_closed, recovered_closed, net, aged",
    "reports_openingstat": "month, team_id, officer_id, case_type, stream, open_cases, aged",
}
START = date(2024, 1, 1)
MODES = ["fulfilled", "terminated_round", "terminated", "withdrawn"]


def _rollup(court_id: int) -> dict[str, list[tuple]]:
    out = {}
    with connection.cursor() as cursor:
        for table, cols in TABLES.items():
            cursor.execute(f"SELECT {cols} FROM {table} WHERE court_id = %s ORDER BY {cols}", [court_id])
            out[table] = cursor.fetchall()
    return out


def _holders(org):
    return [(org.team, org.officer), (org.other_team, org.colleague), (None, None)]


def _new_cases(org, rng: random.Random, n: int) -> list[Case]:
    rows = []
    for _ in range(n):
        filed = START + timedelta(days=rng.randrange(700))
        team, officer = rng.choice(_holders(org))
        closed = filed + timedelta(days=rng.randrange(5, 400)) if rng.random() < 0.6 else None
        rows.append(case_row(court=org.court, filed_on=filed, team=team, officer=officer, closed_on=closed,
                             mode=rng.choice(MODES), case_type=rng.choice(["执", "执", "执恢", "执保"]),
                             stream=rng.choice(["simple", "complex"]), claimed=f"{rng.randrange(1000, 90000)}.00",
                             recovered=f"{rng.randrange(0, 1000)}.00", non_litigation=rng.random() < 0.1))
    cases = bulk(rows)
    for case in cases:
        if rng.random() < 0.7:
            assign(case, team=case.team, officer=case.officer, on=case.filed_on)
    return cases


def _change(org, rng: random.Random, cases: list[Case]) -> list[Case]:
    """One round of random changes of every kind the rollup depends on (and some it does not)."""
    live = list(Case.objects.filter(pk__in=[c.pk for c in cases]))
    for case in rng.sample(live, 12):
        kind = rng.randrange(11)
        if kind == 0 and case.closed_on is None:  # closed
            Case.objects.filter(pk=case.pk).update(stage="closed", closed_on=case.filed_on + timedelta(days=90),
                                                   closure_mode=rng.choice(MODES),
                                                   amount_recovered=Decimal("500.00"))
        elif kind == 1 and case.closed_on is not None:  # reopened
            Case.objects.filter(pk=case.pk).update(stage="investigation", closed_on=None, closure_mode="")
        elif kind == 2:  # reassigned (maybe mid-life, maybe after its closure)
            team, officer = rng.choice(_holders(org))
            assign(case, team=team, officer=officer, on=case.filed_on + timedelta(days=rng.randrange(1, 300)))
        elif kind == 3:
            pause(case, start=case.filed_on + timedelta(days=rng.randrange(1, 60)),
                  end=None if rng.random() < 0.3 else case.filed_on + timedelta(days=rng.randrange(61, 200)))
        elif kind == 4:
            TermExtension.objects.create(case=case, months=3, reason="复杂", approved_on=case.filed_on,
                                         approved_by=org.chief)
        elif kind == 5:  # amounts, type and stream
            Case.objects.filter(pk=case.pk).update(amount_claimed=Decimal("77777.00"), stream="complex",
                                                   case_type="执恢")
        elif kind == 6:  # filed earlier (also changes when it becomes long-pending)
            Case.objects.filter(pk=case.pk).update(filed_on=case.filed_on - timedelta(days=45))
        elif kind == 7:  # moved to the other court
            Case.objects.filter(pk=case.pk).update(court=org.other_court)
        elif kind == 8:  # deleted with its history rows
            TermPause.objects.filter(case=case).delete()
            TermExtension.objects.filter(case=case).delete()
            Assignment.objects.filter(case=case).delete()
            Case.objects.filter(pk=case.pk).delete()
        elif kind == 9:  # a pause removed, an assignment's start moved
            TermPause.objects.filter(case=case).delete()
            Assignment.objects.filter(case=case).update(started_at=org_time(case.filed_on + timedelta(days=3)))
        else:  # a change the rollup does not read
            Case.objects.filter(pk=case.pk).update(cause="新的案由", tags=["涉民生"])
    return cases + _new_cases(org, rng, 5)


def org_time(day: date):
    from .helpers import at

    return at(day, 11)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_rebuild_equals_a_full_rebuild_after_random_changes(org, seed):
    rng = random.Random(seed)
    cases = _new_cases(org, rng, 60)
    for court in (org.court, org.other_court):
        assert engine.rollup_rebuild(court.pk)["mode"] == "full"  # the first rebuild of a court
    for _round in range(3):
        cases = _change(org, rng, cases)
        incremental = {}
        for court in (org.court, org.other_court):
            info = engine.rollup_rebuild(court.pk)
            assert info["mode"] == "incremental"
            incremental[court.pk] = _rollup(court.pk)
        assert engine.rollup_rebuild(org.court.pk)["cases"] == 0  # nothing changed since
        week = Period.containing("week", date(2024, 9, 4))
        figures = kpi_table(scope=ReportScope(court=org.court), period=week, dim="officer")
        for court in (org.court, org.other_court):
            assert engine.rollup_rebuild(court.pk, full=True)["mode"] == "full"
            assert _rollup(court.pk) == incremental[court.pk]
        assert kpi_table(scope=ReportScope(court=org.court), period=week, dim="officer") == figures
    assert sum(r[6] for r in _rollup(org.court.pk)["reports_dailystat"]) > 0


def test_only_changed_cases_are_recomputed(org):
    cases = bulk([case_row(court=org.court, filed_on=date(2025, 3, d), team=org.team, officer=org.officer)
                  for d in range(1, 21)])
    engine.rollup_rebuild(org.court.pk)
    Case.objects.filter(pk=cases[0].pk).update(closed_on=date(2025, 6, 2), closure_mode="fulfilled", stage="closed")
    Case.objects.filter(pk=cases[1].pk).update(cause="与统计无关")  # not a column the rollup reads
    info = engine.rollup_rebuild(org.court.pk)
    assert (info["mode"], info["cases"]) == ("incremental", 1)
    closed = sum(r[7] for r in _rollup(org.court.pk)["reports_dailystat"])
    assert closed == 1


def test_a_changed_term_or_ageing_setting_rebuilds_in_full(org):
    bulk([case_row(court=org.court, filed_on=date(2025, 1, 6), team=org.team, officer=org.officer)])
    engine.rollup_rebuild(org.court.pk)
    CourtSetting.objects.create(court=org.court, key="aged_months", value=3)
    info = engine.rollup_rebuild(org.court.pk)
    assert info["mode"] == "full"
    aged = [r for r in _rollup(org.court.pk)["reports_dailystat"] if r[15] == 1]
    assert [r[0] for r in aged] == [date(2025, 4, 6)]  # long-pending after 3 months, not 6
    assert RollupState.objects.get(court=org.court).settings_key.endswith("aged_months=3")
