"""The term computed in SQL agrees with the pure rule functions (hypothesis); the calendar and rules are editable by
court administrators for their own court only; the beat schedule is declared."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, TermExtension, TermPause
from cases.term import term_deadline
from core.rules.calendar import roll_to_working_day
from deadlines import engine
from deadlines.models import Deadline, DeadlineRule, Holiday
from deadlines.services import calendar_for, holiday_set
from tests.conftest import login

pauses_strategy = st.lists(
    st.tuples(st.integers(min_value=-30, max_value=250), st.integers(min_value=0, max_value=90),
              st.booleans()),
    max_size=4,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pauses=pauses_strategy, extension=st.sampled_from([0, 3]), filed_offset=st.integers(min_value=0, max_value=90))
def test_sql_term_matches_cases_term_rule(org, make_case, pauses, extension, filed_offset):
    filed = date(2026, 1, 5) + timedelta(days=filed_offset)
    case = make_case(received_on=filed - timedelta(days=1), filed_on=filed)
    today = date(2026, 11, 1)
    rows = []
    open_used = False
    for start, length, still_open in pauses:
        s = filed + timedelta(days=start)
        if still_open and not open_used:
            open_used = True
            rows.append(TermPause(case=case, kind="suspension", started_on=s, ended_on=None))
        else:
            rows.append(TermPause(case=case, kind="appraisal", started_on=s, ended_on=s + timedelta(days=length)))
    TermPause.objects.bulk_create(rows)
    if extension:
        TermExtension.objects.create(case=case, months=extension, reason="复杂", approved_by=org.chief,
                                     approved_on=filed + timedelta(days=100))
    engine.recompute(today=today, case_ids=[case.pk])
    expected = term_deadline(filed_on=filed, months=6, extension_months=extension,
                             pauses=[(p.started_on, p.ended_on) for p in rows], today=today)
    got = Deadline.objects.get(case=case, kind="term").due_on
    assert got == roll_to_working_day(expected, calendar_for(org.court))
    Case.objects.filter(pk=case.pk).delete()


def test_court_admin_edits_own_calendar_not_the_national_one(org):
    day = holiday_set(actor=org.court_admin, court=org.court, day=date(2026, 6, 1), kind="holiday", name="地方节日")
    assert day.court == org.court
    assert not calendar_for(org.court).is_working_day(date(2026, 6, 1))
    assert calendar_for(org.other_court).is_working_day(date(2026, 6, 1))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        holiday_set(actor=org.court_admin, court=None, day=date(2026, 6, 2), kind="holiday")
    with pytest.raises(PermissionDenied):
        holiday_set(actor=org.officer, court=org.court, day=date(2026, 6, 2), kind="holiday")
    with pytest.raises(PermissionDenied):
        holiday_set(actor=org.court_admin, court=org.other_court, day=date(2026, 6, 2), kind="holiday")


def test_national_calendar_is_loaded_from_the_official_notices(org):
    assert Holiday.objects.filter(court__isnull=True, date=date(2026, 10, 1), kind="holiday").exists()
    assert Holiday.objects.filter(court__isnull=True, date=date(2026, 2, 14), kind="workday").exists()
    assert calendar_for(None).is_working_day(date(2026, 2, 14))


def test_admin_shows_court_admin_only_own_rules(client, org):
    DeadlineRule.objects.create(court=org.court, kind="payout", days=5)
    DeadlineRule.objects.create(court=org.other_court, kind="payout", days=15)
    login(client, org.court_admin)
    html = client.get(reverse("admin:deadlines_deadlinerule_changelist")).content.decode()
    assert html.count("field-days") == 1 or ">5<" in html
    assert ">15<" not in html
    r = client.get(reverse("admin:deadlines_holiday_changelist"))
    assert r.status_code == 200
    login(client, org.officer)
    assert client.get(reverse("admin:deadlines_holiday_changelist")).status_code in (302, 403)


def test_beat_declares_hourly_and_workday_start_scans():
    from enforcement.celery import beat_schedule

    schedule = beat_schedule()
    hourly, morning = schedule["deadlines-scan-hourly"], schedule["deadlines-scan-workday-start"]
    assert hourly["task"] == morning["task"] == "deadlines.tasks.scan"
    assert hourly["schedule"].minute == {5} and morning["schedule"].hour == {8} and morning["schedule"].minute == {30}


def test_workday_start_scan_skips_rest_days(org):
    from deadlines.tasks import scan

    assert scan.run(trigger="workday_start", as_of="2026-10-02", workday_start=True)["skipped"] == "rest day"
    assert "scan" in scan.run(trigger="workday_start", as_of="2026-10-09", workday_start=True)
