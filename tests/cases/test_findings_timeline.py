"""Findings are part of the case: what a network query found, the notes of an on-site check or a search, and what a
lead check turned up read on the case timeline for the case's team and the chief (not only in the chief's audit tab),
in Chinese, and never for another team's officer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import Role
from cases.models import CaseEvent, Lead
from cases.selectors import case_audit_trail
from cases.services import lead_handle, lead_register
from tests.conftest import make_user

from .conftest import log, network_details

LONG_NOTES = "被执行人经营场所已停业，" + "现场有库存钢材约二十吨，由看守人王某看管；" * 20 + "笔录末尾"


def query_with_account(case, officer, **extra):
    details = network_details(found=("bank_deposit",))
    details.update({"found_1_type": "bank_deposit", "found_1_institution": "中国工商银行",
                    "found_1_number": "6222021234567891234", "found_1_amount": "12345.00",
                    "note": "另查询到车辆一辆，待核实"}, **extra)
    return log(case, officer, "network_query", details)


def page(client, user, case, tab=""):
    client.force_login(user)
    return client.get(f"/cases/{case.pk}/" + (f"?tab={tab}" if tab else ""), HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_network_query_finding_is_stored_and_summarised_readably(org, make_case):
    case = make_case()
    with translation.override("zh-hans"):
        action = query_with_account(case, org.officer)
        event = CaseEvent.objects.get(case=case, type="action_logged", parameters__action_id=action.pk)
    assert action.details["found"] == [{"type": "bank_deposit", "institution": "中国工商银行",
                                        "number": "6222021234567891234", "amount": "12345.00"}]
    # The account number is shortened on the timeline; the balance in yuan; no raw keys.
    assert "查询到银行存款 中国工商银行 6222…1234 余额¥12,345.00" in event.summary
    assert "另查询到车辆一辆" in event.summary
    assert "bank_deposit" not in event.summary and "found" not in event.summary


def test_a_found_asset_marks_its_type_found_and_needs_a_number_and_bank(org, make_case):
    case = make_case()
    details = network_details()  # every type "nothing found"
    details.update({"found_1_type": "vehicle", "found_1_number": "甘E12345"})
    action = log(case, org.officer, "network_query", details)
    assert action.details["results"]["vehicle"] == "found"
    bad = network_details()
    bad.update({"found_2_type": "bank_deposit", "found_2_amount": "-5"})
    with pytest.raises(ValidationError) as exc:
        log(case, org.officer, "network_query", bad)
    errors = exc.value.message_dict
    assert {"details.found_2_number", "details.found_2_institution", "details.found_2_amount"} <= set(errors)
    bad = network_details()
    bad.update({"found_1_institution": "中国银行"})  # a row without its type
    with pytest.raises(ValidationError) as exc:
        log(case, org.officer, "network_query", bad)
    assert "details.found_1_type" in exc.value.message_dict


def test_findings_show_on_the_timeline_for_the_team_and_the_chief_not_another_team(org, make_case, client):
    case = make_case()
    teammate = make_user("teammate", org.court, [Role.OFFICER], [org.team], full_name="周敏")
    with translation.override("zh-hans"):
        query_with_account(case, org.officer)
        log(case, org.officer, "onsite_investigation", {"place": "马跑泉路8号", "findings": LONG_NOTES})
        lead = lead_register(actor=org.clerk, case=case, description="被执行人在秦州区有一处商铺")
        lead_handle(actor=org.officer, lead=lead, result="经不动产登记中心查询，商铺登记在被执行人名下",
                    outcome="confirmed")
    for user in (org.officer, teammate, org.chief):
        html = page(client, user, case).content.decode()
        assert "查询到银行存款 中国工商银行 6222…1234 余额¥12,345.00" in html, user
        assert "现场调查: 地点：马跑泉路8号；笔录要点：被执行人经营场所已停业" in html
        assert "笔录末尾" in html  # the full notes, which the summary had to cut
        assert "线索核实（被执行人在秦州区有一处商铺）：属实。经不动产登记中心查询" in html
        assert "bank_deposit" not in html and "onsite_investigation" not in html
        # The timeline below another tab shows the findings too.
        assert "6222…1234" in page(client, user, case, tab="actions").content.decode()
    assert page(client, org.colleague, case).status_code in (403, 404)  # another team's officer
    assert page(client, org.outsider, case).status_code in (403, 404)
    # Only those who may register assets get the button; the chief reads the finding.
    assert "登记财产" in page(client, org.officer, case).content.decode()


def test_lead_outcome_is_required_on_the_page_and_checked_in_the_service(org, make_case, client):
    case = make_case()
    lead = lead_register(actor=org.clerk, case=case, description="线索")
    client.force_login(org.officer)
    response = client.post(f"/cases/leads/{lead.pk}/handle/", {"result": "已核查"})
    assert response.status_code == 200 and Lead.objects.get(pk=lead.pk).handled_at is None
    with pytest.raises(ValidationError) as exc:
        lead_handle(actor=org.officer, lead=lead, result="已核查", outcome="maybe")
    assert "outcome" in exc.value.message_dict
    response = client.post(f"/cases/leads/{lead.pk}/handle/", {"result": "已核查，不属实", "outcome": "not_confirmed"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.outcome == "not_confirmed"


def test_audit_tab_reads_network_query_details_and_lead_outcome_without_raw_keys(org, make_case, client):
    case = make_case()
    query_with_account(case, org.officer)
    lead = lead_register(actor=org.clerk, case=case, description="线索")
    lead_handle(actor=org.officer, lead=lead, result="属实", outcome="confirmed")
    with translation.override("zh-hans"):
        rows = case_audit_trail(case=case)
        action = next(r for r in rows if r["label"] == case.actions.model._meta.verbose_name)
        details = dict((label, after) for label, _b, after in action["changes"])["详情"]
        # Each asset type by its name and result by its label; the found account in full (the audit is exact).
        assert "查询结果: " in details and "银行存款: 发现财产" in details and "船舶: 未发现财产" in details
        assert "查询到的财产: 银行存款 中国工商银行 6222021234567891234 余额¥12,345.00" in details
        for raw in ("results", "found", "bank_deposit", "not_queried", "result_", "institution", "{"):
            assert raw not in details, raw
    html = page(client, org.chief, case, tab="audit").content.decode()
    assert "核实结果" in html and "属实" in html
    for raw in ("bank_deposit", "results:", "confirmed", "real_estate"):
        assert raw not in html, raw


def test_lead_handled_over_the_api_takes_the_outcome(org, make_case, client):
    case = make_case()
    lead = lead_register(actor=org.clerk, case=case, description="线索")
    client.force_login(org.officer)
    response = client.post(f"/api/v1/leads/{lead.pk}/handle/", {"result": "已核查", "outcome": "partly"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "partly"
    assert timezone.now() >= Lead.objects.get(pk=lead.pk).handled_at
