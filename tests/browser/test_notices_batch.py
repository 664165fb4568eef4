"""A clerk, in headless Chromium, selects this week's cases without a 执行通知书, starts a batch, watches the
progress bar reach done (a real Celery worker prints it) and downloads the PDF."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from notices import batch as service
from notices.models import BatchJob, BatchStatus, IssuedDocument
from tests.browser.conftest import DESKTOP, shot, sign_in
from tests.browser.days import go_nav
from tests.conftest import PASSWORD

from tests.notices.test_batch_worker import broker, worker  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cases(org_committed):
    from tests.conftest import make_case

    org = org_committed
    org.court.phone = "0938-2712345"
    org.court.save(update_fields=["phone"])
    make = make_case.__wrapped__(org)
    monday, _sunday = service.this_week()
    day = max(monday, min(timezone.localdate(), monday + timedelta(days=1)))
    week = [make(received_on=day, filed_on=day) for _ in range(3)]
    old_day = monday - timedelta(days=30)
    old = make(received_on=old_day, filed_on=old_day)
    return week, old


def test_clerk_prints_this_weeks_cases_in_a_batch_and_downloads_the_pdf(new_page, org_committed, cases, broker,
                                                                        tmp_path):
    week, old = cases
    with worker(tmp_path, "browser-batch", broker=broker):
        page = new_page(DESKTOP)
        sign_in(page, "clerk", PASSWORD)
        go_nav(page, "notices:batch")
        page.wait_for_selector("#batch-cases")
        listed = page.inner_text("#batch-cases")
        assert all(c.number in listed for c in week) and old.number not in listed
        assert page.input_value("#id_without") == "enforcement_notice"
        # Nothing is ticked at first: starting says so and sends nothing.
        assert page.inner_text("#batch-selected-count") == "0"
        assert not any(page.is_checked(f"#case-{c.pk}") for c in week)
        page.click("#batch-start")
        assert page.is_visible("#batch-none-selected")
        assert "尚未选择案件" in page.inner_text("#batch-none-selected")
        shot(page, "notices-batch-none-selected")
        page.click("#batch-select-all")
        assert page.inner_text("#batch-selected-count") == "3"
        assert page.is_hidden("#batch-none-selected")
        page.uncheck(f"#case-{week[2].pk}")
        assert page.inner_text("#batch-selected-count") == "2"
        assert page.is_checked("input[name=doc_types][value=enforcement_notice]")
        shot(page, "notices-batch-selection")
        page.click("#batch-start")
        page.wait_for_selector("#batch-status")
        page.wait_for_selector("#batch-pdf", timeout=120_000)  # htmx polls until the worker is done
        assert page.get_attribute("#batch-status", "data-status") == BatchStatus.DONE
        assert page.get_attribute(".batch-progress", "data-progress") == "100"
        shot(page, "notices-batch-done")
        with page.expect_download() as download:
            page.click("#batch-pdf")
        data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert week[0].number in text and week[1].number in text and week[2].number not in text
    job = BatchJob.objects.get()
    assert sorted(job.case_ids) == sorted([week[0].pk, week[1].pk])
    assert IssuedDocument.objects.filter(batch=job).count() == 2
