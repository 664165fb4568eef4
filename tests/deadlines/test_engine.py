from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Action, Lead, Petition, Settlement, SettlementInstalment, TermExtension, TermPause
from core.models import CourtSetting
from deadlines import engine
from deadlines.models import Deadline, DeadlineRule, Holiday, HolidayKind

TZ = ZoneInfo("Asia/Shanghai")


def test_new_case_gets_filing_notice_and_term_deadlines(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    engine.recompute(today=date(2026, 3, 5))
    filing = deadline_of(case, "filing")
    assert filing.due_on == date(2026, 3, 9) and filing.status == "met" and filing.met_on == date(2026, 3, 4)
    notice = deadline_of(case, "notice")
    assert notice.due_on == date(2026, 3, 16)  # 14 March is a Saturday: moved to Monday (CPL art 85)
    assert notice.status == "open" and notice.responsible == org.officer and notice.team == org.team
    term = deadline_of(case, "term")
    assert term.due_on == date(2026, 9, 4) and term.status == "open"


def test_term_deadline_on_a_holiday_moves_to_the_next_working_day(org, make_case, deadline_of):
    # 6 months from 2026-04-01 is 2026-10-01, National Day; the holiday runs to 10-07, so the term ends 10-08.
    case = make_case(received_on=date(2026, 3, 30), filed_on=date(2026, 4, 1))
    engine.recompute(today=date(2026, 4, 2))
    assert deadline_of(case, "term").due_on == date(2026, 10, 8)


def test_make_up_working_day_is_a_working_day(org, make_case, deadline_of):
    # 2026-02-14 (Saturday) is a make-up working day: a notice due that day stays there.
    case = make_case(received_on=date(2026, 2, 2), filed_on=date(2026, 2, 4))
    engine.recompute(today=date(2026, 2, 5))
    assert deadline_of(case, "notice").due_on == date(2026, 2, 14)


def test_court_holiday_overrides_the_national_calendar(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    Holiday.objects.create(court=org.court, date=date(2026, 3, 16), kind=HolidayKind.HOLIDAY, name="本地")
    engine.recompute(today=date(2026, 3, 5))
    assert deadline_of(case, "notice").due_on == date(2026, 3, 17)
    other = make_case(court=org.other_court, received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    engine.recompute(today=date(2026, 3, 5))
    assert deadline_of(other, "notice").due_on == date(2026, 3, 16)


def test_notice_served_meets_the_notice_deadline(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    engine.recompute(today=date(2026, 3, 5))
    Action.objects.create(case=case, kind="notice_served", occurred_on=date(2026, 3, 6), actor=org.officer)
    result = engine.recompute(today=date(2026, 3, 7))
    d = deadline_of(case, "notice")
    assert d.status == "met" and d.met_on == date(2026, 3, 6)
    assert result.updated >= 1


def test_unserved_notice_becomes_overdue(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    engine.recompute(today=date(2026, 3, 17))
    assert deadline_of(case, "notice").status == "overdue"


def test_suspension_pauses_the_term_and_extension_adds_months(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    TermPause.objects.create(case=case, kind="suspension", started_on=date(2026, 4, 1), ended_on=date(2026, 4, 30))
    engine.recompute(today=date(2026, 5, 5))
    # 2026-09-04 + 30 days = 2026-10-04 (National Day holiday) -> 2026-10-08
    assert deadline_of(case, "term").due_on == date(2026, 10, 8)
    TermExtension.objects.create(case=case, months=3, reason="复杂", approved_by=org.chief,
                                 approved_on=date(2026, 8, 1))
    engine.recompute(today=date(2026, 8, 2))
    assert deadline_of(case, "term").due_on == date(2027, 1, 4) + timedelta(days=0)  # 12-04 + 30 days


def test_open_suspension_keeps_the_term_from_running_out(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    TermPause.objects.create(case=case, kind="suspension", started_on=date(2026, 9, 1))
    engine.recompute(today=date(2026, 11, 1))
    d = deadline_of(case, "term")
    assert d.status == "open" and d.due_on > date(2026, 11, 1)


def test_closing_the_case_meets_the_term_and_starts_archiving(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    engine.recompute(today=date(2026, 3, 5))
    type(case).objects.filter(pk=case.pk).update(stage="closed", closed_on=date(2026, 5, 6), closure_mode="fulfilled")
    engine.recompute(today=date(2026, 5, 7))
    term = deadline_of(case, "term")
    assert term.status == "met" and term.met_on == date(2026, 5, 6) and not term.met_late
    assert deadline_of(case, "notice").status == "cancelled"
    archive = deadline_of(case, "archive")
    assert archive.due_on == date(2026, 7, 6) and archive.status == "open"


def test_zhongben_case_is_queried_every_six_months(org, make_case, deadline_of):
    case = make_case(received_on=date(2025, 1, 2), filed_on=date(2025, 1, 6), basis_effective_on=date(2024, 12, 1),
                     basis_due_on=date(2024, 12, 20))
    type(case).objects.filter(pk=case.pk).update(stage="closed", closed_on=date(2025, 6, 10),
                                                 closure_mode="terminated_round")
    Action.objects.create(case=case, kind="network_query", occurred_on=date(2025, 11, 20), actor=org.officer)
    engine.recompute(today=date(2026, 7, 1))
    first = deadline_of(case, "zb_query", 1)
    assert first.due_on == date(2025, 12, 10) and first.status == "met"
    second = deadline_of(case, "zb_query", 2)
    assert second.due_on == date(2026, 6, 10) and second.status == "overdue"
    third = deadline_of(case, "zb_query", 3)
    assert third.due_on == date(2026, 12, 10) and third.status == "open"
    assert not Deadline.objects.filter(case=case, kind="zb_query", seq=4).exists()


def test_leads_are_checked_in_7_days_or_3_if_urgent(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    at = datetime(2026, 3, 9, 23, 30, tzinfo=TZ)
    lead = Lead.objects.create(case=case, received_at=at, description="申请人称被执行人有车辆", due_at=at)
    urgent = Lead.objects.create(case=case, received_at=at, urgent=True, description="即将转移存款", due_at=at,
                                 officer=org.colleague)
    engine.recompute(today=date(2026, 3, 10))
    assert deadline_of(lead, "lead").due_on == date(2026, 3, 16)
    u = deadline_of(urgent, "lead_urgent")
    assert u.due_on == date(2026, 3, 12) and u.responsible == org.colleague
    Lead.objects.filter(pk=lead.pk).update(handled_at=datetime(2026, 3, 11, 9, tzinfo=TZ), result="已核实")
    engine.recompute(today=date(2026, 3, 11))
    assert deadline_of(lead, "lead").status == "met"


def test_petition_and_instalments(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    p = Petition.objects.create(case=case, received_on=date(2026, 3, 5), due_on=date(2026, 3, 20), content="催促执行")
    s = Settlement.objects.create(case=case, signed_on=date(2026, 3, 6), terms="分两期")
    i1 = SettlementInstalment.objects.create(settlement=s, number=1, due_on=date(2026, 4, 1), amount=Decimal("5000"))
    i2 = SettlementInstalment.objects.create(settlement=s, number=2, due_on=date(2026, 5, 1), amount=Decimal("5000"),
                                             paid_on=date(2026, 4, 28), paid_amount=Decimal("3000"))
    engine.recompute(today=date(2026, 4, 5))
    assert deadline_of(p, "petition").due_on == date(2026, 3, 20)
    assert deadline_of(i1, "instalment").status == "overdue"
    assert deadline_of(i2, "instalment").status == "open"  # part payment does not meet it
    SettlementInstalment.objects.filter(pk=i1.pk).update(paid_on=date(2026, 4, 6), paid_amount=Decimal("5000"))
    engine.recompute(today=date(2026, 4, 7))
    assert deadline_of(i1, "instalment").status == "met"


def test_court_rule_override_changes_days_and_can_disable(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    DeadlineRule.objects.create(court=org.court, kind="notice", days=3, warn_days=[1])
    engine.recompute(today=date(2026, 3, 5))
    d = deadline_of(case, "notice")
    assert d.due_on == date(2026, 3, 9) and d.warn_days == [1] and d.warn_from == date(2026, 3, 8)
    DeadlineRule.objects.filter(court=org.court, kind="notice").update(enabled=False)
    engine.recompute(today=date(2026, 3, 5))
    assert deadline_of(case, "notice").status == "cancelled"


def test_term_months_follow_the_cases_court_setting(org, make_case, deadline_of):
    CourtSetting.objects.create(court=org.court, key="term_months", value=4)
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    engine.recompute(today=date(2026, 3, 5))
    assert deadline_of(case, "term").due_on == date(2026, 7, 6)  # 07-04 is a Saturday


def test_working_day_rule_counts_only_working_days(org, make_case, deadline_of):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    cp = case.case_parties.get(role="respondent")
    type(cp).objects.filter(pk=cp.pk).update(dishonest_listed_on=date(2024, 9, 28), dishonest_until=date(2026, 9, 30))
    engine.recompute(today=date(2026, 9, 1))
    # 3 working days after 2026-09-30: Oct 1-7 holiday, Oct 8, 9, 10 (make-up Saturday) -> 2026-10-10
    assert deadline_of(cp, "dishonest_term").due_on == date(2026, 10, 10)


def test_recompute_is_idempotent_and_uses_a_fixed_number_of_queries(org, make_case):
    for _ in range(3):
        make_case()
    with CaptureQueriesContext(connection) as few:
        first = engine.recompute(today=date(2026, 3, 5))
    for _ in range(12):
        make_case()
    with CaptureQueriesContext(connection) as many:
        second = engine.recompute(today=date(2026, 3, 5), full=True)
    assert first.mode == second.mode == "full" and len(few) == len(many)
    third = engine.recompute(today=date(2026, 3, 5))
    assert third.changed == 0 and second.inserted > 0
    # the incremental scan too: the same statements for 2 changed cases as for 12, on the same day or a new one
    counts: dict[bool, set[int]] = {True: set(), False: set()}
    for today, n in ((date(2026, 3, 5), 2), (date(2026, 3, 5), 12), (date(2026, 3, 6), 2), (date(2026, 3, 9), 12)):
        for _ in range(n):
            make_case()
        with CaptureQueriesContext(connection) as queries:
            result = engine.recompute(today=today)
        assert result.mode == "incremental" and result.cases >= n and result.inserted >= 3 * n
        counts[today == date(2026, 3, 5)].add(len(queries))
    assert len(counts[True]) == len(counts[False]) == 1  # same day / new day


def test_partial_recompute_touches_only_its_cases(org, make_case, deadline_of):
    a = make_case()
    b = make_case()
    engine.recompute(today=date(2026, 3, 5))
    Action.objects.create(case=a, kind="notice_served", occurred_on=date(2026, 3, 5), actor=org.officer)
    Action.objects.create(case=b, kind="notice_served", occurred_on=date(2026, 3, 5), actor=org.officer)
    engine.recompute(today=date(2026, 3, 5), case_ids=[a.pk])
    assert deadline_of(a, "notice").status == "met"
    assert deadline_of(b, "notice").status == "open"
    assert deadline_of(b, "term").status == "open"


def test_preview_computes_without_writing(org, make_case):
    case = make_case()
    rows = engine.preview(case_id=case.pk, today=date(2026, 3, 5))
    assert {r["kind"] for r in rows} >= {"filing", "notice", "term"}
    assert not Deadline.objects.exists()
