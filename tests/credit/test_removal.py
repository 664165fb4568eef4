"""Removal grounds open the removal once, due 3 working days after the ground; the deadline engine follows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Action, Case
from cases.services import closure_approve, closure_request
from credit import services
from credit.jobs import removal_grounds_scan_all
from credit.models import MeasureStatus

pytestmark = pytest.mark.django_db


def _paid_in_full(case):
    Case.objects.filter(pk=case.pk).update(amount_recovered=case.amount_claimed)
    case.refresh_from_db()


def test_fulfilled_closure_opens_the_removal_due_in_three_working_days(org, listed, official_calendar):
    m = listed("published")
    case = m.case
    _paid_in_full(case)
    req = closure_request(actor=org.officer, case=case, mode="fulfilled", reason="已全部履行")
    if req.status == "pending":
        closure_approve(actor=org.chief, request=req)
    m.refresh_from_db()
    case.refresh_from_db()
    assert m.status == MeasureStatus.REMOVAL_OPEN and m.removal_ground == "performed"
    assert m.removal_arose_on == case.closed_on
    from cases.term import court_calendars
    assert m.removal_due_on == court_calendars([case.court_id])[case.court_id].add_working_days(case.closed_on, 3)
    # the CaseParty is not marked removed until the chief removes the listing
    m.case_party.refresh_from_db()
    assert m.case_party.dishonest_removed_on is None
    # the deadline engine tracks it on the measure
    from deadlines import engine
    from deadlines.models import Deadline
    engine.recompute(case_ids=[case.pk])
    d = Deadline.objects.get(source_type="credit_measure", source_id=m.pk)
    assert d.kind == "dishonest_removal" and d.due_on == m.removal_due_on
    services.measure_remove(actor=org.chief, measure=m)
    engine.recompute(case_ids=[case.pk])
    d.refresh_from_db()
    assert d.status == "met"


def test_scan_opens_each_ground_once(org, listed, credit_case):
    m = listed("published")
    assert removal_grounds_scan_all() == 0  # nothing yet
    _paid_in_full(credit_case)
    assert removal_grounds_scan_all() == 1
    assert removal_grounds_scan_all() == 0  # idempotent
    m.refresh_from_db()
    assert (m.status, m.removal_ground, m.removal_arose_on) == ("removal_open", "performed", timezone.localdate())


def test_term_expiry_opens_the_removal(org, listed):
    m = listed("published", ground="4")
    assert removal_grounds_scan_all(today=m.until - timedelta(days=1)) == 0
    assert removal_grounds_scan_all(today=m.until) == 1
    m.refresh_from_db()
    assert (m.removal_ground, m.removal_arose_on) == ("term_expired", m.until)


def test_two_empty_queries_after_zhongben(org, listed):
    m = listed("published")
    case = m.case
    closed = timezone.localdate() - timedelta(days=5)
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="terminated_round", closed_on=closed)
    nothing = {"system": "总对总", "subject": "李四", "results": {"bank": "none"}, "found": []}
    Action.objects.create(case=case, kind="network_query", occurred_on=closed + timedelta(days=1), details=nothing,
                          summary="无", actor=org.officer)
    assert removal_grounds_scan_all() == 0  # one query is not enough
    found = {"system": "总对总", "subject": "李四", "results": {"bank": "found"}, "found": [{"type": "bank"}]}
    Action.objects.create(case=case, kind="network_query", occurred_on=closed + timedelta(days=2), details=found,
                          summary="有", actor=org.officer)
    assert removal_grounds_scan_all() == 0  # a query that found something does not count
    Action.objects.create(case=case, kind="network_query", occurred_on=closed + timedelta(days=3), details=nothing,
                          summary="无", actor=org.officer)
    assert removal_grounds_scan_all() == 1
    m.refresh_from_db()
    assert (m.removal_ground, m.removal_arose_on) == ("zhongben_nothing", closed + timedelta(days=3))


def test_overdue_removals_are_counted_for_the_chief(org, listed):
    from credit.selectors import removals_overdue

    m = listed("published")
    m = services.removal_open(actor=org.officer, measure=m, ground="applicant", note="申请",
                              arose_on=timezone.localdate() - timedelta(days=9))
    assert list(removals_overdue(user=org.chief)) == [m]
    assert not removals_overdue(user=org.other_chief).exists()
    assert list(removals_overdue(user=org.chief, today=m.removal_due_on)) == []  # due today is not overdue
    services.measure_remove(actor=org.chief, measure=m)
    assert not removals_overdue(user=org.chief).exists()


def test_the_removal_and_lifting_documents_print(org, listed):
    from core.models import CourtSetting
    from notices import documents
    from notices.services import document_issue

    CourtSetting.objects.create(court=org.court, key="president_name", value="李德胜")
    m = listed("published")
    r = services.measure_propose(actor=org.officer, case=m.case, case_party=m.case_party, kind="restriction",
                                 reasons="未履行")
    services.measure_decide(actor=org.chief, measure=services.measure_approve(actor=org.chief, measure=r))
    for code in ("dishonest_removal", "restriction_lift"):
        assert documents.get(code).addressees(m.case) == []
        assert documents.get(code).unavailable(m.case)
    services.measure_remove(actor=org.chief, measure=services.removal_open(
        actor=org.officer, measure=m, ground="applicant", note="申请"))  # lifts the restriction too
    for code, text in (("dishonest_removal", "申请执行人书面申请"), ("restriction_lift", "申请执行人书面申请")):
        doc = documents.get(code)
        keys = [a.key for a in doc.addressees(m.case)]
        assert keys == [f"party:{m.case_party_id}"], code
        assert doc.context(m.case, doc.addressees(m.case)[0], {})["ground_text"].startswith(text)
        issued = document_issue(user=org.officer, case=m.case, doc_type=code, addressee_key=keys[0])
        assert issued.pages >= 1 and issued.number


def test_closure_lapses_undecided_proposals(org, listed, credit_case):
    proposed = listed("proposed")
    req = closure_request(actor=org.officer, case=credit_case, mode="terminated", ground="applicant_withdrew",
                          reason="申请执行人撤回申请")
    if req.status == "pending":
        closure_approve(actor=org.chief, request=req)
    proposed.refresh_from_db()
    assert proposed.status == MeasureStatus.REJECTED and proposed.rejection_reason
    with pytest.raises(ValidationError):
        services.measure_approve(actor=org.chief, measure=proposed)


def test_a_receipt_that_pays_in_full_opens_the_removal_at_once(org, listed, credit_case):
    from decimal import Decimal

    from assets.services import receipt_record

    m = listed("published")
    half = Decimal("1000.00")
    receipt_record(actor=org.finance, case=credit_case, kind="debtor_payment", amount=half,
                   occurred_on=timezone.localdate(), payer="李四")
    m.refresh_from_db()
    assert m.status == MeasureStatus.PUBLISHED  # part-paid: still listed
    receipt_record(actor=org.finance, case=credit_case, kind="debtor_payment", amount=credit_case.amount_claimed - half,
                   occurred_on=timezone.localdate(), payer="李四")
    m.refresh_from_db()
    assert (m.status, m.removal_ground, m.removal_arose_on) == ("removal_open", "performed", timezone.localdate())
