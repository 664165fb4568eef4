from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Assignment, CaseEvent, Stage, TermPause
from cases.services import (
    case_assign, case_stream_override, case_transition, suspension_approve, suspension_request, term_extension_grant,
)
from cases.term import case_term_deadline, case_term_deadlines, court_calendars, term_deadline

from .conftest import log, network_details


def test_case_moves_forward_only_when_its_guards_are_met(org, make_case):
    case = make_case()
    case = case_transition(actor=org.officer, case=case, to_stage="notice")
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=org.officer, case=case, to_stage="investigation")
    assert "执行通知书" in " ".join(exc.value.message_dict["to_stage"])
    log(case, org.officer, "notice_served", {"documents": ["enforcement_notice"], "method": "post",
                                             "recipient": "被执行人", "served_on": "2026-03-05"}, on=date(2026, 3, 5))
    case = case_transition(actor=org.officer, case=case, to_stage="investigation")
    with pytest.raises(ValidationError):
        case_transition(actor=org.officer, case=case, to_stage="control")
    log(case, org.officer, "network_query", network_details(found=["bank_deposit"]))
    case = case_transition(actor=org.officer, case=case, to_stage="control")
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=org.officer, case=case, to_stage="payout")
    assert "尚未收到款项" in " ".join(exc.value.message_dict["to_stage"])
    assert case.stage == Stage.CONTROL
    assert CaseEvent.objects.filter(case=case, type="stage_changed").count() == 3


def test_closing_or_archiving_cannot_be_done_by_a_transition(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=org.chief, case=case, to_stage="closed")
    assert "结案申请" in " ".join(exc.value.message_dict["to_stage"])
    with pytest.raises(ValidationError):
        case_transition(actor=org.clerk, case=case, to_stage="archived")


def test_going_back_needs_a_reason(org, make_case):
    case = case_transition(actor=org.officer, case=make_case(), to_stage="notice")
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=org.officer, case=case, to_stage="registered")
    assert "reason" in exc.value.message_dict
    case = case_transition(actor=org.officer, case=case, to_stage="registered", reason="通知书退回，重新送达")
    assert case.stage == Stage.REGISTERED


@pytest.mark.usefixtures("official_calendar")  # the term rolls over official holidays
def test_suspension_pauses_the_term_and_resume_returns_to_the_stage_before(org, make_case):
    today = timezone.localdate()
    case = make_case(received_on=today - timedelta(days=40), filed_on=today - timedelta(days=40))
    case = case_transition(actor=org.officer, case=case, to_stage="notice")
    before = case_term_deadline(case)
    start = today - timedelta(days=20)
    with pytest.raises(ValidationError) as exc:  # 中止 is the chief's decision (cases.services.suspensions)
        case_transition(actor=org.officer, case=case, to_stage="suspended", reason="案外人异议成立", on=start)
    assert "to_stage" in exc.value.message_dict
    request = suspension_request(actor=org.officer, case=case, ground="third_party_objection", reason="案外人异议成立")
    suspension_approve(actor=org.chief, request=request, on=start)
    case.refresh_from_db()
    assert case.resume_stage == "notice"
    pause = TermPause.objects.get(case=case, ended_on__isnull=True)
    assert pause.kind == "suspension"
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=org.officer, case=case, to_stage="investigation")
    assert "回到原节点" in " ".join(exc.value.message_dict["to_stage"])
    case = case_transition(actor=org.officer, case=case, to_stage="notice", on=start + timedelta(days=9))
    pause.refresh_from_db()
    assert pause.ended_on == start + timedelta(days=9)
    assert case.stage == "notice" and case.resume_stage == ""
    # Ten paused days (inclusive) push the unrolled term out by ten days; both are then moved off rest days.
    unrolled = term_deadline(filed_on=case.filed_on, months=6, extension_months=0, pauses=[])
    calendar = court_calendars([case.court_id])[case.court_id]
    assert before == calendar.roll_to_working_day(unrolled)
    assert case_term_deadline(case) == calendar.roll_to_working_day(unrolled + timedelta(days=10))


def test_officer_of_another_team_cannot_move_the_case(org, make_case):
    case = make_case()
    with pytest.raises(PermissionDenied):
        case_transition(actor=org.colleague, case=case, to_stage="notice")
    with pytest.raises(PermissionDenied):
        case_transition(actor=org.clerk, case=case, to_stage="notice")


def test_reassignment_is_recorded_and_only_a_chief_may_assign(org, make_case):
    case = make_case()
    assert Assignment.objects.filter(case=case, ended_at__isnull=True).count() == 1
    with pytest.raises(PermissionDenied):
        case_assign(actor=org.officer, case=case, team=org.other_team, officer=org.colleague)
    case = case_assign(actor=org.chief, case=case, team=org.other_team, officer=org.colleague, reason="工作调整")
    history = list(Assignment.objects.filter(case=case).order_by("started_at"))
    assert len(history) == 2 and history[0].ended_at is not None and history[1].officer == org.colleague
    assert CaseEvent.objects.filter(case=case, type="case_assigned").count() == 2
    with pytest.raises(ValidationError) as exc:
        case_assign(actor=org.chief, case=case, team=org.team, officer=org.colleague)
    assert "officer" in exc.value.message_dict  # not a member of that team


def test_chief_overrides_the_stream_with_a_reason(org, make_case):
    case = make_case()
    with pytest.raises(PermissionDenied):
        case_stream_override(actor=org.officer, case=case, stream="complex", reason="x")
    with pytest.raises(ValidationError):
        case_stream_override(actor=org.chief, case=case, stream="complex", reason="")
    case = case_stream_override(actor=org.chief, case=case, stream="complex", reason="涉及多处不动产")
    assert case.stream == "complex" and case.stream_overridden


@pytest.mark.usefixtures("official_calendar")  # the term rolls over official holidays
def test_term_is_six_months_plus_extensions_and_excluded_periods(org, make_case):
    case = make_case(filed_on=date(2026, 3, 4))
    assert case_term_deadline(case) == date(2026, 9, 4)
    TermPause.objects.create(case=case, kind="appraisal", started_on=date(2026, 4, 1), ended_on=date(2026, 4, 30))
    # 2026-10-04 falls in the National Day holiday (10-01..10-07): the term ends on the next working day.
    assert case_term_deadline(case) == date(2026, 10, 8)
    with pytest.raises(ValidationError):
        term_extension_grant(actor=org.chief, case=case, months=6, reason="财产处置中")
    term_extension_grant(actor=org.chief, case=case, months=3, reason="财产处置中")
    # 2027-01-03 is a Sunday: Monday 2027-01-04.
    assert case_term_deadline(case) == date(2027, 1, 4)
    non_lit = make_case(filed_on=date(2026, 3, 4), non_litigation=True)
    assert case_term_deadline(non_lit) == date(2026, 6, 4)
    assert case_term_deadlines([case, non_lit]) == {case.pk: date(2027, 1, 4), non_lit.pk: date(2026, 6, 4)}


@pytest.mark.usefixtures("official_calendar")  # the term rolls over official holidays
def test_term_rolls_off_rest_days_on_the_courts_calendar_like_the_deadline_engine(org, make_case):
    from deadlines import engine
    from deadlines.models import Deadline, DeadlineRule
    from deadlines.services import calendar_for, holiday_set

    # Filed 2026-03-09: six months end on Wednesday 2026-09-09, a working day nationally.
    case = make_case(received_on=date(2026, 3, 9), filed_on=date(2026, 3, 9))
    other = make_case(court=org.other_court, received_on=date(2026, 3, 9), filed_on=date(2026, 3, 9))
    assert case_term_deadline(case) == date(2026, 9, 9)
    # The court declares 09-09 and 09-10 local holidays: its term moves to Friday 09-11; the other court's does not.
    for day in (date(2026, 9, 9), date(2026, 9, 10)):
        holiday_set(actor=org.court_admin, court=org.court, day=day, kind="holiday", name="地方节日")
    assert case_term_deadline(case) == date(2026, 9, 11)
    assert case_term_deadline(other) == date(2026, 9, 9)
    # The court's own term rule (7 months) ends on Friday 2026-10-09; the court makes it a holiday, and the next day
    # is Saturday 10-10, a national make-up working day (调休), so the term ends then, not on Monday.
    DeadlineRule.objects.create(court=org.court, kind="term", months=7)
    assert case_term_deadline(case) == date(2026, 10, 9)
    holiday_set(actor=org.court_admin, court=org.court, day=date(2026, 10, 9), kind="holiday", name="地方节日")
    assert court_calendars([org.court.pk])[org.court.pk] == calendar_for(org.court)
    assert case_term_deadline(case) == date(2026, 10, 10)
    # The deadline engine computes the same dates.
    engine.recompute(today=date(2026, 4, 1), case_ids=[case.pk, other.pk])
    assert Deadline.objects.get(case=case, kind="term").due_on == case_term_deadline(case)
    assert Deadline.objects.get(case=other, kind="term").due_on == case_term_deadline(other)
    assert case_term_deadlines([case, other]) == {case.pk: date(2026, 10, 10), other.pk: date(2026, 9, 9)}


@pytest.mark.usefixtures("official_calendar")  # the term rolls over official holidays
def test_bulk_term_deadlines_use_a_fixed_number_of_queries(org, make_case, django_assert_max_num_queries):
    cases = [make_case() for _ in range(5)]
    # Pauses, extensions, the court's term rule, the calendar, the court's term setting.
    with django_assert_max_num_queries(5):
        result = case_term_deadlines(cases)
    assert len(result) == 5
