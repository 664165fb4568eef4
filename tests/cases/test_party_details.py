"""Concurrent edits of a party's contact details lose nothing (issue 18): two clerks editing different fields from
forms opened at the same time both survive; an edit of a field someone else changed since is refused."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from accounts.models import Role
from cases.models import CaseEvent, Party
from cases.services import PartyDetailsStale, party_details_update
from tests.conftest import make_user

STALE_ZH = "该当事人信息已被他人修改，请刷新后重试"


@pytest.fixture
def setup(org, make_case):
    case = make_case()
    party = case.case_parties.get(role="applicant").party
    return case, party, make_user("clerk2", org.court, [Role.CLERK], full_name="周敏")


def _hidden(html: str) -> dict:
    return {m.group(1): m.group(2).replace("&quot;", '"') for m in
            re.finditer(r'<input type="hidden" name="(orig_\w+)" value="([^"]*)"', html)}


def test_two_clerks_editing_phone_and_address_at_once_both_survive(org, setup, client):
    case, party, clerk2 = setup
    url = f"/cases/{case.pk}/parties/{party.pk}/edit/"
    client.force_login(org.clerk)
    form_a = _hidden(client.get(url).content.decode())
    other = type(client)()
    other.force_login(clerk2)
    form_b = _hidden(other.get(url).content.decode())
    assert form_a == form_b and "orig_address" in form_a
    # A changes the phone, B (from a form opened before A saved) changes the address.
    r = client.post(url, {**form_a, "phones": "13900000002", "address": party.address,
                          "legal_representative": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    r = other.post(url, {**form_b, "phones": "13800000001", "address": "甘肃省天水市秦州区新华路5号",
                         "legal_representative": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    party.refresh_from_db()
    assert party.phones == ["13900000002"] and party.address == "甘肃省天水市秦州区新华路5号"
    events = CaseEvent.objects.filter(case=case, type="party_details_changed").order_by("id")
    assert [list(e.parameters["new"]) for e in events] == [["phones"], ["address"]]
    assert events[1].parameters["old"] == {"address": "甘肃省天水市麦积区桥南路1号"}


def test_editing_the_same_field_from_a_stale_form_is_refused_with_a_message(org, setup, client):
    case, party, clerk2 = setup
    url = f"/cases/{case.pk}/parties/{party.pk}/edit/"
    client.force_login(org.clerk)
    form_a = _hidden(client.get(url).content.decode())
    other = type(client)()
    other.force_login(clerk2)
    form_b = _hidden(other.get(url).content.decode())
    assert client.post(url, {**form_a, "phones": "", "address": "兰州市城关区1号",
                             "legal_representative": ""}).status_code == 302
    r = other.post(url, {**form_b, "phones": "13800000001", "address": "天水市秦州区2号", "legal_representative": ""},
                   HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 409
    assert "address" in r.context["form"].errors
    assert STALE_ZH in r.content.decode()
    party.refresh_from_db()
    assert party.address == "兰州市城关区1号"  # the first edit stands


def test_service_writes_only_changed_fields_and_checks_each(org, setup):
    case, party, clerk2 = setup
    original = {"phones": list(party.phones), "address": party.address, "legal_representative": ""}
    party_details_update(actor=org.clerk, case=case, party=party, changes={"phones": ["13900000002"]},
                         original=original)
    # The second editor's form still shows the old phone, but they change only the legal representative.
    party_details_update(actor=clerk2, case=case, party=party,
                         changes={"phones": original["phones"], "legal_representative": "王五"}, original=original)
    party.refresh_from_db()
    assert party.phones == ["13900000002"] and party.legal_representative == "王五"
    with pytest.raises(PartyDetailsStale) as exc:
        party_details_update(actor=clerk2, case=case, party=party, changes={"phones": ["13700000000"]},
                             original=original)
    assert "phones" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        party_details_update(actor=clerk2, case=case, party=party, changes={"name": "李四"}, original={"name": "x"})
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        party_details_update(actor=clerk2, case=case, party=party, changes={"address": "路\u202e1号" + "路" * 300},
                             original={"address": party.address})
    assert "address" in exc.value.message_dict


def test_only_editors_of_the_case_may_change_its_parties(org, setup, make_case):
    case, party, _clerk2 = setup
    original = {"address": party.address}
    with pytest.raises(PermissionDenied):
        party_details_update(actor=org.outsider, case=case, party=party, changes={"address": "x"}, original=original)
    other_case = make_case(parties=None)
    stranger = Party.objects.create(kind="person", name="路人")
    with pytest.raises(PermissionDenied):
        party_details_update(actor=org.clerk, case=other_case, party=stranger, changes={"address": "x"},
                             original={"address": ""})


def test_api_merges_different_fields_and_refuses_a_stale_one_with_409(org, setup):
    case, party, clerk2 = setup
    a, b = APIClient(), APIClient()
    a.force_authenticate(org.clerk)
    b.force_authenticate(clerk2)
    seen = a.get(f"/api/v1/parties/{party.pk}/").json()
    url = f"/api/v1/cases/{case.pk}/party-details/"
    r = a.post(url, {"party": party.pk, "phones": ["13900000002"], "original": {"phones": seen["phones"]}},
               format="json")
    assert r.status_code == 200 and r.json()["phones"] == ["13900000002"], r.content
    r = b.post(url, {"party": party.pk, "address": "天水市秦州区2号", "original": {"address": seen["address"]}},
               format="json")
    assert r.status_code == 200 and r.json()["address"] == "天水市秦州区2号", r.content
    r = b.post(url, {"party": party.pk, "phones": ["13700000001"], "original": {"phones": seen["phones"]}}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "stale" and "phones" in r.json(), r.content
    r = b.post(url, {"party": party.pk, "address": "x"}, format="json")
    assert r.status_code == 400 and "original" in r.json()
    party.refresh_from_db()
    assert party.phones == ["13900000002"] and party.address == "天水市秦州区2号"


@pytest.mark.parametrize("junk", ["abc电话", "12", "电话13800000001", "=1+2", "1380000000１"])
def test_a_phone_that_is_not_a_number_is_refused_naming_the_field(org, setup, junk):
    case, party, _clerk2 = setup
    c = APIClient()
    c.force_authenticate(org.clerk)
    seen = c.get(f"/api/v1/parties/{party.pk}/").json()
    r = c.post(f"/api/v1/cases/{case.pk}/party-details/",
               {"party": party.pk, "phones": [junk], "original": {"phones": seen["phones"]}}, format="json")
    assert r.status_code == 400 and "phones" in r.json(), r.content
    party.refresh_from_db()
    assert junk not in party.phones


@pytest.mark.parametrize("phone", ["13800000001", "0938-8212345", "(0938) 821 2345 转 602", "+86 138 0000 0001"])
def test_the_ways_clerks_write_phone_numbers_are_accepted(org, setup, phone):
    case, party, _clerk2 = setup
    c = APIClient()
    c.force_authenticate(org.clerk)
    seen = c.get(f"/api/v1/parties/{party.pk}/").json()
    r = c.post(f"/api/v1/cases/{case.pk}/party-details/",
               {"party": party.pk, "phones": [phone], "original": {"phones": seen["phones"]}}, format="json")
    assert r.status_code == 200 and r.json()["phones"] == [phone], r.content
