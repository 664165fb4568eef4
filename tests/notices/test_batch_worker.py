"""Batch printing run by a REAL Celery worker (prefork, two processes: the chunks run in parallel) on a REAL Redis,
against the test database: one failing case among twenty, gapless numbers, the combined PDF and the labels, and a
second run that reuses every document."""

from __future__ import annotations

import re
import subprocess
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from notices import batch as service
from notices.models import BatchJob, BatchPart, BatchStatus, IssuedDocument
from tests.celery_worker import celery_worker
from tests.celery_worker import wait_for as _wait_for

from .conftest import pdf_text

pytestmark = [pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EN = "enforcement_notice"


@contextmanager
def worker(tmp_path: Path, name: str, *, broker: str, concurrency: int = 2):
    with celery_worker(tmp_path, name, broker=broker, pool="prefork", concurrency=concurrency, ready_timeout=90,
                       stop_timeout=30) as started:
        yield started.log_path


@pytest.fixture
def broker():
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def week_cases(org_committed):
    from tests.conftest import make_case

    org = org_committed
    org.court.phone = "0938-2712345"
    org.court.save(update_fields=["phone"])
    make = make_case.__wrapped__(org)
    monday, _sunday = service.this_week()
    day = max(monday, min(timezone.localdate(), monday + timedelta(days=1)))
    cases = [make(received_on=day, filed_on=day) for _ in range(20)]
    Case.objects.filter(pk=cases[7].pk).update(amount_claimed=0, act_description="")  # cannot be filled
    return org, cases


def _finished(job_id: int) -> bool:
    return BatchJob.objects.filter(pk=job_id, finished_at__isnull=False).exists()


def _pages(data: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def test_worker_prints_a_batch_with_one_failing_case_and_reuses_it_on_rerun(week_cases, broker, tmp_path):
    org, cases = week_cases
    bad = cases[7]
    with worker(tmp_path, "batch", broker=broker) as log_path:
        job = service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN])
        _wait_for(lambda: _finished(job.pk), 180, f"batch did not finish:\n{log_path.read_text()[-3000:]}")
        job.refresh_from_db()

        assert job.status == BatchStatus.DONE_WITH_ERRORS
        assert job.total == 20 and job.done == 19
        assert len(job.failures) == 1
        failure = job.failures[0]
        assert failure["case_id"] == bad.pk and failure["case_number"] == bad.number
        assert "amount_claimed" in failure["error"]
        assert job.task_id.startswith(service.FINISH_MARK)  # exactly one chunk claimed the finishing step
        # both pool processes issued documents (the chunks ran in parallel processes)
        chunk_lines = [line for line in log_path.read_text().splitlines()
                       if "notices.tasks.batch_chunk" in line and "succeeded" in line]
        assert len(chunk_lines) == 4  # 20 pairs in 4 chunks
        assert any("ForkPoolWorker-1" in line for line in chunk_lines)
        assert any("ForkPoolWorker-2" in line for line in chunk_lines)
        worker_log = log_path.read_text()
        assert "notices.tasks.batch_labels" in worker_log  # the labels were a task of their own
        done_re = re.compile(r"Task notices\.tasks\.batch_deadlines\[[^\]]+\] succeeded")
        _wait_for(lambda: done_re.search(log_path.read_text()), 60,
                  "the deadlines of the batch's cases should be recomputed")
        from deadlines.models import Deadline

        notice = {d.source_id: d for d in Deadline.objects.filter(kind="notice", source_type="case")}
        assert notice[cases[0].pk].met_on is not None  # the printed notice meets the case's notice deadline
        assert notice[bad.pk].met_on is None

        docs = list(IssuedDocument.objects.filter(batch=job).order_by("serial"))
        assert len(docs) == 19
        serials = [d.serial for d in docs]
        assert serials == list(range(1, 20))  # gapless: the failing case took no number
        assert {d.case_id for d in docs} == {c.pk for c in cases} - {bad.pk}

        pdf = bytes(job.pdf)
        assert pdf.startswith(b"%PDF")
        assert _pages(pdf) == sum(d.pages for d in docs)
        # the print file was joined from the chunks' parts (each laid out once, font subsets shared), then the parts
        # were dropped; the batch records the documents it printed
        assert sorted(job.document_ids) == sorted(d.pk for d in docs)
        assert not BatchPart.objects.filter(batch=job).exists()
        assert len(pdf) < 0.6 * sum(d.size for d in docs)
        text = pdf_text(pdf)
        for case in cases:
            assert (case.number in text) == (case.pk != bad.pk), case.number
        assert "执行通知书" in text.replace(" ", "")

        labels = pdf_text(bytes(job.labels_pdf))
        assert "甘肃省天水市麦积区马跑泉路8号" in labels and "天水示例建材有限公司" in labels
        assert cases[0].number in labels and bad.number not in labels
        assert "邮寄送达清单" in labels.replace(" ", "")

        again = service.batch_rerun(user=org.clerk, batch=job)
        _wait_for(lambda: _finished(again.pk), 180, f"rerun did not finish:\n{log_path.read_text()[-3000:]}")
    again.refresh_from_db()
    assert again.status == BatchStatus.DONE_WITH_ERRORS and again.done == 19
    assert IssuedDocument.objects.count() == 19  # no new numbers
    assert not IssuedDocument.objects.filter(batch=again).exists()
    assert _pages(bytes(again.pdf)) == _pages(pdf)
    assert pdf_text(bytes(again.pdf)) == text  # the same stored documents, in the same order
