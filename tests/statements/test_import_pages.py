"""The statement register's pages and API: finance imports, sees the report of a bad file, sees only its court."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Role
from statements.models import Statement, StatementLine
from tests.conftest import make_user

from .conftest import csv_file, sample


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_finance(org):
    from accounts.models import Court

    Court.objects.filter(pk=org.other_court.pk).update(fund_account_number="1040000000000000001")
    org.other_court.refresh_from_db()
    return make_user("otherfinance", org.other_court, [Role.FINANCE])


def test_finance_imports_through_the_page(client, org):
    client.force_login(org.finance)
    page = client.get("/statements/upload/")
    assert page.status_code == 200
    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page.content.decode()).group(1)
    r = client.post("/statements/upload/", {"file": upload("icbc.csv", sample("icbc_gbk.csv")), "form_token": token})
    statement = Statement.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/statements/{statement.pk}/"
    detail = client.get(r["Location"]).content.decode()
    assert "ICBC20260302001" in detail and "张三" in detail and "12,000.50" in detail
    # The same drawn form sent again (double click): imported once.
    r = client.post("/statements/upload/", {"file": upload("icbc.csv", sample("icbc_gbk.csv")), "form_token": token})
    assert r.status_code == 302 and Statement.objects.count() == 1 and StatementLine.objects.count() == 3
    # The same drawn form (the browser's back button) with another file imports that file.
    r = client.post("/statements/upload/", {"file": upload("ccb.csv", sample("ccb_utf8_bom.csv")), "form_token": token})
    assert r.status_code == 302 and Statement.objects.count() == 2
    listing = client.get("/statements/").content.decode()
    assert f"/statements/{statement.pk}/" in listing and org.finance.full_name in listing


def test_same_file_again_through_the_page_says_when_and_who(client, org):
    client.force_login(org.finance)
    client.post("/statements/upload/", {"file": upload("a.csv", sample("ccb_utf8_bom.csv"))})
    r = client.post("/statements/upload/", {"file": upload("b.csv", sample("ccb_utf8_bom.csv"))}, follow=True)
    assert Statement.objects.count() == 1
    text = r.content.decode()
    assert org.finance.full_name in text and ("已于" in text or "already imported" in text)


def test_bad_file_report_names_row_and_column_and_saves_nothing(client, org):
    client.force_login(org.finance)
    data = csv_file("2026-03-02,100.00,,张三,,款,R1", "2026-03-02,1e3,,李四,,款,R2", "2026-03-03,5.00,,王五,,款,R3")
    r = client.post("/statements/upload/", {"file": upload("bad.csv", data)})
    assert r.status_code == 400
    report = r.content.decode()
    assert 'id="import-report"' in report and ">3</td>" in report and "贷方发生额" in report and "1e3" in report
    assert Statement.objects.count() == 0 and StatementLine.objects.count() == 0


def test_every_cell_has_its_label_for_the_phone(client, org):
    client.force_login(org.finance)
    client.post("/statements/upload/", {"file": upload("a.csv", sample("ccb_utf8_bom.csv"))})
    statement = Statement.objects.get()
    for url in ("/statements/", f"/statements/{statement.pk}/"):
        html = client.get(url).content.decode()
        body = html[html.index("<tbody>"):html.index("</tbody>")]
        cells = re.findall(r"<td[^>]*>", body)
        assert cells and all("data-label" in c for c in cells), url


@pytest.mark.parametrize("who", ["officer", "clerk", "chief", "court_admin"])
def test_others_may_not_use_the_register(client, org, who):
    client.force_login(getattr(org, who))
    assert client.get("/statements/").status_code == 403
    assert client.post("/statements/upload/", {"file": upload("a.csv", sample("icbc_gbk.csv"))}).status_code == 403
    assert Statement.objects.count() == 0


def test_another_courts_finance_cannot_see_this_courts_statement(client, org, other_finance):
    from statements.services import statement_import

    st = statement_import(actor=org.finance, court=org.court, file_name="a.csv", data=sample("icbc_gbk.csv")).statement
    client.force_login(other_finance)
    assert client.get(f"/statements/{st.pk}/").status_code == 404
    assert f"/statements/{st.pk}/" not in client.get("/statements/").content.decode()
    api = api_for(other_finance)
    assert api.get(f"/api/v1/statements/{st.pk}/").status_code == 404
    assert api.get("/api/v1/statements/").json()["count"] == 0
    assert api.get("/api/v1/statement-lines/").json()["count"] == 0
    line = st.lines.first()
    assert api.get(f"/api/v1/statement-lines/{line.pk}/").status_code == 404
    # Their own import goes to their own court (the court's account, not this one's).
    r = api.post("/api/v1/statements/", {"file": upload("a.csv", sample("icbc_gbk.csv"))}, format="multipart")
    assert r.status_code == 400 and any("1040000000000000001" in m for m in r.json()["file"])


def test_api_import_idempotent(org):
    api = api_for(org.finance)
    r = api.post("/api/v1/statements/", {"file": upload("s.mt940", sample("statement.mt940"))}, format="multipart")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["created"] and body["new_lines"] == 3 and body["known_lines"] == 0
    assert body["statement"]["format"] == "mt940" and body["statement"]["opening_balance"] == "1000000.00"
    r = api.post("/api/v1/statements/", {"file": upload("again.mt940", sample("statement.mt940"))},
                 format="multipart")
    assert r.status_code == 200 and not r.json()["created"] and r.json()["statement"]["id"] == body["statement"]["id"]
    # With an Idempotency-Key a double submit is one import and the second answer replays the first.
    data = csv_file("2026-03-05,9.00,,张三,,款,K1")
    first = api.post("/api/v1/statements/", {"file": upload("k.csv", data)}, format="multipart",
                     HTTP_IDEMPOTENCY_KEY="import-k1")
    second = api.post("/api/v1/statements/", {"file": upload("k.csv", data)}, format="multipart",
                      HTTP_IDEMPOTENCY_KEY="import-k1")
    assert first.status_code == 201 and second.status_code == 200
    assert second["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert Statement.objects.count() == 2


def test_api_bad_file_lists_rows(org):
    api = api_for(org.finance)
    data = csv_file("2026-03-02,100.00,,张三,,款,R1", "2026-03-02,12.345,,李四,,款,R2")
    r = api.post("/api/v1/statements/", {"file": upload("bad.csv", data)}, format="multipart")
    assert r.status_code == 400
    assert r.json()["rows"] == [{"row": 3, "column": "贷方发生额", "message": r.json()["rows"][0]["message"]}]
    assert Statement.objects.count() == 0


@pytest.mark.parametrize("who", ["officer", "clerk", "chief"])
def test_api_import_refused_to_others(org, who):
    r = api_for(getattr(org, who)).post("/api/v1/statements/", {"file": upload("a.csv", sample("icbc_gbk.csv"))},
                                        format="multipart")
    assert r.status_code == 403 and Statement.objects.count() == 0
    assert api_for(getattr(org, who)).get("/api/v1/statements/").json()["count"] == 0


def test_api_line_filters(org, django_assert_max_num_queries):
    api = api_for(org.finance)
    st = api.post("/api/v1/statements/", {"file": upload("a.csv", sample("ccb_utf8_bom.csv"))},
                  format="multipart").json()["statement"]
    with django_assert_max_num_queries(8):
        r = api.get("/api/v1/statement-lines/", {"statement": st["id"], "direction": "credit"})
    rows = r.json()["results"]
    assert [row["bank_reference"] for row in rows] == ["62050000012345678-0001", "62050000012345678-0002"]
    assert rows[0]["amount"] == "3000.00" and rows[0]["status"] == "unmatched"
    assert api.get("/api/v1/statement-lines/", {"status": "ignored"}).json()["count"] == 1
    assert api.get("/api/v1/statement-lines/", {"q": "李四"}).json()["count"] == 1
    assert api.get("/api/v1/statement-lines/", {"booked_from": "2026-03-05"}).json()["count"] == 1
    bad = api.get("/api/v1/statement-lines/", {"status": "nope", "booked_from": "05/03/2026"})
    assert bad.status_code == 400 and set(bad.json()) == {"status", "booked_from"}


def test_list_page_query_count_is_fixed(client, org, django_assert_max_num_queries):
    from statements.services import statement_import

    for name in ("icbc_gbk.csv", "ccb_utf8_bom.csv", "boc.txt"):
        statement_import(actor=org.finance, court=org.court, file_name=name, data=sample(name))
    client.force_login(org.finance)
    with django_assert_max_num_queries(12):
        assert client.get("/statements/").status_code == 200
    st = Statement.objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(f"/statements/{st.pk}/").status_code == 200
