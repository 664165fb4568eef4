"""Intake validates all parties at once: every party row's errors in one submit, each naming the row, nothing saved
(issue 19, "It is quick to work with")."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from rest_framework.test import APIClient

from cases.models import Case, Party
from cases.services import PartyInput

from .test_pages import intake_post

BAD_ID = "360426199101010072"  # wrong check character
BAD_ID_2 = "110105194912310020"


def three_bad_parties():
    return [
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number=BAD_ID),
        PartyInput(role="respondent", kind="person", name="李四"),
        PartyInput(role="respondent", kind="person", name="王五", id_kind="resident_id", id_number=BAD_ID_2),
        PartyInput(role="respondent", kind="person", name="  "),
    ]


def test_service_reports_every_party_error_naming_the_row(org, make_case):
    with override_settings(LANGUAGE_CODE="zh-hans"), pytest.raises(ValidationError) as exc:
        make_case(parties=three_bad_parties(), basis_issuer="")
    errors = exc.value.message_dict
    assert set(errors) >= {"parties.0.id_number", "parties.2.id_number", "parties.3.name", "basis_issuer"}
    assert errors["parties.0.id_number"][0].startswith("第1名申请执行人：")
    assert errors["parties.2.id_number"][0].startswith("第2名被执行人：")
    assert errors["parties.3.name"][0].startswith("第3名被执行人：")
    assert not Case.objects.exists() and not Party.objects.exists()


def test_intake_page_shows_every_party_error_at_once(org, client):
    client.force_login(org.clerk)
    data = intake_post(**{
        "parties-TOTAL_FORMS": "3", "parties-0-id_number": BAD_ID,
        "parties-2-role": "respondent", "parties-2-kind": "person", "parties-2-name": "王五",
        "parties-2-id_kind": "resident_id", "parties-2-id_number": BAD_ID_2})
    response = client.post("/cases/register/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="party-errors"' in html
    assert 'data-field="parties-0-id_number"' in html and 'data-field="parties-2-id_number"' in html
    assert "第1名申请执行人：" in html and "第2名被执行人：" in html
    assert not Case.objects.exists() and not Party.objects.exists()


def test_intake_page_checks_parties_even_when_the_form_has_other_errors(org, client):
    """A missing basis field and a page-level party error (empty name) do not hide another row's bad ID number."""
    client.force_login(org.clerk)
    data = intake_post(**{"basis_issuer": "", "parties-0-name": "", "parties-1-id_number": "91110108551385082A"})
    response = client.post("/cases/register/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert 'data-field="basis_issuer"' in html
    assert 'data-field="parties-0-name"' in html and "第1名申请执行人：" in html
    assert 'data-field="parties-1-id_number"' in html and "第1名被执行人：" in html
    assert not Case.objects.exists() and not Party.objects.exists()


def test_api_returns_every_party_error_keyed_by_index(org):
    api = APIClient()
    api.force_authenticate(org.clerk)
    body = {
        "case_type": "执", "received_on": "2026-03-02", "filed_on": "2026-03-04", "basis_kind": "judgment",
        "basis_issuer": "天水市麦积区人民法院", "basis_number": "（2025）甘0503民初456号",
        "basis_effective_on": "2025-12-01", "principal": "1000",
        "parties": [
            {"role": "applicant", "kind": "person", "name": "张三", "id_kind": "resident_id", "id_number": BAD_ID},
            {"role": "respondent", "kind": "person", "name": "李四"},
            {"role": "respondent", "kind": "person", "name": "王五", "id_kind": "resident_id",
             "id_number": BAD_ID_2},
        ],
    }
    response = api.post("/api/v1/cases/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400, response.content
    errors = response.json()
    flat = str(errors)
    assert "parties.0.id_number" in flat and "parties.2.id_number" in flat, errors
    assert "parties.1" not in flat
    assert not Case.objects.exists() and not Party.objects.exists()
