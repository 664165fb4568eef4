from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Case, CaseType, ClosureRequest, Stage
from cases.services import (
    case_resume, case_transition, closure_approve, closure_checklist, closure_request, closure_return, lead_register,
)

from .conftest import make_ready_for_zhongben


def test_zhongben_lists_exactly_what_is_missing(org, old_case):
    with pytest.raises(ValidationError) as exc:
        closure_request(actor=org.officer, case=old_case, mode="terminated_round", reason="无财产可供执行")
    missing = " ".join(exc.value.message_dict["mode"])
    for text in ("执行通知", "限制消费令", "总对总", "现场调查", "约谈申请执行人"):
        assert text in missing
    assert "超过3个月" not in missing
    assert not ClosureRequest.objects.exists()


def test_zhongben_is_refused_before_three_months(org, make_case):
    today = timezone.localdate()
    case = make_case(received_on=today - timedelta(days=30), filed_on=today - timedelta(days=30))
    make_ready_for_zhongben(case, org.officer)
    checks = {c.key: c for c in closure_checklist(case, "terminated_round")}
    assert not checks["three_months"].ok
    assert checks["notice_and_report"].ok and checks["network_query"].ok and checks["consumption_restriction"].ok


def test_open_lead_blocks_zhongben_and_interview_is_configurable(org, old_case):
    from core.models import CourtSetting

    make_ready_for_zhongben(old_case, org.officer, interview=False)
    lead_register(actor=org.clerk, case=old_case, description="被执行人在兰州有房产")
    checks = {c.key: c for c in closure_checklist(old_case, "terminated_round")}
    assert not checks["leads_checked"].ok and not checks["applicant_interview"].ok
    CourtSetting.objects.create(court=org.court, key="zhongben_requires_interview", value=False)
    checks = {c.key: c for c in closure_checklist(old_case, "terminated_round")}
    assert "applicant_interview" not in checks


def test_zhongben_goes_to_the_chief_who_approves_and_the_case_closes(org, old_case):
    make_ready_for_zhongben(old_case, org.officer)
    req = closure_request(actor=org.officer, case=old_case, mode="terminated_round", reason="穷尽财产调查措施")
    assert req.status == "pending" and all(c["ok"] or not c["required"] for c in req.checklist)
    with pytest.raises(ValidationError):
        closure_request(actor=org.officer, case=old_case, mode="terminated_round", reason="again")
    with pytest.raises(PermissionDenied):
        closure_approve(actor=org.officer, request=req)
    with pytest.raises(PermissionDenied):
        closure_approve(actor=org.other_chief, request=req)
    closure_approve(actor=org.chief, request=req)
    case = Case.objects.get(pk=old_case.pk)
    assert case.stage == Stage.CLOSED and case.closure_mode == "terminated_round"
    assert case.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        closure_approve(actor=org.chief, request=req)


def test_chief_returns_a_request_with_a_reason(org, old_case):
    make_ready_for_zhongben(old_case, org.officer)
    req = closure_request(actor=org.officer, case=old_case, mode="terminated_round", reason="无财产")
    with pytest.raises(ValidationError) as exc:
        closure_return(actor=org.chief, request=req, return_reason="  ")
    assert "return_reason" in exc.value.message_dict
    req = closure_return(actor=org.chief, request=req, return_reason="请补充住房公积金查询")
    assert req.status == "returned"
    assert Case.objects.get(pk=old_case.pk).stage != Stage.CLOSED


def test_fully_enforced_closes_without_approval_and_lifts_restrictions(org, old_case):
    from .conftest import log

    respondents = [cp.pk for cp in old_case.case_parties.filter(role="respondent")]
    log(old_case, org.officer, "consumption_restriction", {"party_ids": respondents, "measure": "impose"})
    with pytest.raises(ValidationError) as exc:
        closure_request(actor=org.officer, case=old_case, mode="fulfilled", reason="已履行")
    assert "尚有¥100,000.00未履行" in " ".join(exc.value.message_dict["mode"])
    Case.objects.filter(pk=old_case.pk).update(amount_recovered=Decimal("100000.00"))
    req = closure_request(actor=org.officer, case=old_case, mode="fulfilled", reason="全部履行完毕")
    assert req.status == "approved"
    cp = old_case.case_parties.get(role="respondent")
    assert cp.restriction_lifted_on == timezone.localdate()


def test_terminated_needs_a_ground_and_review_mode_only_fits_review_cases(org, old_case):
    with pytest.raises(ValidationError) as exc:
        closure_request(actor=org.officer, case=old_case, mode="terminated", reason="申请人撤回")
    assert "请选择事由" in " ".join(exc.value.message_dict["mode"])
    closure_request(actor=org.officer, case=old_case, mode="terminated", ground="applicant_withdrew", reason="撤回")
    other = ClosureRequest.objects.get(case=old_case)
    assert other.mode == "terminated"
    checks = closure_checklist(old_case, "review_decided")
    assert not checks[0].ok


def test_refused_on_arbitral_ground_needs_an_arbitral_award(org, old_case):
    checks = {c.key: c for c in closure_checklist(old_case, "refused", "arbitral_award_defect")}
    assert not checks["basis_fits_ground"].ok


def test_resuming_a_zhongben_case_creates_a_linked_resumed_case(org, old_case):
    make_ready_for_zhongben(old_case, org.officer)
    req = closure_request(actor=org.officer, case=old_case, mode="terminated_round", reason="无财产")
    closure_approve(actor=org.chief, request=req)
    with pytest.raises(PermissionDenied):
        case_resume(actor=org.officer, case=old_case, reason="发现新财产")
    new = case_resume(actor=org.clerk, case=old_case, reason="申请人提供新的财产线索")
    assert new.case_type == CaseType.RESUMED and new.origin_case_id == old_case.pk
    assert "执恢1号" in new.number
    assert new.principal == Decimal("100000.00")
    assert set(new.case_parties.values_list("party_id", flat=True)) == set(
        old_case.case_parties.values_list("party_id", flat=True))
    with pytest.raises(ValidationError):
        case_resume(actor=org.clerk, case=old_case, reason="again")


def test_open_case_cannot_be_resumed_and_archive_only_after_closure(org, old_case):
    with pytest.raises(ValidationError):
        case_resume(actor=org.clerk, case=old_case, reason="x")
    make_ready_for_zhongben(old_case, org.officer)
    closure_approve(actor=org.chief, request=closure_request(actor=org.officer, case=old_case,
                                                             mode="terminated_round", reason="无财产"))
    case = case_transition(actor=org.clerk, case=old_case, to_stage="archived")
    assert case.stage == "archived" and case.archived_on == timezone.localdate()
