"""The result pages and API: upload with a report naming the rows, the debtor's diff page (fixed queries, logged),
accept buttons once, another team refused."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.models import Asset
from inquiry.models import AccessLog, ResultFile, ResultRow
from inquiry.services.results import result_file_import

from .results_helpers import exported_batch, found, none, result_bytes, stream


@pytest.fixture
def setup(org, make_case):
    case = make_case()
    batch, reqs = exported_batch(court=org.court, officer=org.officer, cases=[case])
    return org, case, batch, reqs


def test_upload_imports_and_redirects(client, setup):
    org, case, batch, reqs = setup
    client.force_login(org.officer)
    data = result_bytes(batch, [found(reqs[0])])
    response = client.post(reverse("inquiry:result_upload"),
                           {"file": SimpleUploadedFile("bank.jsonl", data)})
    rf = ResultFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inquiry:result_detail", args=[rf.pk])
    again = client.post(reverse("inquiry:result_upload"), {"file": SimpleUploadedFile("bank.jsonl", data)})
    assert again.status_code == 400 and "already imported" in again.content.decode() or "已" in again.content.decode()
    assert ResultFile.objects.count() == 1


def test_upload_report_names_each_bad_row_and_saves_nothing(client, setup):
    org, case, batch, reqs = setup
    client.force_login(org.officer)
    data = result_bytes(batch, [found(reqs[0]), found(reqs[0], balance="12.345"), found(reqs[0], account="x")])
    response = client.post(reverse("inquiry:result_upload"), {"file": SimpleUploadedFile("bank.jsonl", data)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "第 3 行" in body and "balance" in body and "第 4 行" in body and "account" in body
    assert not ResultFile.objects.exists() and not ResultRow.objects.exists()


def test_debtor_page_fixed_queries_and_logged(client, setup, django_assert_max_num_queries):
    org, case, batch, reqs = setup
    rows = [found(reqs[0], account=f"62220000{i:08d}", balance=f"{i}.00") for i in range(200)]
    result_file_import(actor=org.officer, court=org.court, file_name="b", stream=stream(result_bytes(batch, rows)))
    client.force_login(org.officer)
    url = reverse("inquiry:debtor_results", args=[case.pk, reqs[0].party_id])
    client.get(url)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count('class="diff-new"') == 200
    assert AccessLog.objects.filter(action="result_viewed", case=case, party=reqs[0].party).count() == 2


def test_other_team_and_other_court_cannot_see_or_accept(client, setup):
    org, case, batch, reqs = setup
    rf = result_file_import(actor=org.officer, court=org.court, file_name="b",
                            stream=stream(result_bytes(batch, [found(reqs[0])])))
    row = rf.rows.get()
    for user in (org.colleague, org.outsider):
        client.force_login(user)
        assert client.get(reverse("inquiry:debtor_results", args=[case.pk, reqs[0].party_id])).status_code in (403,
                                                                                                            404)
        assert client.post(reverse("inquiry:row_accept", args=[row.pk])).status_code == 404
        assert client.get(reverse("inquiry:result_detail", args=[rf.pk])).status_code == 404
    assert not Asset.objects.exists()


def test_accept_button_twice_registers_once_and_offers_freeze(client, setup):
    org, case, batch, reqs = setup
    rf = result_file_import(actor=org.officer, court=org.court, file_name="b",
                            stream=stream(result_bytes(batch, [found(reqs[0]), none(reqs[0])])))
    client.force_login(org.officer)
    url = reverse("inquiry:debtor_accept_all", args=[case.pk, reqs[0].party_id])
    for _ in range(2):
        assert client.post(url, {"form_token": "tok-1"}).status_code == 302
    assert Asset.objects.filter(case=case).count() == 1
    asset = Asset.objects.get(case=case)
    page = client.get(reverse("inquiry:debtor_results", args=[case.pk, reqs[0].party_id])).content.decode()
    assert f'?tab=assets#asset-{asset.pk}"' in page and f'id="freeze-{asset.pk}"' in page
    assert rf.rows.get(status="found").accepted_asset == asset


def test_api_import_refusal_and_accept(client, setup):
    org, case, batch, reqs = setup
    client.force_login(org.officer)
    bad = result_bytes(batch, [found(reqs[0], balance="1e5")])
    response = client.post("/api/v1/inquiry-results/", {"file": io.BytesIO(bad)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {"line": 2, "field": "balance", "message": response.json()["errors"][0][
        "message"]} and response.json()["count"] == 1
    good = SimpleUploadedFile("bank.jsonl", result_bytes(batch, [found(reqs[0])]))
    response = client.post("/api/v1/inquiry-results/", {"file": good})
    assert response.status_code == 201, response.content
    rf_id = response.json()["id"]
    rows = client.get(f"/api/v1/inquiry-results/{rf_id}/rows/").json()["results"]
    assert rows[0]["balance"] == "12345.67" and rows[0]["diff"] == "new"
    row_id = rows[0]["id"]
    first = client.post(f"/api/v1/inquiry-result-rows/{row_id}/accept/")
    second = client.post(f"/api/v1/inquiry-result-rows/{row_id}/accept/")
    assert first.status_code == second.status_code == 200
    assert first.json()["accepted_asset"] == second.json()["accepted_asset"] is not None
    assert Asset.objects.count() == 1
    client.force_login(org.colleague)
    assert client.post(f"/api/v1/inquiry-result-rows/{row_id}/accept/").status_code == 404
    assert json.loads(client.get("/api/v1/inquiry-results/").content)["count"] == 0


def test_debtor_page_cells_prepared_in_python(client, setup):
    """The cells the page prints come from inquiry.result_display: labels, money, dates, the per-row accept form."""
    import re

    org, case, batch, reqs = setup
    rows = [found(reqs[0], account="6222000000000001", balance="1234.50",
                  control={"measure": "freeze", "status": "done", "amount": "1000.00", "until": "2027-12-05",
                           "reference": "DJ1"}),
            found(reqs[0], account="6222000000000002", balance="7.00",
                  control={"measure": "freeze", "status": "refused", "reason": "账户已被他案冻结"}),
            none(reqs[0])]
    rf = result_file_import(actor=org.officer, court=org.court, file_name="b", stream=stream(result_bytes(batch, rows)))
    client.force_login(org.officer)
    page = client.get(reverse("inquiry:debtor_results", args=[case.pk, reqs[0].party_id])).content.decode()
    first, second = rf.rows.get(line_no=2), rf.rows.get(line_no=3)
    assert "¥1,234.50" in page and "¥7.00" in page
    assert "¥1,000.00" in page and "2027年12月5日" in page and "(账户已被他案冻结)" in page
    assert page.count('<span class="badge text-bg-success">') == 2
    assert f'action="{reverse("inquiry:row_accept", args=[first.pk])}"' in page
    tokens = re.findall(r'name="form_token" value="([^"]+)"', page)
    assert len(tokens) == 3 and tokens[1].endswith(f"-{first.pk}") and tokens[2].endswith(f"-{second.pk}")
    assert tokens[1].rsplit("-", 1)[0] == tokens[0]  # one page token, one suffix per row
    assert len(re.findall(r'action="/[^"]*/rows/\d+/accept/" class="single-submit"><input type="hidden" '
                          r'name="csrfmiddlewaretoken" value="\w{32,}">', page)) == 2
