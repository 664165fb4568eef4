"""Report snapshots: the Monday weekly report, on-demand runs with progress, frozen figures, PDF and e-mail."""

from __future__ import annotations

import hashlib
import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from reports import engine, services
from reports.models import DailyStat, ReportRun, ReportSnapshot, RunStatus
from reports.periods import Period
from reports.schedule import BEAT
from reports.selectors import ReportScope

from .helpers import bulk, case_row

WEEK = Period.containing("week", date(2025, 6, 11))


@pytest.fixture
def data(org):
    org.chief.email = "chief@maiji.court.invalid"
    org.chief.save()
    return bulk([case_row(court=org.court, filed_on=date(2025, 6, 9 + i), team=org.team, officer=org.officer,
                          closed_on=date(2025, 6, 13) if i < 2 else None, mode="fulfilled" if i < 2 else "")
                 for i in range(5)])


def test_weekly_report_is_scheduled_for_monday_seven_in_the_morning():
    schedule = BEAT["reports-weekly"]["schedule"]
    assert BEAT["reports-weekly"]["task"] == "reports.tasks.weekly_reports"
    assert schedule.day_of_week == {1} and schedule.hour == {7} and schedule.minute == {0}


def test_monday_run_stores_last_weeks_report_and_mails_the_pdf_to_the_chiefs(org, data):
    made = services.weekly_reports_generate(today=date(2025, 6, 16))
    snapshot = ReportSnapshot.objects.get(pk__in=made, court=org.court)
    assert (snapshot.period_kind, snapshot.period_start, snapshot.period_end) == ("week", WEEK.start, WEEK.end)
    assert snapshot.automatic
    assert snapshot.figures["current"]["received"]["value"] == 5
    assert snapshot.figures["current"]["closed"]["value"] == 2
    pdf = snapshot.pdf.read()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == snapshot.sha256
    sent = [m for m in mail.outbox if "chief@maiji.court.invalid" in m.to]
    assert len(sent) == 1 and "周报" in sent[0].subject
    name, content, mimetype = sent[0].attachments[0]
    assert mimetype == "application/pdf" and content == pdf
    # Running it again (a retried task) neither duplicates the report nor mails it twice.
    services.weekly_reports_generate(today=date(2025, 6, 16))
    assert ReportSnapshot.objects.filter(court=org.court, automatic=True).count() == 1
    assert len([m for m in mail.outbox if "chief@maiji.court.invalid" in m.to]) == 1


def test_snapshot_figures_do_not_change_when_the_cases_do(org, data):
    snapshot = services.snapshot_create(scope=ReportScope(court=org.court), period=WEEK)
    before = (snapshot.figures, snapshot.sha256)
    bulk([case_row(court=org.court, filed_on=date(2025, 6, 10), team=org.team, officer=org.officer)])
    engine.rollup_rebuild(org.court.pk)
    snapshot.refresh_from_db()
    assert (snapshot.figures, snapshot.sha256) == before
    fresh = services.snapshot_create(scope=ReportScope(court=org.court), period=WEEK)
    assert fresh.figures["current"]["received"]["value"] == 6


def test_on_demand_run_reports_progress_and_links_the_snapshot(client, org, data):
    client.force_login(org.chief)
    response = client.post(reverse("reports:run_create"), {"period": "month", "start": "2025-06-05",
                                                           "court": org.court.pk})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:run_detail", args=[run.pk])
    polled = client.get(reverse("reports:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in polled.content.decode()
    services.report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100
    assert (run.snapshot.period_start, run.snapshot.period_end) == (date(2025, 6, 1), date(2025, 6, 30))
    done = client.get(reverse("reports:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and reverse("reports:snapshot_detail", args=[run.snapshot.pk]) in done
    # A second execution of the same run (a redelivered task) does nothing.
    assert services.report_run_execute(run_id=run.pk) is None


def test_on_demand_run_form_rejects_a_future_period_on_the_field(client, org, data):
    client.force_login(org.chief)
    response = client.post(reverse("reports:run_create"), {"period": "year", "start": "2099-01-01",
                                                           "court": org.court.pk})
    assert response.status_code == 400
    assert 'data-field="start"' in response.content.decode()
    assert not ReportRun.objects.exists()


def test_snapshot_pages_list_show_and_download(client, org, data, django_assert_max_num_queries):
    snapshot = services.snapshot_create(scope=ReportScope(court=org.court), period=WEEK)
    client.force_login(org.chief)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("reports:weekly_list"))
    assert reverse("reports:snapshot_detail", args=[snapshot.pk]) in listing.content.decode()
    detail = client.get(reverse("reports:snapshot_detail", args=[snapshot.pk])).content.decode()
    assert snapshot.sha256 in detail and "<svg" in detail
    pdf = client.get(reverse("reports:snapshot_pdf", args=[snapshot.pk]))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_other_courts_chief_cannot_see_the_snapshot(client, org, data):
    snapshot = services.snapshot_create(scope=ReportScope(court=org.court), period=WEEK)
    client.force_login(org.other_chief)
    assert client.get(reverse("reports:snapshot_detail", args=[snapshot.pk])).status_code == 404
    assert client.get(reverse("reports:snapshot_pdf", args=[snapshot.pk])).status_code == 404
    assert reverse("reports:snapshot_detail", args=[snapshot.pk]) not in \
        client.get(reverse("reports:weekly_list")).content.decode()
    client.force_login(org.supervisor)
    assert client.get(reverse("reports:snapshot_detail", args=[snapshot.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_rollup_rebuilds_leave_one_consistent_rollup(org_committed):
    org = org_committed
    bulk([case_row(court=org.court, filed_on=date(2025, 6, 9), team=org.team, officer=org.officer)
          for _ in range(50)])
    errors = []

    def rebuild():
        try:
            engine.rollup_rebuild(org.court.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rebuild) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    received = sum(DailyStat.objects.filter(court_id=org.court.pk).values_list("received", flat=True))
    assert received == 50
