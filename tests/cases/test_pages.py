from datetime import timedelta

from django.utils import timezone

from cases.models import Action, Case, Party
from cases.services import lead_register, petition_register

from .conftest import log, make_ready_for_zhongben, network_details


def intake_post(**over):
    data = {
        "case_type": "执", "received_on": "2026-03-02", "filed_on": "2026-03-04", "basis_kind": "judgment",
        "basis_issuer": "天水市麦积区人民法院", "basis_number": "（2025）甘0503民初456号",
        "basis_effective_on": "2025-12-01", "basis_due_on": "2025-12-31", "obligation_kind": "money",
        "principal": "80000", "interest_awarded": "0", "litigation_costs": "1200", "other_amount": "0",
        "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-role": "applicant", "parties-0-kind": "person", "parties-0-name": "张三",
        "parties-0-id_kind": "resident_id", "parties-0-id_number": "11010519491231002X",
        "parties-1-role": "respondent", "parties-1-kind": "legal_person", "parties-1-name": "天水示例建材有限公司",
        "parties-1-id_kind": "uscc", "parties-1-id_number": "91110108551385082Q",
    }
    data.update(over)
    return data


def test_clerk_registers_a_case_through_the_intake_form(org, client):
    client.force_login(org.clerk)
    assert client.get("/cases/register/").status_code == 200
    response = client.post("/cases/register/", intake_post(team=str(org.team.pk), officer=str(org.officer.pk)))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.amount_claimed == 81200 and case.officer == org.officer


def test_intake_errors_are_shown_on_the_field_and_nothing_is_saved(org, client):
    client.force_login(org.clerk)
    response = client.post("/cases/register/", intake_post(**{"parties-0-id_number": "360426199101010072"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="parties-0-id_number"' in html
    assert not Case.objects.exists() and not Party.objects.exists()


def test_officer_cannot_open_the_intake_form(org, client):
    client.force_login(org.officer)
    assert client.get("/cases/register/").status_code == 403


def test_case_page_query_count_is_bounded_whatever_the_size(org, make_case, client,
                                                            django_assert_max_num_queries):
    case = make_case()
    client.force_login(org.chief)
    with django_assert_max_num_queries(40) as small:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    for i in range(30):
        log(case, org.officer, "network_query", network_details(found=["vehicle"] if i % 2 else []))
        lead_register(actor=org.clerk, case=case, description=f"线索{i}")
        petition_register(actor=org.clerk, case=case, content=f"信访{i}")
    for tab in ("", "?tab=actions", "?tab=followups", "?tab=closures", "?tab=audit"):
        with django_assert_max_num_queries(len(small.captured_queries) + 25):
            response = client.get(f"/cases/{case.pk}/{tab}")
        assert response.status_code == 200


def test_case_page_shows_summary_parties_status_and_timeline(org, make_case, client):
    case = make_case()
    cp = case.case_parties.get(role="respondent")
    log(case, org.officer, "consumption_restriction", {"party_ids": [cp.pk], "measure": "impose"})
    client.force_login(org.officer)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert case.number in html and "天水示例建材有限公司" in html
    assert 'id="timeline"' in html and "限制消费" in html  # Chinese by default


def test_audit_tab_is_for_chiefs_and_shows_before_and_after(org, make_case, client):
    case = make_case()
    from cases.services import case_assign

    case_assign(actor=org.chief, case=case, team=org.other_team, officer=org.colleague, reason="调整")
    client.force_login(org.chief)
    html = client.get(f"/cases/{case.pk}/?tab=audit").content.decode()
    assert 'id="tabpane-audit"' in html and "王建国" in html and "<del>" in html
    client.force_login(org.colleague)
    html = client.get(f"/cases/{case.pk}/?tab=audit").content.decode()
    assert 'id="tabpane-audit"' not in html and 'id="tab-audit"' not in html


def test_officer_logs_an_action_from_the_short_form(org, make_case, client):
    case = make_case()
    client.force_login(org.officer)
    page = client.get(f"/cases/{case.pk}/actions/new/?kind=judicial_detention")
    assert page.status_code == 200 and 'name="d-days"' in page.content.decode()
    partial = client.get(f"/cases/{case.pk}/actions/new/?kind=fine&partial=1", HTTP_HX_REQUEST="true")
    assert 'name="d-amount"' in partial.content.decode() and "<html" not in partial.content.decode()
    bad = client.post(f"/cases/{case.pk}/actions/new/", {"kind": "judicial_detention", "occurred_on": "2026-03-10",
                                                          "d-person": "李四", "d-days": "16",
                                                          "d-decision_number": "（2026）甘0503司惩1号", "d-ground": "抗拒"})
    assert bad.status_code == 200 and 'data-field="d-days"' in bad.content.decode()
    ok = client.post(f"/cases/{case.pk}/actions/new/", {"kind": "notice_served", "occurred_on": "2026-03-10",
                                                         "d-documents": ["enforcement_notice", "asset_report_order"],
                                                         "d-method": "direct", "d-recipient": "李四",
                                                         "d-served_on": "2026-03-10"})
    assert ok.status_code == 302
    action = Action.objects.get()
    assert action.details["documents"] == ["enforcement_notice", "asset_report_order"]
    assert action.summary in client.get(f"/cases/{case.pk}/").content.decode()


def test_colleague_and_outsider_cannot_open_the_action_form(org, make_case, client):
    case = make_case()
    client.force_login(org.colleague)
    assert client.get(f"/cases/{case.pk}/actions/new/").status_code == 404
    client.force_login(org.outsider)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    client.force_login(org.clerk)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/cases/{case.pk}/actions/new/").status_code == 403


def test_my_cases_shows_what_is_due_with_bounded_queries(org, make_case, client, django_assert_max_num_queries):
    cases = [make_case() for _ in range(3)]
    lead_register(actor=org.clerk, case=cases[0], description="线索", received_at=timezone.now() - timedelta(days=9))
    client.force_login(org.officer)
    with django_assert_max_num_queries(20) as few:
        html = client.get("/cases/mine/").content.decode()
    assert 'id="overdue-leads"' in html and cases[0].number in html
    for _ in range(12):
        make_case()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/cases/mine/").status_code == 200


def test_case_list_filters_and_paginates_with_bounded_queries(org, make_case, client, django_assert_max_num_queries):
    for _ in range(3):
        make_case()
    client.force_login(org.chief)
    with django_assert_max_num_queries(15):
        response = client.get("/cases/?q=天水示例&stage=registered&open_only=on")
    assert response.status_code == 200 and response.content.decode().count("/cases/") >= 3


def test_chief_approves_a_closure_from_the_queue(org, old_case, client):
    from cases.services import closure_request

    make_ready_for_zhongben(old_case, org.officer)
    req = closure_request(actor=org.officer, case=old_case, mode="terminated_round", reason="无财产")
    client.force_login(org.chief)
    html = client.get("/cases/approvals/").content.decode()
    assert f'id="closure-{req.pk}"' in html
    client.force_login(org.officer)
    assert client.get("/cases/approvals/").status_code == 403
    assert client.post(f"/cases/closures/{req.pk}/decide/", {"decision": "approve"}).status_code == 403
    client.force_login(org.chief)
    response = client.post(f"/cases/closures/{req.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    old_case.refresh_from_db()
    assert old_case.stage == "closed"


def test_closure_page_shows_the_checklist(org, old_case, client):
    client.force_login(org.officer)
    html = client.get(f"/cases/{old_case.pk}/closure/?mode=terminated_round").content.decode()
    assert "closure-checklist" in html and "✘" in html
    response = client.post(f"/cases/{old_case.pk}/closure/", {"mode": "terminated_round", "reason": "无财产"})
    assert response.status_code == 200 and 'data-field="mode"' in response.content.decode()
