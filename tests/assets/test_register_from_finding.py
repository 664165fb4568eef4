"""A network query that found an account offers to register the asset with its details filled in; a new asset's
owner defaults to a debtor (the one the finding names, else the first), never an applicant."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from assets.forms import AssetForm
from assets.models import Asset
from cases.services import PartyInput
from tests.cases.conftest import log, network_details
from tests.conftest import login

from .conftest import applicant_of, respondent_of

SECOND_DEBTOR = "李建华"


def two_debtor_parties():
    return [PartyInput(role="applicant", kind="person", name="张三"),
            PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司"),
            PartyInput(role="respondent", kind="person", name=SECOND_DEBTOR)]


def query(case, officer, subject="天水示例建材有限公司", rows=None):
    details = network_details(found=("bank_deposit",))
    details["subject"] = subject
    for n, row in enumerate(rows or [("bank_deposit", "中国工商银行天水分行", "6222021234567891234", "12345.00")], 1):
        details.update({f"found_{n}_type": row[0], f"found_{n}_institution": row[1], f"found_{n}_number": row[2],
                        f"found_{n}_amount": row[3]})
    return log(case, officer, "network_query", details)


def add_url(case, action=None, row=0):
    url = reverse("assets:asset_add", args=[case.pk])
    return url if action is None else f"{url}?finding={action.pk}&row={row}"


def form_data(page_form: AssetForm) -> dict:
    """What the browser would send back for the drawn form (its initial values)."""
    data = {}
    for name, field in page_form.fields.items():
        value = page_form.initial.get(name, field.initial)
        value = value() if callable(value) else value
        if value not in (None, ""):
            data[f"asset-{name}"] = value
    return data


def test_register_link_opens_a_prefilled_form(client, org, case):
    action = query(case, org.officer)
    login(client, org.officer)
    with translation.override("zh-hans"):
        r = client.get(add_url(case, action), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200
    form = r.context["form"]
    debtor = respondent_of(case)
    assert form.initial["kind"] == "bank_deposit" and form.initial["bank_name"] == "中国工商银行天水分行"
    assert form.initial["account_number"] == "6222021234567891234"  # in full on the register
    assert form.initial["estimated_value"] == "12345.00"
    assert form.initial["source"] == "network_query" and form.initial["owner"] == debtor.pk
    assert form.initial["source_action"] == action.pk and form.initial["source_row"] == 0
    html = r.content.decode()
    assert "6222021234567891234" in html and "网络查控" in html
    assert f'<option value="{debtor.pk}" selected>' in html


def test_registering_from_the_finding_links_it_once_even_on_a_double_click(client, org, case):
    action = query(case, org.officer)
    login(client, org.officer)
    data = form_data(client.get(add_url(case, action)).context["form"])
    first = client.post(add_url(case), data)
    second = client.post(add_url(case), data)  # the same drawn form again (double click)
    assert first.status_code == 302 and second.status_code == 302
    asset = Asset.objects.get(case=case)
    assert (asset.source_action_id, asset.source_row, asset.owner_id) == (action.pk, 0, respondent_of(case).pk)
    assert asset.bank_name == "中国工商银行天水分行" and str(asset.estimated_value) == "12345.00"
    # A second form drawn for the same finding cannot register it again: the timeline says it is registered.
    again = client.post(add_url(case), form_data(client.get(add_url(case, action)).context["form"]))
    assert again.status_code == 400 and Asset.objects.filter(case=case).count() == 1
    assert "已登记" in again.content.decode() or "already registered" in again.content.decode()
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f"#asset-{asset.pk}" in html and "register-found" not in html


def test_owner_defaults_to_the_debtor_the_finding_names(client, org, make_case):
    case = make_case(parties=two_debtor_parties())
    second = case.case_parties.get(party__name=SECOND_DEBTOR)
    first = case.case_parties.get(party__name="天水示例建材有限公司")
    action = query(case, org.officer, subject=SECOND_DEBTOR)
    login(client, org.officer)
    assert client.get(add_url(case, action)).context["form"].initial["owner"] == second.pk
    # Not named (a typo, or a query of someone else): the first debtor; a plain new asset: the first debtor.
    other = query(case, org.officer, subject="某某")
    assert client.get(add_url(case, other)).context["form"].initial["owner"] == first.pk
    assert AssetForm(case=case).initial["owner"] == first.pk
    assert AssetForm(case=case).initial["owner"] != applicant_of(case).pk


def test_a_case_without_debtor_preselects_nobody(org, case):
    case.case_parties.filter(role="respondent").delete()  # intake requires one; an old record may lack it
    form = AssetForm(case=case)
    assert form.initial["owner"] == "" and form.fields["owner"].choices[0] == ("", "—")


def test_another_teams_query_in_the_prefill_address_shows_nothing(client, org, case, make_case):
    other_case = make_case(team=org.other_team, officer=org.colleague)
    theirs = query(other_case, org.colleague)
    login(client, org.officer)
    r = client.get(add_url(case, theirs))  # their query id on my case's form
    assert r.status_code == 404 and b"6222021234567891234" not in r.content
    assert client.get(add_url(other_case, theirs)).status_code in (403, 404)  # their case
    mine = query(case, org.officer)
    assert client.get(add_url(case, mine, row=5)).status_code == 404
    assert client.get(f"{add_url(case)}?finding=abc&row=0").status_code == 404
    # Posting their finding on my case is a field error, nothing registered.
    data = form_data(client.get(add_url(case, mine)).context["form"])
    data["asset-source_action"] = theirs.pk
    r = client.post(add_url(case), data)
    assert r.status_code == 400 and not Asset.objects.exists()


def test_tampered_owner_from_another_case_is_a_field_error(client, org, case, make_case):
    action = query(case, org.officer)
    stranger = respondent_of(make_case())
    login(client, org.officer)
    data = form_data(client.get(add_url(case, action)).context["form"])
    data["asset-owner"] = stranger.pk
    r = client.post(add_url(case), data)
    assert r.status_code == 400 and not Asset.objects.exists()
    assert r.context["form"].errors.get("owner")


@pytest.mark.parametrize("subject, expected", [("天水示例建材有限公司", "天水示例建材有限公司"), (SECOND_DEBTOR, SECOND_DEBTOR)])
def test_api_owner_defaults_to_a_debtor(client, org, make_case, subject, expected):
    case = make_case(parties=two_debtor_parties())
    action = query(case, org.officer, subject=subject)
    login(client, org.officer)
    body = {"case": case.pk, "kind": "bank_deposit", "description": "银行存款", "source": "network_query",
            "bank_name": "中国工商银行", "account_number": "6222021234567891234",
            "source_action": action.pk, "source_row": 0}
    r = client.post("/api/v1/assets/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    asset = Asset.objects.get(pk=r.json()["id"])
    assert asset.owner.party.name == expected and asset.source_action_id == action.pk
    r = client.post("/api/v1/assets/", body, content_type="application/json")
    assert r.status_code == 400 and "source_action" in r.json()
    del body["source_action"], body["source_row"]
    r = client.post("/api/v1/assets/", dict(body, account_number="1"), content_type="application/json")
    assert r.status_code == 201 and Asset.objects.get(pk=r.json()["id"]).owner.party.name == "天水示例建材有限公司"
    stranger = respondent_of(make_case())  # a party of another case
    r = client.post("/api/v1/assets/", dict(body, account_number="2", owner=stranger.pk),
                    content_type="application/json")
    assert r.status_code == 400 and "owner" in r.json() and not Asset.objects.filter(account_number="2").exists()


def test_finding_kinds_map_to_asset_kinds(client, org, case):
    action = query(case, org.officer, rows=[("vehicle", "天水市车管所", "甘E12345", "85000.00"),
                                            ("real_estate", "", "甘（2021）麦积区不动产权第0012345号", ""),
                                            ("equity", "天水某公司", "40%", "")])
    login(client, org.officer)
    vehicle, house, equity = (client.get(add_url(case, action, row=i)).context["form"].initial for i in range(3))
    assert (vehicle["kind"], vehicle["plate_number"], vehicle["estimated_value"]) == ("vehicle", "甘E12345", "85000.00")
    assert (house["kind"], house["certificate_number"]) == ("real_estate", "甘（2021）麦积区不动产权第0012345号")
    assert (equity["kind"], equity["company_name"], equity["share"]) == ("equity", "天水某公司", "40%")
