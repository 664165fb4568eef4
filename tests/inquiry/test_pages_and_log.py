"""Pages and API of the inquiry app: the create form once on a double submit, the access log written for create,
export, download and view (and never changed or deleted), the chief's audit page and its spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import CaseParty, Party, PartyRole
from inquiry.models import AccessLog, InquiryBatch
from inquiry.services import access_log_record, batch_create
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _form_token(html: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]+)"', html).group(1)


def test_case_assets_tab_offers_inquiry(client, org, make_case):
    case = make_case()
    login(client, org.officer)
    page = client.get(reverse("cases:detail", args=[case.pk]) + "?tab=assets").content.decode()
    assert f'{reverse("inquiry:batch_new")}?case={case.pk}' in page


def test_double_submit_of_create_form_makes_one_batch(client, org, make_case):
    case = make_case()
    login(client, org.officer)
    url = reverse("inquiry:batch_new") + f"?case={case.pk}"
    page = client.get(url)
    assert page.status_code == 200 and case.number in page.content.decode()
    data = {"kinds": ["bank", "vehicle"], "purpose": "regular", "form_token": _form_token(page.content.decode()),
            "case_numbers": "", "stage": "", "document_number": "", "controls": "", "note": ""}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302 and first["Location"] == second["Location"]
    batch = InquiryBatch.objects.get()
    assert first["Location"] == reverse("inquiry:batch_detail", args=[batch.pk])
    assert batch.requests.count() == 2


def test_form_pasted_numbers_and_control_lines(client, org, make_case):
    a, b = make_case(), make_case()
    debtor = CaseParty.objects.get(case=a, role=PartyRole.RESPONDENT).party
    login(client, org.officer)
    url = reverse("inquiry:batch_new")
    token = _form_token(client.get(url).content.decode())
    data = {"kinds": ["bank"], "purpose": "regular", "form_token": token, "case_numbers": f"{a.number}\n{b.number}",
            "controls": f"{a.number} {debtor.id_number} bank 冻结 100000.01"}
    bad = client.post(url, data)
    assert bad.status_code == 400 and "100000.01" in bad.content.decode()
    assert not InquiryBatch.objects.exists()
    data["controls"] = f"{a.number}，{debtor.name}，银行，冻结，5000"
    data["form_token"] = _form_token(client.get(url).content.decode())
    ok = client.post(url, data)
    errors = re.findall(r"(?:invalid-feedback d-block|alert-danger[^>]*)\">([^<]+)", ok.content.decode())
    assert ok.status_code == 302, errors
    batch = InquiryBatch.objects.get()
    assert batch.requests.filter(measure="query").count() == 2
    assert str(batch.requests.get(measure="freeze").amount) == "5000.00"


def test_form_unknown_and_foreign_case_numbers(client, org, make_case):
    foreign = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    login(client, org.officer)
    url = reverse("inquiry:batch_new")
    data = {"kinds": ["bank"], "purpose": "regular", "case_numbers": foreign.number}
    response = client.post(url, data)
    assert response.status_code == 400 and not InquiryBatch.objects.exists()
    assert client.get(url + f"?case={foreign.pk}").status_code == 404


def test_detail_export_download_are_logged(client, org, make_case):
    case = make_case()
    batch = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    login(client, org.officer)
    detail = client.get(reverse("inquiry:batch_detail", args=[batch.pk]))
    assert detail.status_code == 200 and case.number in detail.content.decode()
    assert client.post(reverse("inquiry:batch_export", args=[batch.pk])).status_code == 302
    download = client.get(reverse("inquiry:batch_download", args=[batch.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    batch.refresh_from_db()
    assert download.content == bytes(batch.export_zip)
    actions = list(AccessLog.objects.filter(batch=batch).order_by("id").values_list("action", flat=True))
    assert actions == ["batch_created", "batch_viewed", "exported", "downloaded"]
    assert set(AccessLog.objects.values_list("case_number", flat=True)) == {case.number}


def test_other_team_and_court_cannot_open_batch(client, org, make_case):
    case = make_case()
    batch = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    for user in (org.colleague, org.outsider, org.other_chief, org.clerk):
        login(client, user)
        assert client.get(reverse("inquiry:batch_detail", args=[batch.pk])).status_code in (403, 404)
        assert client.post(reverse("inquiry:batch_export", args=[batch.pk])).status_code in (403, 404)
    login(client, org.chief)
    assert client.get(reverse("inquiry:batch_detail", args=[batch.pk])).status_code == 200
    login(client, org.colleague)
    assert batch.number not in client.get(reverse("inquiry:batch_list")).content.decode()


def test_access_log_cannot_be_changed_or_deleted(org, make_case):
    case = make_case()
    entry = access_log_record(user=org.officer, action="result_viewed", case=case)
    assert entry.legal_basis_officer == "郑强" and entry.case_number == case.number
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(user_name="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.user_name == "郑强"


def test_audit_page_for_the_chief_only(client, org, make_case):
    case = make_case()
    batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    url = reverse("inquiry:access_log")
    for user in (org.officer, org.clerk, org.finance, org.court_admin):
        login(client, user)
        assert client.get(url).status_code == 403
    login(client, org.other_chief)
    assert case.number not in client.get(url).content.decode()  # another court's log
    login(client, org.chief)
    page = client.get(url).content.decode()
    assert case.number in page and "郑强" in page
    assert case.number not in client.get(url, {"user": "chief"}).content.decode()
    assert case.number in client.get(url, {"user": "officer", "case_number": case.number[-6:]}).content.decode()
    assert case.number not in client.get(url, {"date_from": "2099-01-01"}).content.decode()
    assert client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400
    login(client, org.supervisor)  # the intermediate court's chief audits the courts below
    assert case.number in client.get(url).content.decode()


def test_audit_csv_cells_are_spreadsheet_safe(client, org, make_case):
    case = make_case()
    party = CaseParty.objects.get(case=case, role=PartyRole.RESPONDENT).party
    Party.objects.filter(pk=party.pk).update(name="=HYPERLINK(\"http://x\")")
    party.refresh_from_db()
    access_log_record(user=org.officer, action="result_viewed", case=case, party=party)
    login(client, org.chief)
    response = client.get(reverse("inquiry:access_log"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][4] == "'=HYPERLINK(\"http://x\")" and rows[1][3] == case.number
    login(client, org.officer)
    assert client.get(reverse("inquiry:access_log"), {"format": "csv"}).status_code == 403


def test_api_create_idempotent_and_scoped(org, make_case):
    case = make_case()
    debtor = CaseParty.objects.get(case=case, role=PartyRole.RESPONDENT).party
    api = APIClient()
    api.force_authenticate(org.officer)
    body = {"kinds": ["bank"], "cases": [case.pk],
            "controls": [{"case": case.pk, "party": debtor.pk, "agency_kind": "bank", "measure": "freeze",
                          "amount": "100.00"}]}
    first = api.post("/api/v1/inquiry-batches/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/inquiry-batches/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert InquiryBatch.objects.count() == 1
    body["controls"][0]["amount"] = 100.5  # a float is not money
    assert api.post("/api/v1/inquiry-batches/", body, format="json").status_code == 400
    pk = first.json()["id"]
    assert api.post(f"/api/v1/inquiry-batches/{pk}/export/").json()["status"] == "exported"
    assert api.get(f"/api/v1/inquiry-batches/{pk}/download/").status_code == 200
    assert api.get(f"/api/v1/inquiry-batches/{pk}/requests/").json()["count"] == 2
    api.force_authenticate(org.colleague)
    assert api.get(f"/api/v1/inquiry-batches/{pk}/").status_code == 404
    assert api.post("/api/v1/inquiry-batches/", {"kinds": ["bank"], "cases": [case.pk]},
                    format="json").status_code == 404
    assert api.get("/api/v1/inquiry-access-log/").status_code == 403
    api.force_authenticate(org.chief)
    log = api.get("/api/v1/inquiry-access-log/", {"case_number": case.number}).json()
    assert {e["action"] for e in log["results"]} == {"batch_created", "exported", "downloaded", "batch_viewed"}
