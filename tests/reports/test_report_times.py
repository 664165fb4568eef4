"""The weekly report shows local (Asia/Shanghai) times and Chinese dates, never a raw UTC ISO timestamp: the HTML
page of a snapshot and the PDF's text (real WeasyPrint, read back with pdftotext)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from datetime import date, datetime, timezone as dt_timezone
from unittest import mock

import pytest
from django.urls import reverse

from reports import services
from reports.models import ReportSnapshot
from tests.conftest import login

from .helpers import bulk, case_row

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\+00:00|UTC")
# 2026-12-05 16:30 UTC is already 2026-12-06 00:30 in Tianshui: a UTC date would show the 5th.
NOW = datetime(2026, 12, 5, 16, 30, tzinfo=dt_timezone.utc)


@pytest.fixture
def snapshot(org):
    days = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]
    bulk([case_row(court=org.court, filed_on=day, team=org.team, officer=org.officer) for day in days])
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        made = services.weekly_reports_generate(today=date(2026, 12, 7))
    return ReportSnapshot.objects.get(pk__in=made, court=org.court)


def test_weekly_pdf_shows_local_time_and_chinese_dates(snapshot, tmp_path):
    path = tmp_path / "weekly.pdf"
    path.write_bytes(snapshot.pdf.read())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert not ISO.findall(text), ISO.findall(text)
    assert "2026年12月6日00:30" in flat  # generated at, local time
    assert "2026年11月30日—2026年12月6日" in flat  # the period in Chinese dates
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True,
                                                             text=True).stdout).group(1))
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "2026年12月6日" in re.sub(r"\s+", "", last) and not ISO.findall(last)
    # The last page as an image, for a person to look at (kept with the browser screenshots).
    shots = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(pages), "-l", str(pages), str(path),
                    str(shots / "weekly-report-last-page")], check=True)


def test_snapshot_page_shows_local_time(org, snapshot, client):
    login(client, org.chief)
    page = client.get(reverse("reports:snapshot_detail", args=[snapshot.pk])).content.decode()
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
    assert not ISO.findall(text), ISO.findall(text)
    assert "2026年12月6日 00:30" in text


def test_report_pages_write_amounts_as_yuan(org, snapshot, client):
    """The money figures of the dashboard and of a frozen report read ¥1,234.00 like every other page."""
    from tests.assets.test_money_display import UNGROUPED, YUAN_AFTER, visible_text

    login(client, org.chief)
    for url in (reverse("reports:dashboard"), reverse("reports:snapshot_detail", args=[snapshot.pk])):
        text = visible_text(client.get(url).content.decode())
        assert "¥0.00" in text, url  # 执行到位金额
        assert not UNGROUPED.findall(text) and not YUAN_AFTER.findall(text), url
