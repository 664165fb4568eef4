"""Enforcement steps move the case's stage (节点) forward, in the step's own transaction (core.rules.stages;
domain.md §2.1 "as implemented"): through the real pages, the API and the services."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import CaseEvent, Stage
from cases.services import (
    case_transition, closure_approve, closure_request, suspension_approve, suspension_request,
)

from .conftest import log, make_ready_for_zhongben, network_details


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def stage_events(case):
    return list(CaseEvent.objects.filter(case=case, type="stage_changed").order_by("id"))


def notice_post(documents):
    today = str(timezone.localdate())
    return {"kind": "notice_served", "occurred_on": today, "d-documents": documents, "d-method": "direct",
            "d-recipient": "天水示例建材有限公司", "d-served_on": today}


def test_serving_the_enforcement_notice_on_the_page_moves_the_case_to_notice(org, make_case, client):
    case = make_case()
    client.force_login(org.officer)
    # The acceptance notice alone goes to the applicant: not node 3, the case stays registered.
    assert client.post(f"/cases/{case.pk}/actions/new/", notice_post(["acceptance_notice"])).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.REGISTERED and not stage_events(case)
    assert client.post(f"/cases/{case.pk}/actions/new/",
                       notice_post(["enforcement_notice", "asset_report_order"])).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.NOTICE
    [event] = stage_events(case)
    assert event.actor == org.officer
    assert event.parameters == {"old": "registered", "new": "notice", "reason": "", "step": "notice_served"}
    assert "执行通知" in event.summary and "送达" in event.summary  # who, when (event.at) and which step
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert event.summary in page  # on the timeline


def test_a_network_query_through_the_api_moves_the_case_to_investigation(org, make_case):
    case = make_case()
    response = api(org.officer).post("/api/v1/actions/", {
        "case": case.pk, "kind": "network_query", "occurred_on": str(timezone.localdate()),
        "details": network_details()}, format="json")
    assert response.status_code == 201, response.content
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATION
    assert stage_events(case)[-1].parameters["step"] == "investigation"


@pytest.mark.parametrize("kind", ["freeze", "seizure"])
def test_a_freeze_or_seizure_action_moves_the_case_to_control_and_a_later_query_does_not_move_it_back(
        org, make_case, client, kind):
    case = make_case()
    client.force_login(org.officer)
    r = client.post(f"/cases/{case.pk}/actions/new/", {
        "kind": kind, "occurred_on": str(timezone.localdate()), "d-asset": "中国农业银行账户 6228****0001",
        "d-amount": "5000.00"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.CONTROL
    log(case, org.officer, "network_query", network_details())
    case.refresh_from_db()
    assert case.stage == Stage.CONTROL and len(stage_events(case)) == 1


def test_steps_that_are_not_nodes_do_not_move_the_case(org, make_case):
    case = make_case()
    log(case, org.officer, "consumption_restriction", {"party_ids": [
        case.case_parties.get(role="respondent").pk], "measure": "impose"})
    log(case, org.officer, "other", {"description": "电话联系被执行人"})
    case.refresh_from_db()
    assert case.stage == Stage.REGISTERED and not stage_events(case)


def test_a_closed_case_is_never_moved(org, old_case):
    make_ready_for_zhongben(old_case, org.officer)
    old_case.refresh_from_db()
    assert old_case.stage == Stage.INVESTIGATION  # notice served, then the query and the on-site check
    request = closure_request(actor=org.officer, case=old_case, mode="terminated_round", reason="无财产可供执行")
    closure_approve(actor=org.chief, request=request)
    before = len(stage_events(old_case))
    # After 终本 the 6-monthly network query and notices are still recorded (§2.4): the case stays closed.
    log(old_case, org.officer, "network_query", network_details())
    log(old_case, org.officer, "notice_served", {"documents": ["enforcement_notice"], "method": "post",
                                                 "recipient": "被执行人", "served_on": str(timezone.localdate())})
    old_case.refresh_from_db()
    assert old_case.stage == Stage.CLOSED and len(stage_events(old_case)) == before


def test_a_suspended_case_is_not_moved_by_a_notice_and_resumes_where_it_was(org, make_case):
    today = timezone.localdate()
    case = make_case(received_on=today - timedelta(days=30), filed_on=today - timedelta(days=30))
    log(case, org.officer, "network_query", network_details())
    request = suspension_request(actor=org.officer, case=case, ground="applicant_agrees", reason="申请执行人同意延期")
    suspension_approve(actor=org.chief, request=request)
    log(case, org.officer, "notice_served", {"documents": ["enforcement_notice"], "method": "post",
                                             "recipient": "被执行人", "served_on": str(today)})
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED and case.resume_stage == Stage.INVESTIGATION
    case = case_transition(actor=org.officer, case=case, to_stage="investigation", reason="延期届满，恢复执行")
    assert case.stage == Stage.INVESTIGATION
