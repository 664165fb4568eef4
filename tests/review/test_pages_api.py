"""Pages and API of objections: registration once per form/key, the disposal refused on the assets page and API
while suspended, each step by the right person only, the ruling document filed in the 执异 case, the case tab."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse

from notices.models import IssuedDocument
from review import services
from review.models import Objection
from tests.conftest import login

from .conftest import deliberate


def _form(case, disposal, adj_team, today, token="tok-1", **kw):
    data = {"form_token": token, "kind": "act", "objector": "天水示例建材有限公司", "objector_kind": "legal_person",
            "objector_phone": "", "contested_kind": "disposal", "disposal": str(disposal.pk), "control": "",
            "asset": "", "contested_act": "", "request": "撤销拍卖", "grounds": "评估价过低",
            "received_on": today.isoformat(), "accepted_on": today.isoformat(), "suspends": "on",
            "suspension_reason": "异议人提供担保", "team": str(adj_team.pk), "officer": str(adj_team.judge.pk)}
    data.update(kw)
    return data


def test_register_on_the_page_once_then_the_disposal_page_refuses_the_round(client, org, case, disposal, adj_team,
                                                                           today):
    login(client, org.clerk)
    url = reverse("review:objection_new", args=[case.pk])
    assert client.get(url).status_code == 200
    r1 = client.post(url, _form(case, disposal, adj_team, today))
    r2 = client.post(url, _form(case, disposal, adj_team, today))  # a double click
    assert r1.status_code == 302 and r2.status_code == 302 and r1["Location"] == r2["Location"]
    assert Objection.objects.count() == 1
    objection = Objection.objects.get()
    page = client.get(r1["Location"]).content.decode()
    assert objection.case.number in page and 'id="hold-banner"' in page

    login(client, org.colleague)  # the disposal team's officer tries the next round
    r = client.post(reverse("assets:disposal_action", args=[disposal.pk, "round"]), {
        "round-notice_on": today.isoformat(), "round-auction_on": (today + timedelta(days=30)).isoformat(),
        "round-opening_price": "560000", "round-deposit": "", "round-platform": "淘宝"})
    assert r.status_code == 400 and objection.case.number in r.content.decode()
    assert not disposal.rounds.exists()
    # the API refuses it as well
    r = client.post(f"/api/v1/disposals/{disposal.pk}/rounds/", {
        "notice_on": today.isoformat(), "auction_on": (today + timedelta(days=30)).isoformat(),
        "opening_price": "560000"}, content_type="application/json")
    assert r.status_code == 400 and objection.case.number in str(r.json())


def test_page_form_errors_name_the_field_and_save_nothing(client, org, case, disposal, adj_team, today):
    login(client, org.clerk)
    r = client.post(reverse("review:objection_new", args=[case.pk]),
                    _form(case, disposal, adj_team, today, suspension_reason="", kind="act"))
    assert r.status_code == 400
    assert re.search(r'name="suspension_reason"[^>]*is-invalid', r.content.decode())
    assert not Objection.objects.exists()


def test_officer_cannot_register_and_outsider_cannot_see(client, org, case, register):
    login(client, org.officer)
    assert client.get(reverse("review:objection_new", args=[case.pk])).status_code == 403
    objection = register()
    assert client.get(reverse("review:objection_detail", args=[objection.pk])).status_code == 200
    login(client, org.outsider)
    assert client.get(reverse("review:objection_detail", args=[objection.pk])).status_code == 404
    assert client.post(reverse("review:objection_act", args=[objection.pk]), {"op": "rule"}).status_code == 404


def test_steps_on_the_page_hearing_ruling_and_the_ruling_document(client, org, register, today, tmp_path):
    objection = register()
    login(client, org.clerk)
    act = reverse("review:objection_act", args=[objection.pk])
    r = client.post(act, {"op": "session", "form_token": "s1", "kind": "hearing", "held_on": today.isoformat(),
                          "participants": "异议人、申请执行人", "minutes": "听证笔录", "outcome": ""})
    assert r.status_code == 302
    r = client.post(act, {"op": "rule", "form_token": "r0", "outcome": "dismissed", "ruled_on": today.isoformat(),
                          "reasons": "x"})
    assert r.status_code == 403  # the clerk may not rule
    client.post(act, {"op": "session", "form_token": "s2", "kind": "deliberation", "held_on": today.isoformat(),
                      "participants": "合议庭", "minutes": "评议", "outcome": "驳回"})
    login(client, org.chief)
    r = client.post(act, {"op": "rule", "form_token": "r1", "outcome": "dismissed", "ruled_on": today.isoformat(),
                          "reasons": "拍卖程序合法，评估价格经依法确定"})
    assert r.status_code == 302
    objection.refresh_from_db()
    assert objection.status == "ruled" and objection.sessions.count() == 2
    page = client.get(reverse("review:objection_detail", args=[objection.pk])).content.decode()
    assert 'id="issue-ruling"' in page
    r = client.post(reverse("notices:document_issue", args=[objection.case_id]),
                    {"doc_type": "objection_ruling", "addressee_key": f"objection:{objection.pk}"})
    assert r.status_code == 302
    doc = IssuedDocument.objects.get(case=objection.case, doc_type="objection_ruling")
    pdf = client.get(reverse("notices:document_download", args=[doc.pk]))
    path = tmp_path / "ruling.pdf"
    path.write_bytes(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                             text=True, check=True).stdout)
    for item in ("执行裁定书", objection.enforcement_case.number.replace("(", "（").replace(")", "）"),
                 "驳回天水示例建材有限公司的异议请求", "十日内", "甘肃省天水市中级人民法院申请复议", "拍卖程序合法"):
        assert item in text, item


def test_case_tab_lists_objections_with_the_suspension(client, org, case, disposal, register):
    services_objection = register(contested_kind="disposal", disposal_id=disposal.pk, contested_act="",
                                  suspends=True, suspension_reason="担保")
    login(client, org.officer)
    r = client.get(reverse("cases:detail", args=[case.pk]) + "?tab=review")
    pane = r.content.decode().split('id="tabpane-review"', 1)[1].split("</table>", 1)[0]
    assert services_objection.case.number in pane and "已暂停处分" in pane
    assert "objection-new" not in pane  # the officer cannot register
    login(client, org.clerk)
    r = client.get(reverse("cases:detail", args=[case.pk]) + "?tab=review")
    assert 'id="objection-new"' in r.content.decode().split('id="tabpane-review"', 1)[1]
    # the 执异 case's own page lists the objection it is
    r = client.get(reverse("cases:detail", args=[services_objection.case_id]) + "?tab=review")
    assert "本案" in r.content.decode().split('id="tabpane-review"', 1)[1].split("</table>", 1)[0]


def test_api_create_once_per_key_and_steps(client, org, case, disposal, adj_team, today):
    login(client, org.clerk)
    body = {"enforcement_case": case.pk, "kind": "act", "objector": "天水示例建材有限公司",
            "objector_kind": "legal_person", "contested_kind": "disposal", "disposal": disposal.pk,
            "request": "撤销拍卖", "received_on": today.isoformat(), "suspends": True,
            "suspension_reason": "担保", "team": adj_team.pk}
    r1 = client.post("/api/v1/review-objections/", body, content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY="k-1")
    r2 = client.post("/api/v1/review-objections/", body, content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY="k-1")
    assert r1.status_code == 201 and r2.status_code == 200 and r1.json()["id"] == r2.json()["id"]
    assert Objection.objects.count() == 1 and r1.json()["hold_in_force"] is True
    oid = r1.json()["id"]
    r = client.post("/api/v1/review-objections/", dict(body, objector="李\u202e四"), content_type="application/json")
    assert r.status_code == 400 and "objector" in r.json()
    r = client.post(f"/api/v1/review-objections/{oid}/rule/", {"outcome": "dismissed", "ruled_on": today.isoformat(),
                                                               "reasons": "x"}, content_type="application/json")
    assert r.status_code == 403
    r = client.post(f"/api/v1/review-objections/{oid}/sessions/", {
        "kind": "deliberation", "held_on": today.isoformat(), "participants": "合议庭", "minutes": "评议"},
        content_type="application/json")
    assert r.status_code == 201 and len(r.json()["sessions"]) == 1
    login(client, org.chief)
    r = client.post(f"/api/v1/review-objections/{oid}/rule/", {"outcome": "dismissed", "ruled_on": today.isoformat(),
                                                               "reasons": "理由"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "ruled" and r.json()["hold_in_force"] is False
    login(client, org.outsider)
    assert client.get(f"/api/v1/review-objections/{oid}/").status_code == 404
    assert client.get("/api/v1/review-objections/").json()["count"] == 0


def test_list_page_and_kpi_page(client, org, register, today):
    objection = register()
    login(client, org.chief)
    r = client.get(reverse("review:objection_list"))
    assert r.status_code == 200 and objection.case.number in r.content.decode()
    r = client.get(reverse("review:objection_list") + "?mine=rule")
    assert objection.case.number in r.content.decode()
    r = client.get(reverse("review:kpis") + f"?start={(today - timedelta(days=30)).isoformat()}"
                                            f"&end={today.isoformat()}&by=team")
    assert r.status_code == 200 and "执行裁决组" in r.content.decode()
    r = client.get(reverse("review:kpis") + f"?start={today.isoformat()}&end={(today - timedelta(days=1)).isoformat()}")
    assert r.status_code == 400
    r = client.get(f"/api/v1/review-objection-kpis/?start={(today - timedelta(days=30)).isoformat()}"
                   f"&end={today.isoformat()}")
    assert r.status_code == 200 and r.json()[-1]["is_total"] and r.json()[-1]["received"] == 1
    login(client, org.officer)
    assert client.get(reverse("review:kpis")).status_code == 403


@pytest.mark.parametrize("op", ["session", "withdraw"])
def test_a_stale_step_redirects_without_doing_anything(client, org, register, today, op):
    objection = register()
    deliberate(objection, org.clerk, today)
    services.objection_rule(actor=org.chief, objection=objection, outcome="upheld", ruled_on=today, reasons="x")
    login(client, org.clerk)
    r = client.post(reverse("review:objection_act", args=[objection.pk]), {"op": op, "on": today.isoformat()})
    assert r.status_code == 302
    objection.refresh_from_db()
    assert objection.status == "ruled" and objection.sessions.count() == 1


def test_home_tile_equals_the_list_it_opens(client, org, register, make_case, today):
    import re as _re

    register(objector="甲")
    register(objector="乙")
    withdrawn = register(objector="丙")
    services.objection_withdraw(actor=org.clerk, objection=withdrawn, withdrawn_on=today)
    # another court's objection is not the chief's
    from accounts.models import Team, TeamKind
    from tests.conftest import make_user
    from accounts.models import Role

    other_case = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    other_team = Team.objects.create(court=org.other_court, name="执行裁决组", kind=TeamKind.ADJUDICATION)
    services.objection_register(actor=make_user("oc", org.other_court, [Role.CLERK]), enforcement_case=other_case,
                                kind="act", objector="丁", contested_kind="other", contested_act="x", request="y",
                                received_on=today, team=other_team)
    login(client, org.chief)
    home = client.get(reverse("core:home")).content.decode()
    m = _re.search(r'data-tile="objections_to_rule">\s*<div class="card-body[^"]*">\s*<div[^>]*data-count>(\d+)<', home)
    assert m and int(m.group(1)) == 2
    page = client.get(reverse("review:objection_list") + "?mine=rule").content.decode()
    assert _re.search(r'id="objection-total">2\D', page)


def test_missing_papers_notice_from_the_page_and_the_api_once(client, org, register, today):
    objection = register()
    login(client, org.clerk)
    page = client.get(reverse("review:objection_detail", args=[objection.pk])).content.decode()
    assert 'value="papers"' in page
    r = client.post(reverse("review:objection_act", args=[objection.pk]),
                    {"op": "papers", "form_token": "p1", "on": today.isoformat()})
    assert r.status_code == 302
    objection.refresh_from_db()
    assert objection.papers_notice_on == today
    page = client.get(reverse("review:objection_detail", args=[objection.pk])).content.decode()
    assert 'value="papers"' not in page  # given once: no second form
    r = client.post(f"/api/v1/review-objections/{objection.pk}/papers-notice/", {"on": today.isoformat()},
                    content_type="application/json")
    assert r.status_code == 400  # already given
    other = register(objector="李四")
    r = client.post(f"/api/v1/review-objections/{other.pk}/papers-notice/", {"on": "2026-13-01"},
                    content_type="application/json")
    assert r.status_code == 400 and "on" in r.json()
    r = client.post(f"/api/v1/review-objections/{other.pk}/papers-notice/", {"on": today.isoformat()},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["papers_notice_on"] == today.isoformat()
    login(client, org.outsider)
    assert client.post(f"/api/v1/review-objections/{other.pk}/papers-notice/", {"on": today.isoformat()},
                       content_type="application/json").status_code == 404
