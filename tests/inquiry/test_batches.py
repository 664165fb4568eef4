"""Building a batch: who may inquire about whose case, only respondents, amount bounds, closed cases, the court's
enabled kinds, and the access log entry of every debtor."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cases.models import CaseParty, PartyRole
from cases.services import PartyInput
from core.models import CourtSetting
from inquiry.models import AccessLog, InquiryBatch, InquiryRequest
from inquiry.services import ControlLine, batch_cancel, batch_create, outstanding_claim

from .conftest import close_fulfilled, close_zhongben

pytestmark = pytest.mark.django_db


def debtor(case):
    return CaseParty.objects.get(case=case, role=PartyRole.RESPONDENT).party


def test_officer_builds_batch_for_own_case_only_respondents(org, make_case):
    case = make_case()
    batch = batch_create(actor=org.officer, kinds=["bank", "vehicle"], case_ids=[case.pk], document_number="（2026）甘0503执1号")
    reqs = list(batch.requests.order_by("seq"))
    assert [r.agency_kind for r in reqs] == ["bank", "vehicle"]
    applicant = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT).party
    assert {r.party_id for r in reqs} == {debtor(case).pk}
    assert not InquiryRequest.objects.filter(party=applicant).exists()
    r = reqs[0]
    assert r.request_id == f"{batch.number}-000001" and batch.number.isascii()
    assert (r.case_number, r.officer_id, r.officer_name) == (case.number, org.officer.pk, "郑强")
    assert r.subject_kind == "company" and r.subject_id_number == "91110108551385082Q"
    assert r.document_number == "（2026）甘0503执1号"
    log = AccessLog.objects.get(batch=batch)
    assert (log.action, log.user_id, log.case_id, log.party_id, log.case_number, log.legal_basis_officer) == (
        "batch_created", org.officer.pk, case.pk, debtor(case).pk, case.number, "郑强")


def test_several_respondents_each_asked(org, make_case):
    case = make_case(parties=[
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number="11010519491231002X"),
        PartyInput(role="respondent", kind="person", name="李四", id_kind="resident_id", id_number="110105198001010016"),
        PartyInput(role="respondent", kind="person", name="王五", id_kind="resident_id", id_number="110105199002020026"),
    ])
    batch = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    assert sorted(batch.requests.values_list("subject_name", flat=True)) == ["李四", "王五"]
    assert AccessLog.objects.filter(batch=batch).count() == 2


def test_other_team_refused_other_court_404(org, make_case):
    mine = make_case()
    theirs = make_case(team=org.other_team, officer=org.colleague)
    foreign = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    with pytest.raises(Http404):
        batch_create(actor=org.officer, kinds=["bank"], case_ids=[theirs.pk])  # another team's case is not visible
    with pytest.raises(Http404):
        batch_create(actor=org.officer, kinds=["bank"], case_ids=[mine.pk, foreign.pk])
    with pytest.raises(Http404):
        batch_create(actor=org.chief, kinds=["bank"], case_ids=[foreign.pk])
    with pytest.raises(PermissionDenied):
        batch_create(actor=org.supervisor, kinds=["bank"], case_ids=[mine.pk])  # sees it (tree) but may not act
    with pytest.raises(PermissionDenied):
        batch_create(actor=org.clerk, kinds=["bank"], case_ids=[mine.pk])
    assert not InquiryBatch.objects.exists() and not AccessLog.objects.exists()
    batch = batch_create(actor=org.chief, kinds=["bank"], case_ids=[mine.pk, theirs.pk])
    assert batch.requests.count() == 2


def test_stage_takes_only_the_users_cases(org, make_case):
    mine = make_case()
    make_case(team=org.other_team, officer=org.colleague)
    batch = batch_create(actor=org.officer, kinds=["bank"], stage=mine.stage)
    assert set(batch.requests.values_list("case_id", flat=True)) == {mine.pk}
    with pytest.raises(ValidationError) as e:
        batch_create(actor=org.officer, kinds=["bank"], stage="disposal")
    assert "stage" in e.value.message_dict


def test_closed_case_refused_but_zhongben_allowed(org, make_case):
    done = close_fulfilled(make_case(), date(2026, 6, 1))
    zb = close_zhongben(make_case(), date(2026, 6, 1))
    with pytest.raises(ValidationError) as e:
        batch_create(actor=org.officer, kinds=["bank"], case_ids=[done.pk, zb.pk])
    assert done.number in e.value.message_dict["cases"][0]
    assert not InquiryBatch.objects.exists()
    batch = batch_create(actor=org.officer, kinds=["bank"], case_ids=[zb.pk], purpose="post_zhongben")
    assert batch.requests.get().case_id == zb.pk
    batch = batch_create(actor=org.officer, kinds=["bank"], stage="closed")
    assert set(batch.requests.values_list("case_id", flat=True)) == {zb.pk}


def test_kinds_must_be_enabled_for_the_court(org, make_case):
    case = make_case()
    CourtSetting.objects.create(court=org.court, key="inquiry_agency_kinds", value=["bank", "real_estate"])
    with pytest.raises(ValidationError) as e:
        batch_create(actor=org.officer, kinds=["bank", "payment_platform"], case_ids=[case.pk])
    assert "kinds" in e.value.message_dict
    with pytest.raises(ValidationError):
        batch_create(actor=org.officer, kinds=["nonsense"], case_ids=[case.pk])
    with pytest.raises(ValidationError):
        batch_create(actor=org.officer, kinds=[], case_ids=[case.pk])
    CourtSetting.objects.create(court=org.court, key="inquiry_provincial_kinds", value=["real_estate"])
    batch = batch_create(actor=org.officer, kinds=["bank", "real_estate"], case_ids=[case.pk])
    assert dict(batch.requests.values_list("agency_kind", "channel")) == {"bank": "national",
                                                                         "real_estate": "provincial"}


def _freeze(case, amount, kind="bank", measure="freeze"):
    return ControlLine(case.pk, debtor(case).pk, kind, measure, amount)


@pytest.mark.parametrize("amount", ["0", "0.00", "-5", "-0.01", "12.345", "1e3", "NaN", "１００", "1,000",
                                    100.5, "100000.01", "", None])
def test_control_amount_bounds_refused(org, make_case, amount):
    case = make_case()
    assert outstanding_claim(case) == Decimal("100000.00")
    with pytest.raises(ValidationError) as e:
        batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk], controls=[_freeze(case, amount)])
    assert e.value.message_dict["controls"][0].startswith("Line 1: amount:")
    assert not InquiryBatch.objects.exists()


def test_control_amount_at_outstanding_accepted(org, make_case):
    case = make_case()
    batch = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk],
                         controls=[_freeze(case, "100000.00")])
    freeze = batch.requests.get(measure="freeze")
    assert freeze.amount == Decimal("100000.00")


def test_outstanding_counts_what_was_recovered(org, make_case):
    case = make_case()
    type(case).objects.filter(pk=case.pk).update(amount_recovered=Decimal("30000.00"))
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk], controls=[_freeze(case, "70000.01")])
    batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk], controls=[_freeze(case, "70000.00")])


def test_split_lines_of_one_debtor_cannot_exceed_outstanding(org, make_case):
    case = make_case()
    controls = [_freeze(case, "60000.00", "bank"), _freeze(case, "40000.01", "payment_platform")]
    with pytest.raises(ValidationError) as e:
        batch_create(actor=org.officer, kinds=["bank", "payment_platform"], case_ids=[case.pk], controls=controls)
    assert e.value.message_dict["controls"][0].startswith("Line 2: amount:")
    controls[1] = _freeze(case, "40000.00", "payment_platform")
    batch = batch_create(actor=org.officer, kinds=["bank", "payment_platform"], case_ids=[case.pk],
                         controls=controls)
    assert sum(r.amount for r in batch.requests.filter(measure="freeze")) == Decimal("100000.00")


def test_control_line_errors_name_each_line(org, make_case):
    case, other = make_case(), make_case()
    applicant = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT).party
    controls = [
        ControlLine(case.pk, applicant.pk, "bank", "freeze", "10"),  # an applicant is never controlled
        ControlLine(other.pk, debtor(other).pk, "bank", "freeze", "10"),  # not in this batch
        ControlLine(case.pk, debtor(case).pk, "vehicle", "freeze", "10"),  # kind not chosen
        ControlLine(case.pk, debtor(case).pk, "bank", "seize", "10"),  # a bank does not seize
        ControlLine(case.pk, debtor(case).pk, "bank", "freeze", "10"),
        ControlLine(case.pk, debtor(case).pk, "bank", "freeze", "10"),  # twice
    ]
    with pytest.raises(ValidationError) as e:
        batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk], controls=controls)
    lines = [m.split(":")[0] for m in e.value.message_dict["controls"]]
    assert lines == ["Line 1", "Line 2", "Line 3", "Line 4", "Line 6"]


def test_cancel_only_without_answers(org, make_case):
    case = make_case()
    batch = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    with pytest.raises(PermissionDenied):
        batch_cancel(actor=org.colleague, batch=batch)
    batch = batch_cancel(actor=org.officer, batch=batch)
    assert batch.status == "cancelled" and batch.cancelled_by == org.officer
    with pytest.raises(ValidationError):
        batch_cancel(actor=org.officer, batch=batch)
    assert AccessLog.objects.filter(batch=batch, action="batch_cancelled").count() == 1


def test_numbers_unique_and_sequential(org, make_case):
    case = make_case()
    a = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    b = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    assert int(b.number[-4:]) == int(a.number[-4:]) + 1
