"""Role × action × own/other team × own/other court, on pages and on the API: the same answer from the same policy."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Action, Assignment, ClosureRequest, Lead

ROLES = ["officer", "colleague", "outsider", "clerk", "chief", "finance", "supervisor", "other_chief"]

# expected outcome per role: "ok", "denied" (403: sees the case, may not act) or "hidden" (404)
VIEW = {"officer": "ok", "colleague": "hidden", "outsider": "hidden", "clerk": "ok", "chief": "ok", "finance": "ok",
        "supervisor": "ok", "other_chief": "hidden"}
ACT = {**VIEW, "clerk": "denied", "finance": "denied", "supervisor": "denied"}
EDIT = {**ACT, "clerk": "ok"}
ASSIGN = {**ACT, "officer": "denied"}
CLOSE = {**ACT}
APPROVE = {**ASSIGN}

CODES = {"ok": (200, 201, 302), "denied": (403,), "hidden": (404,)}


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def case(make_case):
    today = timezone.localdate()
    return make_case(received_on=today - timedelta(days=5), filed_on=today - timedelta(days=5))


@pytest.mark.parametrize("role", ROLES)
def test_view_case(org, case, client, role):
    user = getattr(org, role)
    client.force_login(user)
    assert client.get(f"/cases/{case.pk}/").status_code in CODES[VIEW[role]]
    assert api_for(user).get(f"/api/v1/cases/{case.pk}/").status_code in CODES[VIEW[role]]
    listed = [c["id"] for c in api_for(user).get("/api/v1/cases/").json()["results"]]
    assert (case.pk in listed) == (VIEW[role] == "ok")


@pytest.mark.parametrize("role", ROLES)
def test_log_action(org, case, client, role):
    user = getattr(org, role)
    data = {"case": case.pk, "kind": "other", "occurred_on": str(timezone.localdate()),
            "details": {"description": "电话联系被执行人"}}
    response = api_for(user).post("/api/v1/actions/", data, format="json")
    assert response.status_code in CODES[ACT[role]], response.content
    client.force_login(user)
    page = client.post(f"/cases/{case.pk}/actions/new/", {"kind": "other", "occurred_on": str(timezone.localdate()),
                                                         "d-description": "上门"})
    assert page.status_code in CODES[ACT[role]]
    assert Action.objects.filter(case=case).count() == (2 if ACT[role] == "ok" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_register_lead(org, case, client, role):
    user = getattr(org, role)
    response = api_for(user).post("/api/v1/leads/", {"case": case.pk, "description": "有车辆", "urgent": True},
                                  format="json")
    assert response.status_code in CODES[EDIT[role]], response.content
    client.force_login(user)
    page = client.post(f"/cases/{case.pk}/leads/new/", {"description": "有房产", "source": "contact_card"})
    assert page.status_code in CODES[EDIT[role]]
    assert Lead.objects.filter(case=case).count() == (2 if EDIT[role] == "ok" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_transition(org, case, client, role):
    user = getattr(org, role)
    response = api_for(user).post(f"/api/v1/cases/{case.pk}/transition/", {"to_stage": "notice"}, format="json")
    assert response.status_code in CODES[ACT[role]], response.content
    if ACT[role] == "ok":
        assert response.json()["stage"] == "notice"
    client.force_login(user)
    page = client.post(f"/cases/{case.pk}/transition/", {"to_stage": "stayed", "reason": "提供担保"})
    assert page.status_code in CODES[ACT[role]]


@pytest.mark.parametrize("role", ROLES)
def test_assign(org, case, client, role):
    user = getattr(org, role)
    data = {"team": org.other_team.pk, "officer": org.colleague.pk, "reason": "调整"}
    response = api_for(user).post(f"/api/v1/cases/{case.pk}/assign/", data, format="json")
    assert response.status_code in CODES[ASSIGN[role]], response.content
    client.force_login(user)
    assert client.get(f"/cases/{case.pk}/assign/").status_code in CODES[ASSIGN[role]]
    assert Assignment.objects.filter(case=case).count() == (2 if ASSIGN[role] == "ok" else 1)


@pytest.mark.parametrize("role", ROLES)
def test_request_and_approve_closure(org, case, role):
    from cases.services import closure_request

    user = getattr(org, role)
    response = api_for(user).post("/api/v1/closures/", {"case": case.pk, "mode": "terminated",
                                                        "ground": "applicant_withdrew", "reason": "撤回申请"},
                                  format="json")
    assert response.status_code in CODES[CLOSE[role]], response.content
    ClosureRequest.objects.all().delete()
    req = closure_request(actor=org.officer, case=case, mode="terminated", ground="applicant_withdrew", reason="撤回")
    response = api_for(user).post(f"/api/v1/closures/{req.pk}/approve/", format="json")
    expected = APPROVE[role] if role != "officer" else "denied"
    assert response.status_code in CODES[expected], response.content
    req.refresh_from_db()
    assert (req.status == "approved") == (expected == "ok")


def test_api_validation_errors_name_the_field(org, case):
    response = api_for(org.officer).post("/api/v1/actions/", {
        "case": case.pk, "kind": "judicial_detention", "occurred_on": str(timezone.localdate()),
        "details": {"person": "李四", "days": 30, "decision_number": "x", "ground": "y"}}, format="json")
    assert response.status_code == 400 and "details.days" in response.json()


def test_api_case_register_and_search(org):
    data = {"case_type": "执", "received_on": "2026-03-02", "filed_on": "2026-03-04", "basis_kind": "judgment",
            "basis_issuer": "天水市麦积区人民法院", "basis_number": "（2025）甘0503民初9号", "basis_effective_on": "2025-12-01",
            "principal": "1234.50",
            "parties": [{"role": "applicant", "kind": "person", "name": "张三"},
                        {"role": "respondent", "kind": "person", "name": "李四", "id_kind": "resident_id",
                         "id_number": "11010519491231002X"}]}
    response = api_for(org.clerk).post("/api/v1/cases/", data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount_claimed"] == "1234.50" and body["number"].endswith("执1号")
    assert api_for(org.officer).post("/api/v1/cases/", data, format="json").status_code == 403
    found = api_for(org.chief).get("/api/v1/cases/", {"q": "11010519491231002X"}).json()
    assert [c["id"] for c in found["results"]] == [body["id"]]
    bad = api_for(org.clerk).post("/api/v1/cases/", {**data, "parties": [
        {"role": "applicant", "kind": "person", "name": "张三", "id_kind": "resident_id",
         "id_number": "360426199101010072"}, {"role": "respondent", "kind": "person", "name": "李四"}]}, format="json")
    assert bad.status_code == 400 and "parties.0.id_number" in bad.json()


def test_api_list_query_count_is_bounded(org, make_case, django_assert_max_num_queries):
    for _ in range(3):
        make_case()
    client = api_for(org.chief)
    with django_assert_max_num_queries(8) as few:
        client.get("/api/v1/cases/")
    for _ in range(5):
        make_case()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/cases/").json()["results"]) == 8


def test_parties_api_lists_only_parties_of_visible_cases(org, case):
    names = {p["name"] for p in api_for(org.officer).get("/api/v1/parties/").json()["results"]}
    assert names == {"张三", "天水示例建材有限公司"}
    assert api_for(org.outsider).get("/api/v1/parties/").json()["results"] == []
    assert api_for(org.colleague).get("/api/v1/parties/").json()["results"] == []


def test_settlement_and_petition_api_round_trip(org, case):
    today = timezone.localdate()
    client = api_for(org.officer)
    s = client.post("/api/v1/settlements/", {"case": case.pk, "signed_on": str(today), "terms": "分两期",
                                             "instalments": [{"due_on": str(today), "amount": "60000.00"},
                                                             {"due_on": str(today), "amount": "40000"}]},
                    format="json")
    assert s.status_code == 201, s.content
    assert s.json()["total_amount"] == "100000.00"
    paid = client.post(f"/api/v1/settlements/{s.json()['id']}/pay/", {"number": 1, "paid_on": str(today),
                                                                       "paid_amount": "60000.00"}, format="json")
    assert paid.status_code == 200 and paid.json()["instalments"][0]["paid_amount"] == "60000.00"
    p = api_for(org.clerk).post("/api/v1/petitions/", {"case": case.pk, "content": "反映执行缓慢"}, format="json")
    assert p.status_code == 201
    assert api_for(org.clerk).post(f"/api/v1/petitions/{p.json()['id']}/answer/", {"reply": "x"},
                                   format="json").status_code == 403
    answered = client.post(f"/api/v1/petitions/{p.json()['id']}/answer/", {"reply": "已答复"}, format="json")
    assert answered.status_code == 200 and answered.json()["reply"] == "已答复"
