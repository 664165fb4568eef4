"""Pages and API: the templates pages for messaging managers, the case's 消息 tab (masked numbers, opt-out), the
read-only message API scoped like the tab, and template CRUD with placeholder checks."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import CaseParty, PartyRole
from messaging.models import Message, MessageTemplate, OptOut
from messaging.services import outbox_scan
from tests.conftest import login

from .conftest import enable

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_messages(org, make_case, switched_on):
    enable(org.chief, org.court, "case_accepted")
    case = make_case()
    outbox_scan()
    return case


def test_templates_page_for_managers_only(org, client):
    login(client, org.chief)
    page = client.get(reverse("messaging:templates")).content.decode()
    assert "立案受理" in page or "Case accepted" in page
    # one row per event and channel (six events, SMS and e-mail), the post-终本 query result among them
    assert page.count('id="tpl-') == 12 and "终本后财产查询结果" in page
    for user in (org.officer, org.clerk, org.finance):
        login(client, user)
        assert client.get(reverse("messaging:templates")).status_code == 403


def test_template_edit_refuses_an_unknown_placeholder_and_saves_a_good_one(org, client, make_case):
    login(client, org.court_admin)
    url = reverse("messaging:template_edit", args=["funds_received", "sms"])
    r = client.post(url, {"audience": "applicants", "enabled": "on", "body": "{案号}到账{金额}{银行卡}",
                          "action": "save"})
    assert r.status_code == 400 and "{银行卡}" in r.content.decode() and 'id="body-error"' in r.content.decode()
    assert not MessageTemplate.objects.exists()
    r = client.post(url, {"audience": "applicants", "enabled": "on", "body": "【{法院}】{案号}到账{金额}",
                          "action": "save"})
    assert r.status_code == 302
    t = MessageTemplate.objects.get()
    assert (t.court, t.event, t.enabled, t.body) == (org.court, "funds_received", True, "【{法院}】{案号}到账{金额}")


def test_template_preview_shows_the_text_and_its_length(org, client, make_case):
    case = make_case()
    login(client, org.chief)
    url = reverse("messaging:template_edit", args=["case_accepted", "sms"])
    r = client.post(url, {"audience": "both", "body": "【{法院}】{案号}，承办人{承办人}", "action": "preview",
                          "case": case.pk})
    page = r.content.decode()
    text = f"【天水市麦积区人民法院】{case.number}，承办人郑强"
    assert r.status_code == 200 and text in page and 'id="msg-preview-length"' in page
    assert str(len(text)) in page.split('id="msg-preview-length"')[1][:80]
    r = client.get(reverse("messaging:template_preview", args=["case_accepted", "sms"]) + f"?case={case.pk}")
    assert r.status_code == 200 and case.number in r.content.decode()
    other = make_case(court=org.other_court)
    r = client.get(reverse("messaging:template_preview", args=["case_accepted", "sms"]) + f"?case={other.pk}")
    assert r.status_code == 404  # another court's case


def test_case_tab_shows_the_log_masked_to_the_team_and_the_chief(org, client, case_with_messages):
    url = reverse("cases:detail", args=[case_with_messages.pk]) + "?tab=messages"
    for user in (org.officer, org.chief):
        login(client, user)
        tab = client.get(url).content.decode().split('id="tabpane-messages"')[1]
        # masked in the tab (the parties panel of the page shows the number in full, as before)
        assert 'id="msg-log"' in tab and "138****0001" in tab and "13800000001" not in tab
    for user in (org.colleague, org.clerk, org.finance):  # not the case's team
        login(client, user)
        r = client.get(url)
        assert r.status_code in (200, 404) and 'id="msg-log"' not in r.content.decode()


def test_officer_opts_a_party_out_from_the_case(org, client, case_with_messages):
    case = case_with_messages
    applicant = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT)
    login(client, org.colleague)
    r = client.post(reverse("messaging:case_optout", args=[case.pk]), {"case_party": applicant.pk, "channel": "sms"})
    assert r.status_code in (403, 404) and not OptOut.objects.exists()
    login(client, org.officer)
    r = client.post(reverse("messaging:case_optout", args=[case.pk]), {"case_party": applicant.pk, "channel": "sms"})
    assert r.status_code == 302
    assert OptOut.objects.get().address == "13800000001"
    assert Message.objects.get(case_party=applicant).status == "skipped"
    other = CaseParty.objects.exclude(case=case).first()
    if other:
        r = client.post(reverse("messaging:case_optout", args=[case.pk]), {"case_party": other.pk, "channel": "sms"})
        assert r.status_code == 404


def test_optouts_page_records_and_removes_only_its_courts(org, client):
    login(client, org.court_admin)
    r = client.post(reverse("messaging:optouts"), {"address": "abc"})
    assert r.status_code == 400 and 'id="address-error"' in r.content.decode()
    assert client.post(reverse("messaging:optouts"), {"address": "139 0000 0002", "note": "电话要求"}).status_code == 302
    mine = OptOut.objects.get()
    theirs = OptOut.objects.create(address="13700000009", channel="sms", source="admin", court=org.other_court)
    page = client.get(reverse("messaging:optouts")).content.decode()
    assert "139****0002" in page and "137****0009" not in page
    assert client.post(reverse("messaging:optout_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("messaging:optout_delete", args=[mine.pk])).status_code == 302
    assert list(OptOut.objects.all()) == [theirs]


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_message_api_is_scoped_and_masked(org, case_with_messages, make_case):
    ids = set(Message.objects.values_list("id", flat=True))
    data = _api(org.officer).get("/api/v1/messages/").json()
    assert {m["id"] for m in data["results"]} == ids
    assert all("****" in m["address"] or m["address"] == "" for m in data["results"])
    assert _api(org.colleague).get("/api/v1/messages/").json()["results"] == []
    assert _api(org.outsider).get("/api/v1/messages/").json()["results"] == []
    assert _api(org.court_admin).get("/api/v1/messages/").json()["count"] == len(ids)
    some = next(iter(ids))
    assert _api(org.colleague).get(f"/api/v1/messages/{some}/").status_code == 404
    assert _api(org.officer).post("/api/v1/messages/", {}, format="json").status_code == 405


def test_template_api_crud_for_managers(org):
    api = _api(org.chief)
    r = api.post("/api/v1/message-templates/", {"event": "case_closed", "channel": "sms", "audience": "both",
                                                "body": "{案号}结案{金额}"}, format="json")
    assert r.status_code == 400 and "body" in r.json()
    r = api.post("/api/v1/message-templates/", {"event": "case_closed", "channel": "sms", "audience": "both",
                                                "enabled": True, "body": "{案号}已结案（{结案方式}）"}, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["court"] == org.court.pk and r.json()["enabled_since"]
    r = api.patch(f"/api/v1/message-templates/{pk}/", {"body": "{案号}{措施}"}, format="json")
    assert r.status_code == 400 and "body" in r.json()
    assert api.patch(f"/api/v1/message-templates/{pk}/", {"enabled": False}, format="json").json()["enabled"] is False
    assert _api(org.officer).post("/api/v1/message-templates/", {}, format="json").status_code == 403
    assert _api(org.other_chief).get(f"/api/v1/message-templates/{pk}/").status_code == 404
    assert _api(org.other_chief).delete(f"/api/v1/message-templates/{pk}/").status_code == 404
    assert api.delete(f"/api/v1/message-templates/{pk}/").status_code == 204
    assert not MessageTemplate.objects.exists()


def test_gateway_reply_td_opts_out_with_the_token_only(client, settings):
    url = reverse("messaging:inbound")
    body = {"from": "+8613800000001", "text": "TD"}
    assert client.post(url, body, content_type="application/json").status_code == 404  # switched off
    settings.SMS_INBOUND_TOKEN = "gw-secret"
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert client.post(url, body, content_type="application/json",
                       HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert not OptOut.objects.exists()
    r = client.post(url, {"from": 13800000001}, content_type="application/json",
                    HTTP_AUTHORIZATION="Bearer gw-secret")
    assert r.status_code == 400 and "from" in r.json()
    r = client.post(url, {"from": "13900000002", "text": "好的"}, content_type="application/json",
                    HTTP_AUTHORIZATION="Bearer gw-secret")
    assert r.json() == {"opted_out": False}
    r = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer gw-secret")
    assert r.json() == {"opted_out": True}
    assert list(OptOut.objects.values_list("address", "source")) == [("13800000001", "reply")]
