"""The register's REST API: list (scoped), issue, reprint, correct, PDF, document types for a case, the schema."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notices import services
from notices.models import IssuedDocument

from .conftest import TEST_NOTICE, TEST_RULING, respondent_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_issue_reprint_correct_and_download(api, org, case, test_types):
    today = timezone.localdate()
    api.force_authenticate(org.officer)
    body = {"case": case.pk, "doc_type": TEST_RULING, "addressee_key": respondent_key(case),
            "params": {"subject": "冻结"}, "issue_date": today.isoformat()}
    created = api.post("/api/v1/documents/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["serial"] == 1 and data["version"] == 1 and data["reprint"] is False
    assert data["issue_date"] == today.isoformat() and data["doc_title"] == "测试裁定书"
    again = api.post("/api/v1/documents/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == data["id"] and again.json()["reprint"] is True
    pdf = api.get(f"/api/v1/documents/{data['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == data["sha256"] == pdf["X-Document-SHA256"]
    corrected = api.post(f"/api/v1/documents/{data['id']}/correct/", {"reason": "标的有误"}, format="json")
    assert corrected.status_code == 201
    new = corrected.json()
    assert new["supersedes"] == data["id"] and new["number"] == data["number"] and new["version"] == 2
    assert api.get(f"/api/v1/documents/{data['id']}/").json()["superseded_by"] == new["id"]
    twice = api.post(f"/api/v1/documents/{data['id']}/correct/", {"reason": "again"}, format="json")
    assert twice.status_code == 400 and "document" in twice.json()


def test_bad_input_is_a_400_naming_the_field(api, org, case, test_types):
    api.force_authenticate(org.officer)
    r = api.post("/api/v1/documents/", {"case": case.pk, "doc_type": TEST_RULING,
                                        "addressee_key": respondent_key(case), "params": {}}, format="json")
    assert r.status_code == 400 and "params.subject" in r.json()
    r = api.post("/api/v1/documents/", {"case": case.pk, "doc_type": "nope", "addressee_key": "x"}, format="json")
    assert r.status_code == 400 and "doc_type" in r.json()
    r = api.post("/api/v1/documents/", {"case": case.pk, "doc_type": TEST_NOTICE}, format="json")
    assert r.status_code == 400 and "addressee_key" in r.json()
    assert not IssuedDocument.objects.exists()


def test_list_is_scoped_and_filterable(api, org, case, make_case, test_types):
    doc = services.document_issue(user=org.officer, case=case, doc_type=TEST_NOTICE,
                                  addressee_key=respondent_key(case))
    other_case = make_case()
    services.document_issue(user=org.clerk, case=other_case, doc_type=TEST_RULING,
                            addressee_key=respondent_key(other_case), params={"subject": "s"})
    api.force_authenticate(org.clerk)
    assert api.get("/api/v1/documents/").json()["count"] == 2
    rows = api.get("/api/v1/documents/", {"doc_type": TEST_NOTICE}).json()["results"]
    assert [r["id"] for r in rows] == [doc.pk]
    assert api.get("/api/v1/documents/", {"case": other_case.pk}).json()["count"] == 1
    assert api.get("/api/v1/documents/", {"serial": "x"}).status_code == 400
    api.force_authenticate(org.colleague)
    assert api.get("/api/v1/documents/").json()["count"] == 0
    assert api.get(f"/api/v1/documents/{doc.pk}/").status_code == 404
    assert api.get(f"/api/v1/documents/{doc.pk}/pdf/").status_code == 404
    r = api.post("/api/v1/documents/", {"case": case.pk, "doc_type": TEST_NOTICE,
                                        "addressee_key": respondent_key(case)}, format="json")
    assert r.status_code == 404
    api.force_authenticate(org.finance)
    r = api.post("/api/v1/documents/", {"case": case.pk, "doc_type": TEST_NOTICE,
                                        "addressee_key": respondent_key(case)}, format="json")
    assert r.status_code == 403


def test_document_types_with_addressees_for_a_case(api, org, case, test_types):
    api.force_authenticate(org.officer)
    rows = {r["code"]: r for r in api.get("/api/v1/document-types/", {"case": case.pk}).json()}
    ruling = rows[TEST_RULING]
    assert ruling["title"] == "测试裁定书" and [p["name"] for p in ruling["params"]] == ["subject", "on"]
    assert ruling["addressees"] == [{"key": respondent_key(case), "name": "天水示例建材有限公司",
                                     "address": "甘肃省天水市麦积区马跑泉路8号", "postcode": "", "role": "respondent"}]
    assert "enforcement_notice" in rows
    assert "addressees" not in api.get("/api/v1/document-types/").json()[0]
    api.force_authenticate(org.outsider)
    assert api.get("/api/v1/document-types/", {"case": case.pk}).status_code == 404


def test_schema_lists_the_document_endpoints(api, org):
    api.force_authenticate(org.officer)
    schema = api.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/documents/", "/api/v1/documents/{id}/", "/api/v1/documents/{id}/correct/",
                 "/api/v1/documents/{id}/pdf/", "/api/v1/document-types/"):
        assert path in paths, path
