"""中止 (suspension) needs the chief's approval (domain.md §2.2 "as implemented"): the officer asks, the chief approves
or returns; only the approval suspends the case and starts the term pause, in one transaction."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from cases import selectors
from cases.models import CaseEvent, Stage, SuspensionRequest, TermPause
from cases.services import (
    case_transition, closure_approve, closure_request, suspension_approve, suspension_request, suspension_return,
)
from tests.conftest import make_user

from .conftest import make_ready_for_zhongben


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ask(org, case, **kw):
    return suspension_request(actor=kw.pop("actor", org.officer), case=case,
                              ground=kw.pop("ground", "third_party_objection"),
                              reason=kw.pop("reason", "案外人李某对查封房屋提出异议，经审查理由成立"), **kw)


def test_an_officer_can_no_longer_suspend_directly(org, make_case, client):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=org.officer, case=case, to_stage="suspended", reason="案外人异议成立")
    assert "中止" in " ".join(exc.value.message_dict["to_stage"])
    r = api(org.officer).post(f"/api/v1/cases/{case.pk}/transition/", {"to_stage": "suspended", "reason": "异议"},
                              format="json")
    assert r.status_code == 400
    client.force_login(org.officer)
    client.post(f"/cases/{case.pk}/transition/", {"to_stage": "suspended", "reason": "异议"})
    case.refresh_from_db()
    assert case.stage == Stage.REGISTERED and not TermPause.objects.filter(case=case).exists()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="suspended"' not in page  # not offered in the stage list any more
    assert f"/cases/{case.pk}/suspension/" in page  # the request is


def test_the_officer_requests_on_the_page_and_the_chief_approves_on_the_approvals_page(org, make_case, client):
    case = make_case()
    client.force_login(org.officer)
    assert client.get(f"/cases/{case.pk}/suspension/").status_code == 200
    r = client.post(f"/cases/{case.pk}/suspension/", {"ground": "applicant_agrees", "reason": "申请执行人书面同意延期三个月",
                                                      "proposal": "建议中止执行"})
    assert r.status_code == 302
    request = SuspensionRequest.objects.get(case=case)
    assert (request.status, request.requested_by, request.proposal) == ("pending", org.officer, "建议中止执行")
    case.refresh_from_db()
    assert case.stage == Stage.REGISTERED and not TermPause.objects.filter(case=case).exists()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="suspension-pending"' in page and 'id="request-suspension"' not in page

    client.force_login(org.chief)
    queue = client.get("/cases/approvals/").content.decode()
    assert f'id="suspension-{request.pk}"' in queue and "申请执行人书面同意延期三个月" in queue
    assert selectors.approvals_waiting(user=org.chief) == {"closures": 0, "suspensions": 1, "total": 1}
    r = client.post(f"/cases/suspensions/{request.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 302
    case.refresh_from_db()
    request.refresh_from_db()
    pause = TermPause.objects.get(case=case)
    assert case.stage == Stage.SUSPENDED and case.resume_stage == Stage.REGISTERED
    assert (pause.kind, pause.started_on, pause.ended_on) == ("suspension", timezone.localdate(), None)
    assert (request.status, request.decided_by, request.pause) == ("approved", org.chief, pause)
    types = list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))
    assert {"suspension_requested", "suspension_approved", "term_paused", "stage_changed"} <= set(types)
    assert f'id="suspension-{request.pk}"' not in client.get("/cases/approvals/").content.decode()
    assert selectors.approvals_waiting(user=org.chief)["total"] == 0


def test_double_approval_does_one_thing(org, make_case, client):
    case = make_case()
    request = ask(org, case)
    client.force_login(org.chief)
    one = client.post(f"/cases/suspensions/{request.pk}/decide/", {"decision": "approve"})
    two = client.post(f"/cases/suspensions/{request.pk}/decide/", {"decision": "approve"})  # second tab
    assert one.status_code == two.status_code == 302
    assert TermPause.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, type="suspension_approved").count() == 1
    with pytest.raises(ValidationError):
        suspension_approve(actor=org.chief, request=request)
    with pytest.raises(ValidationError):
        suspension_return(actor=org.chief, request=request, return_reason="重复")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_suspend_once(org_committed):
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    request = ask(org, case)
    chief2 = make_user("chief2", org.court, ["chief"], full_name="周正")
    barrier, outcomes = threading.Barrier(2), []

    def approve(actor):
        try:
            barrier.wait(timeout=10)
            suspension_approve(actor=actor, request=request)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (org.chief, chief2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["approved", "refused"]
    assert TermPause.objects.filter(case=case, kind="suspension").count() == 1
    assert CaseEvent.objects.filter(case=case, type="stage_changed", parameters__new="suspended").count() == 1


def test_the_requester_cannot_approve_even_as_a_chief_and_the_database_refuses_it_too(org, make_case):
    case = make_case()
    request = ask(org, case, actor=org.chief)
    with pytest.raises(PermissionDenied):
        suspension_approve(actor=org.chief, request=request)
    with pytest.raises(PermissionDenied):
        suspension_return(actor=org.chief, request=request, return_reason="自己退回")
    with pytest.raises(IntegrityError), transaction.atomic():
        SuspensionRequest.objects.filter(pk=request.pk).update(status="returned", return_reason="x",
                                                                decided_by=org.chief)
    second = make_user("chief2", org.court, ["chief"])
    suspension_approve(actor=second, request=request)
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED


def test_officers_of_another_team_or_court_cannot_ask_or_decide(org, make_case, client):
    case = make_case()
    for outsider in (org.colleague, org.outsider):
        with pytest.raises(PermissionDenied):
            ask(org, case, actor=outsider)
        assert api(outsider).post("/api/v1/suspensions/", {"case": case.pk, "ground": "other", "reason": "x"},
                                  format="json").status_code in (403, 404)
    client.force_login(org.colleague)
    assert client.post(f"/cases/{case.pk}/suspension/", {"ground": "other", "reason": "x"}).status_code in (403, 404)
    assert not SuspensionRequest.objects.filter(case=case).exists()
    request = ask(org, case)
    for user in (org.officer, org.colleague, org.other_chief):
        with pytest.raises(PermissionDenied):
            suspension_approve(actor=user, request=request)
        client.force_login(user)
        assert client.post(f"/cases/suspensions/{request.pk}/decide/",
                           {"decision": "approve"}).status_code in (403, 404)
    assert selectors.approvals_waiting(user=org.other_chief)["suspensions"] == 0
    request.refresh_from_db()
    assert request.status == "pending" and not TermPause.objects.filter(case=case).exists()


def test_the_chief_returns_with_a_reason_and_the_case_goes_on(org, make_case):
    case = make_case()
    request = ask(org, case)
    with pytest.raises(ValidationError) as exc:
        suspension_return(actor=org.chief, request=request, return_reason="  ")
    assert "return_reason" in exc.value.message_dict
    suspension_return(actor=org.chief, request=request, return_reason="异议尚未审查，不符合中止条件")
    request.refresh_from_db()
    case.refresh_from_db()
    assert request.status == "returned" and case.stage == Stage.REGISTERED
    ask(org, case, ground="other", reason="另行申请")  # a returned request does not block a new one


def test_one_waiting_request_per_case_and_bad_input_is_a_field_error(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        ask(org, case, ground="bogus", reason="")
    assert {"ground", "reason"} <= set(exc.value.message_dict)
    ask(org, case)
    with pytest.raises(ValidationError) as exc:
        ask(org, case)
    assert "ground" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        SuspensionRequest.objects.create(case=case, ground="other", reason="x", requested_by=org.officer)


def test_a_case_closed_meanwhile_is_not_suspended(org, old_case):
    make_ready_for_zhongben(old_case, org.officer)
    request = ask(org, old_case)
    closure = closure_request(actor=org.officer, case=old_case, mode="terminated_round", reason="无财产可供执行")
    closure_approve(actor=org.chief, request=closure)
    with pytest.raises(ValidationError):
        suspension_approve(actor=org.chief, request=request)
    old_case.refresh_from_db()
    assert old_case.stage == Stage.CLOSED and not TermPause.objects.filter(case=old_case, ended_on__isnull=True)


def test_the_api_requests_approves_and_returns(org, make_case):
    case, other = make_case(), make_case()
    r = api(org.officer).post("/api/v1/suspensions/", {"case": case.pk, "ground": "successor_awaited",
                                                       "reason": "被执行人死亡，等待继承人"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "pending"
    assert api(org.officer).post(f"/api/v1/suspensions/{r.json()['id']}/approve/").status_code == 403
    ok = api(org.chief).post(f"/api/v1/suspensions/{r.json()['id']}/approve/")
    assert ok.status_code == 200 and ok.json()["status"] == "approved" and ok.json()["pause"]
    assert api(org.chief).post(f"/api/v1/suspensions/{r.json()['id']}/approve/").status_code == 400
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED
    r2 = api(org.officer).post("/api/v1/suspensions/", {"case": other.pk, "ground": "other", "reason": "其他"},
                               format="json")
    back = api(org.chief).post(f"/api/v1/suspensions/{r2.json()['id']}/return/", {"return_reason": "理由不足"},
                               format="json")
    assert back.status_code == 200 and back.json()["status"] == "returned"


def test_resuming_stays_an_officers_stage_change_and_ends_the_pause(org, make_case):
    today = timezone.localdate()
    case = make_case(received_on=today - timedelta(days=20), filed_on=today - timedelta(days=20))
    suspension_approve(actor=org.chief, request=ask(org, case), on=today - timedelta(days=5))
    case = case_transition(actor=org.officer, case=case, to_stage="registered", reason="异议已驳回，恢复执行")
    pause = TermPause.objects.get(case=case)
    assert case.stage == Stage.REGISTERED and pause.ended_on == today
