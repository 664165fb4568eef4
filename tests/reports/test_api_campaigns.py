"""The reports API (KPIs, snapshots, runs, campaigns) and campaigns in the browser; policy on both."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reports import engine, services
from reports.models import Campaign
from reports.periods import Period
from reports.selectors import ReportScope, drilldown, kpi_table

from .helpers import bulk, case_row


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def data(org):
    cases = bulk([case_row(court=org.court, filed_on=date(2025, 6, 2 + i), team=org.team, officer=org.officer,
                           closed_on=date(2025, 6, 20) if i % 2 else None, mode="fulfilled" if i % 2 else "",
                           claimed="12345.67", recovered="12345.67" if i % 2 else "0.00",
                           tags=["农民工工资"] if i < 4 else [])
                  for i in range(10)])
    foreign, = bulk([case_row(court=org.other_court, filed_on=date(2025, 6, 3), team=org.foreign_team,
                              officer=org.outsider)])
    engine.rollup_rebuild(org.court.pk)
    return cases, foreign


def test_kpi_endpoint_returns_figures_as_strings_with_a_breakdown(api, org, data):
    api.force_authenticate(org.chief)
    r = api.get("/api/v1/reports/kpis/", {"period": "month", "start": "2025-06-01", "breakdown": "team"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"]["received"]["value"] == "10"
    assert body["total"]["closure_rate"] == {"value": "50.00", "numerator": "5", "denominator": "10"}
    assert body["total"]["recovered_closed"]["value"] == "61728.35"
    assert body["total"]["actual_in_term_rate"]["target"] == "90"
    assert body["rows"][0]["label"] == org.team.name


def test_kpi_endpoint_names_the_bad_field(api, org, data):
    api.force_authenticate(org.chief)
    assert api.get("/api/v1/reports/kpis/", {"period": "decade"}).json().keys() == {"period"}
    assert api.get("/api/v1/reports/kpis/", {"kpis": "closure_rate,nonsense"}).json().keys() == {"kpis"}
    assert "breakdown" in api.get("/api/v1/reports/kpis/", {"breakdown": "planet"}).json()


@pytest.mark.parametrize("who,status", [("officer", 403), ("clerk", 403), ("finance", 403), ("outsider", 403),
                                        ("other_chief", 403), ("supervisor", 200), ("chief", 200)])
def test_kpi_endpoint_policy(api, org, data, who, status):
    api.force_authenticate(getattr(org, who))
    assert api.get("/api/v1/reports/kpis/", {"court": org.court.pk}).status_code == status


def test_snapshot_api_lists_details_and_downloads_only_visible_reports(api, org, data):
    own = services.snapshot_create(scope=ReportScope(court=org.court), period=Period.containing("week", date(2025, 6, 4)),
                                   refresh=False)
    api.force_authenticate(org.chief)
    listing = api.get("/api/v1/reports/snapshots/").json()
    assert [s["id"] for s in listing["results"]] == [own.pk]
    detail = api.get(f"/api/v1/reports/snapshots/{own.pk}/").json()
    assert detail["sha256"] == own.sha256 and detail["figures"]["current"]["received"]["value"] == 7
    pdf = api.get(f"/api/v1/reports/snapshots/{own.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    api.force_authenticate(org.other_chief)
    assert api.get("/api/v1/reports/snapshots/").json()["results"] == []
    assert api.get(f"/api/v1/reports/snapshots/{own.pk}/").status_code == 404
    assert api.get(f"/api/v1/reports/snapshots/{own.pk}/pdf/").status_code == 404


def test_run_api_queues_a_report_and_reports_progress(api, org, data, django_capture_on_commit_callbacks):
    api.force_authenticate(org.chief)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = api.post("/api/v1/reports/runs/", {"period": "quarter", "start": "2025-05-01"}, format="json")
    assert r.status_code == 202 and r.json()["status"] == "queued" and len(callbacks) == 1
    run_id = r.json()["id"]
    services.report_run_execute(run_id=run_id)
    status = api.get(f"/api/v1/reports/runs/{run_id}/").json()
    assert status["status"] == "done" and status["progress"] == 100 and status["snapshot"]
    assert api.post("/api/v1/reports/runs/", {"period": "quarter"}, format="json").json().keys() == {"start"}


def test_campaign_crud_through_the_api(api, org, data):
    cases, foreign = data
    api.force_authenticate(org.chief)
    r = api.post("/api/v1/reports/campaigns/", {"name": "农民工工资专项", "starts_on": "2025-06-01",
                                                "ends_on": "2025-08-31", "case_ids": [c.pk for c in cases[:4]]},
                 format="json")
    assert r.status_code == 201 and r.json()["case_count"] == 4
    cid = r.json()["id"]
    bad = api.post("/api/v1/reports/campaigns/", {"name": "跨院", "starts_on": "2025-06-01", "ends_on": "2025-06-30",
                                                  "case_ids": [foreign.pk]}, format="json")
    assert bad.status_code == 400 and "cases" in bad.json()
    dup = api.post("/api/v1/reports/campaigns/", {"name": "农民工工资专项", "starts_on": "2025-06-01",
                                                  "ends_on": "2025-06-30"}, format="json")
    assert dup.status_code == 400 and "name" in dup.json()
    backwards = api.patch(f"/api/v1/reports/campaigns/{cid}/", {"ends_on": "2025-01-01"}, format="json")
    assert backwards.status_code == 400 and "ends_on" in backwards.json()
    patched = api.patch(f"/api/v1/reports/campaigns/{cid}/", {"case_ids": [c.pk for c in cases[:6]]}, format="json")
    assert patched.status_code == 200 and patched.json()["case_count"] == 6
    figures = api.get("/api/v1/reports/kpis/", {"campaign": cid, "period": "month", "start": "2025-06-01"}).json()
    assert figures["total"]["received"]["value"] == "6"
    api.force_authenticate(org.other_chief)
    assert api.get(f"/api/v1/reports/campaigns/{cid}/").status_code == 404
    assert api.delete(f"/api/v1/reports/campaigns/{cid}/").status_code == 404
    api.force_authenticate(org.supervisor)  # may read the subordinate court's campaign, not change it
    assert api.get(f"/api/v1/reports/campaigns/{cid}/").status_code == 200
    assert api.delete(f"/api/v1/reports/campaigns/{cid}/").status_code == 400
    api.force_authenticate(org.officer)
    assert api.get("/api/v1/reports/campaigns/").status_code == 403
    api.force_authenticate(org.chief)
    assert api.delete(f"/api/v1/reports/campaigns/{cid}/").status_code == 204
    assert not Campaign.objects.exists()


def test_campaign_figures_and_drilldown_agree(org, data):
    cases, _foreign = data
    campaign = services.campaign_create(actor=org.chief, court=org.court, name="金融不良债权", starts_on=date(2025, 6, 1),
                                        ends_on=date(2025, 6, 30), case_ids=[c.pk for c in cases[3:8]])
    scope = ReportScope(court=org.court, campaign=campaign)
    june = Period.containing("month", date(2025, 6, 1))
    t = kpi_table(scope=scope, period=june)["total"]
    assert (t["received"]["value"], t["closed"]["value"]) == (5, 3)
    for measure in ("received", "closed", "open_end"):
        listed = drilldown(user=org.chief, scope=scope, period=june, measure=measure).queryset
        assert listed.count() == t[measure]["value"]
        assert set(listed.values_list("pk", flat=True)) <= {c.pk for c in cases[3:8]}
    by_campaign = kpi_table(scope=ReportScope(court=org.court), period=june, dim="campaign")
    assert by_campaign["rows"][0]["label"] == "金融不良债权"
    assert by_campaign["rows"][0]["kpis"]["received"]["value"] == 5
    by_tag = {r["key"]: r["kpis"] for r in kpi_table(scope=ReportScope(court=org.court), period=june,
                                                      dim="tag")["rows"]}
    assert by_tag["农民工工资"]["received"]["value"] == 4


def test_campaign_pages_create_add_cases_by_number_and_refuse_others(client, org, data):
    cases, foreign = data
    client.force_login(org.chief)
    r = client.post(reverse("reports:campaign_list"), {"name": "涉民生专项", "starts_on": "2025-06-01",
                                                       "ends_on": "2025-06-30"})
    campaign = Campaign.objects.get()
    assert r.status_code == 302
    url = reverse("reports:campaign_detail", args=[campaign.pk])
    r = client.post(url, {"action": "add_cases", "numbers": f"{cases[0].number}\n{cases[1].number}"})
    assert r.status_code == 302 and campaign.cases.count() == 2
    r = client.post(url, {"action": "add_cases", "numbers": foreign.number})
    assert r.status_code == 400 and 'data-field="numbers"' in r.content.decode()
    r = client.post(reverse("reports:campaign_list"), {"name": "坏日期", "starts_on": "2025-06-30",
                                                       "ends_on": "2025-06-01"})
    assert r.status_code == 400 and 'data-field="ends_on"' in r.content.decode()
    client.force_login(org.other_chief)
    assert client.get(url).status_code == 404
    client.force_login(org.officer)
    assert client.get(reverse("reports:campaign_list")).status_code == 403
