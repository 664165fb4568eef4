"""The dashboard, drill-down, tables and exports as a chief uses them; who is refused."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import engine

from .helpers import assign, bulk, case_row

WEEK_START = "2025-06-11"


@pytest.fixture
def data(org):
    rows = []
    for i in range(60):
        filed = date(2025, 4, 1) + timedelta(days=i)
        closed = filed + timedelta(days=20 + i % 50) if i % 3 else None
        team, officer = (org.team, org.officer) if i % 2 else (org.other_team, org.colleague)
        rows.append(case_row(court=org.court, filed_on=filed, team=team, officer=officer, closed_on=closed,
                             mode=("fulfilled", "terminated_round", "terminated")[i % 3] if closed else "",
                             recovered="5000.00" if i % 3 == 1 else "0.00", tags=["涉民生"] if i % 4 == 0 else []))
    rows.append(case_row(court=org.other_court, filed_on=date(2025, 6, 10), team=org.foreign_team,
                         officer=org.outsider))
    cases = bulk(rows)
    assign(cases[5], team=org.team, officer=org.officer, on=date(2025, 4, 6))
    assign(cases[5], team=org.other_team, officer=org.colleague, on=date(2025, 6, 11))
    engine.rollup_rebuild(org.court.pk)
    engine.rollup_rebuild(org.other_court.pk)
    return cases


def _dash(client, **params):
    query = {"period": "week", "start": WEEK_START} | params
    return client.get(reverse("reports:dashboard"), query)


def test_chief_sees_the_dashboard_in_chinese(client, org, data, django_assert_max_num_queries):
    client.force_login(org.chief)
    with django_assert_max_num_queries(70):
        response = _dash(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "结案率" in html and "新收" in html and "<svg" in html
    assert org.team.name in html and org.colleague.full_name in html


@pytest.mark.parametrize("who", ["officer", "colleague", "clerk", "finance", "outsider"])
def test_staff_without_report_permission_are_refused(client, org, data, who):
    client.force_login(getattr(org, who))
    assert _dash(client).status_code == 403
    assert client.get(reverse("reports:weekly_list")).status_code == 403
    assert client.get(reverse("reports:drilldown"), {"measure": "received"}).status_code == 403


def test_chief_of_a_sibling_court_cannot_read_this_court(client, org, data):
    client.force_login(org.other_chief)
    assert _dash(client, court=org.court.pk).status_code == 403
    assert client.get(reverse("reports:drilldown"), {"measure": "received", "court": org.court.pk}).status_code == 403


def test_superior_courts_chief_reads_the_subordinate_court_and_the_tree(client, org, data):
    client.force_login(org.supervisor)
    assert _dash(client, court=org.court.pk).status_code == 200
    response = _dash(client, court=org.intermediate.pk, tree=1)
    assert response.status_code == 200
    table = client.get(reverse("reports:table"), {"period": "week", "start": WEEK_START, "court": org.intermediate.pk,
                                                  "tree": 1, "dim": "court"})
    assert org.court.name in table.content.decode() and org.other_court.name in table.content.decode()


def test_every_linked_count_on_the_dashboard_equals_its_drilldown_list(client, org, data):
    client.force_login(org.chief)
    html = _dash(client).content.decode()
    links = re.findall(r'<a href="(/reports/cases/\?[^"]+)" class="kpi-link">([^<]+)</a>', html)
    assert len(links) > 40
    checked = 0
    for href, text in links:
        if "." in text:  # amounts: checked by sum in test_kpi_year
            continue
        response = client.get(unquote(href).replace("&amp;", "&"))
        assert response.status_code == 200, href
        shown = re.search(r'id="drill-count">\D*(\d[\d,]*)', response.content.decode())
        assert shown and int(shown.group(1).replace(",", "")) == int(text.replace(",", "")), (href, text)
        checked += 1
    assert checked > 30


def test_drilldown_page_is_paginated_with_a_bounded_number_of_queries(client, org, data,
                                                                       django_assert_max_num_queries):
    client.force_login(org.chief)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("reports:drilldown"), {"period": "year", "start": "2025-01-01",
                                                             "measure": "received"})
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 51  # header + 50 rows


def test_table_exports_open_with_chinese_headers(client, org, data):
    client.force_login(org.chief)
    q = {"period": "quarter", "start": "2025-04-01"}
    xlsx = client.get(reverse("reports:export", args=["team", "xlsx"]), q)
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    headers = [c.value for c in ws[2]]
    assert "新收（新收）" not in headers and any("结案率" in (h or "") for h in headers)
    assert ws.cell(row=ws.max_row, column=1).value == "合计"
    csv_response = client.get(reverse("reports:export", args=["officer", "csv"]), q)
    body = csv_response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert "结案率" in ",".join(rows[0])
    assert "filename*=UTF-8''" in csv_response["Content-Disposition"]
    for table in ("headline", "ageing", "case_type", "stream", "tag"):
        assert client.get(reverse("reports:export", args=[table, "csv"]), q).status_code == 200


def test_drilldown_exports_list_the_same_cases(client, org, data):
    client.force_login(org.chief)
    q = {"period": "quarter", "start": "2025-04-01", "measure": "closed", "kpi": "closed"}
    page = client.get(reverse("reports:drilldown"), q).content.decode()
    count = int(re.search(r'id="drill-count">\D*(\d+)', page).group(1))
    body = client.get(reverse("reports:drilldown"), q | {"format": "csv"}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) == count + 1


def test_unknown_measure_or_breakdown_is_not_found(client, org, data):
    client.force_login(org.chief)
    assert client.get(reverse("reports:drilldown"), {"measure": "nonsense"}).status_code == 404
    assert client.get(reverse("reports:table"), {"dim": "nonsense"}).status_code == 404
    assert client.get(reverse("reports:export", args=["team", "pdf"])).status_code == 404


@pytest.mark.parametrize("target, expected", [
    ("https://evil.example/x", "/reports/"), ("//evil.example/x", "/reports/"), ("/reports/weekly/", "/reports/weekly/"),
])
def test_refresh_returns_only_to_this_site(client, org, data, target, expected):
    client.force_login(org.chief)
    response = client.post(reverse("reports:refresh"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == expected
