"""Pages, API, letters and the structured export of delegations; each court sees its own part."""

from __future__ import annotations

import json
from pathlib import Path

from django.urls import reverse
from jsonschema import Draft202012Validator

from delegation import services
from delegation.models import Delegation, Status
from tests.conftest import login

from .conftest import pdf

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs/exchange/delegation.schema.json").read_text())


def test_officer_drafts_with_papers_and_a_double_submit_creates_one(client, org, case):
    login(client, org.officer)
    url = reverse("delegation:new", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    token = page.context["form"]["form_token"].value()
    data = {"kind": "investigate", "receiving_court": org.other_court.pk, "instructions": "调查房产",
            "form_token": token}
    first = client.post(url, {**data, "papers": pdf()})
    second = client.post(url, {**data, "papers": pdf()})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Delegation.objects.count() == 1 and Delegation.objects.get().papers.count() == 1


def test_bad_amount_on_the_page_names_the_field(client, org, case):
    login(client, org.officer)
    response = client.post(reverse("delegation:new", args=[case.pk]),
                           {"kind": "freeze", "receiving_court": org.other_court.pk, "instructions": "冻结",
                            "amount": "999999999"})
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] and not Delegation.objects.exists()


def test_receiving_court_never_sees_the_sending_case_page(client, org, case, send):
    d = send()
    login(client, org.other_chief)
    detail = client.get(reverse("delegation:detail", args=[d.pk]))
    assert detail.status_code == 200 and "调查被执行人" in detail.content.decode()
    assert reverse("cases:detail", args=[case.pk]) not in detail.content.decode()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("delegation:paper", args=[d.pk, d.papers.first().pk])).status_code == 200


def test_a_draft_is_invisible_to_the_receiving_court(client, org, case):
    d = services.delegation_create(actor=org.officer, case=case, kind="serve", receiving_court=org.other_court,
                                   instructions="送达")
    login(client, org.other_chief)
    assert client.get(reverse("delegation:detail", args=[d.pk])).status_code == 404
    assert client.get(reverse("delegation-detail", args=[d.pk])).status_code == 404


def _api(name, *args):
    return reverse(name, args=args)


def test_the_whole_flow_through_the_api(client, org, case, other_clerk):
    login(client, org.officer)
    created = client.post(_api("delegation-list"), {"case": case.pk, "kind": "freeze",
                                                    "receiving_court": org.other_court.pk,
                                                    "instructions": "冻结存款", "amount": "30000.00"},
                          content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert created.status_code == 201, created.content
    again = client.post(_api("delegation-list"), {"case": case.pk, "kind": "freeze",
                                                  "receiving_court": org.other_court.pk,
                                                  "instructions": "冻结存款", "amount": "30000.00"},
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json()["id"] == created.json()["id"] and Delegation.objects.count() == 1
    pk = created.json()["id"]
    assert client.post(_api("delegation-send", pk)).json()["status"] == "sent"
    # the receiving court's officer may not accept; its clerk does
    login(client, org.outsider)
    assert client.post(_api("delegation-accept", pk), {"team": org.foreign_team.pk},
                       content_type="application/json").status_code in (403, 404)
    login(client, other_clerk)
    incoming = client.get(_api("delegation-list"), {"box": "incoming"}).json()
    assert [r["id"] for r in incoming["results"]] == [pk]
    ok = client.post(_api("delegation-accept", pk), {"team": org.foreign_team.pk, "officer": org.outsider.pk},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    login(client, org.outsider)
    replied = client.post(_api("delegation-reply", pk), {"result": "已冻结30000元", "outcome": "done"},
                          content_type="application/json")
    assert replied.status_code == 200 and replied.json()["status"] == "answered"
    twice = client.post(_api("delegation-reply", pk), {"result": "again", "outcome": "done"},
                        content_type="application/json")
    assert twice.status_code == 400
    export = client.get(_api("delegation-export", pk)).json()
    Draft202012Validator(SCHEMA).validate(export)
    assert export["reply"]["result"] == "已冻结30000元" and export["letter"]["amount"] == "30000.00"


def test_freeze_beyond_the_claim_through_the_api_is_a_400_naming_amount(client, org, case):
    login(client, org.officer)
    response = client.post(_api("delegation-list"), {"case": case.pk, "kind": "freeze",
                                                     "receiving_court": org.other_court.pk,
                                                     "instructions": "冻结", "amount": "100000.01"},
                           content_type="application/json")
    assert response.status_code == 400 and "amount" in response.json()


def test_export_of_an_external_delegation_validates_against_the_schema(client, org, case):
    d = services.delegation_create(actor=org.officer, case=case, kind="serve",
                                   external_court_name="四川省成都市锦江区人民法院", external_court_address="成都市锦江区",
                                   instructions="代为送达\n执行通知书", papers=[pdf()])
    services.delegation_send(actor=org.officer, delegation=d)
    login(client, org.officer)
    response = client.get(reverse("delegation:export", args=[d.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    Draft202012Validator(SCHEMA).validate(data)
    assert data["receiving_court"] == {"code": None, "name": "四川省成都市锦江区人民法院", "address": "成都市锦江区"}
    assert data["papers"][0]["sha256"] == d.papers.get().sha256


def test_the_schema_rejects_a_tampered_export(org, case, send):
    from delegation.exchange import delegation_export

    data = delegation_export(send())
    data["letter"]["amount"] = 12.5
    assert list(Draft202012Validator(SCHEMA).iter_errors(data))


def test_letters_render_as_pdf_for_both_courts(client, org, case, send, other_clerk):
    d = send(kind="freeze", amount="50000.00")
    login(client, org.officer)
    letter = client.get(reverse("notices:delegation_letter", args=[d.pk]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert client.get(reverse("notices:delegation_reply", args=[d.pk])).status_code == 404  # not answered yet
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    services.delegation_reply(actor=org.outsider, delegation=d, result="已冻结", outcome="done")
    login(client, org.outsider)
    reply = client.get(reverse("notices:delegation_reply", args=[d.pk]))
    assert reply.status_code == 200 and reply.content.startswith(b"%PDF")
    login(client, org.colleague)  # another team of the sending court
    assert client.get(reverse("notices:delegation_letter", args=[d.pk])).status_code == 404


def test_the_letter_context_has_the_number_and_the_amount(org, case, send):
    from notices import documents

    d = send(kind="freeze", amount="50000.00")
    doc = documents.get("delegation_letter")
    [addressee] = doc.addressees(case)
    ctx = doc.context(case, addressee)
    assert ctx["document_number"] == d.number and ctx["letter"]["amount"] == d.amount
    assert ctx["addressee"] == org.other_court.name


def test_case_tab_lists_the_case_delegations(client, org, case, send):
    d = send()
    login(client, org.officer)
    html = client.get(reverse("cases:detail", args=[case.pk]), {"tab": "delegation"}).content.decode()
    assert reverse("delegation:detail", args=[d.pk]) in html and reverse("delegation:new", args=[case.pk]) in html


def test_withdraw_page_requires_a_reason_and_other_court_gets_403(client, org, case, send):
    d = send()
    login(client, org.officer)
    response = client.post(reverse("delegation:withdraw", args=[d.pk]), {"withdraw-reason": ""})
    assert response.status_code == 400
    assert Delegation.objects.get(pk=d.pk).status == Status.SENT
    login(client, org.other_chief)
    assert client.post(reverse("delegation:withdraw", args=[d.pk]), {"withdraw-reason": "x"}).status_code == 403
