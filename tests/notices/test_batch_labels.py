"""The labels of a batch in two halves (envelope labels, address sheet), rendered by two processes at once: the
second half stored joins them; a failed half gives the labels up without blocking the batch. Real WeasyPrint,
real PostgreSQL, poppler for the checks."""

from __future__ import annotations

import pytest

from notices import batch as service
from notices.models import BatchJob, BatchPart, BatchStatus

from .conftest import pdf_text
from .test_batch import EN, make_week_cases, page_count

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def court_phone(org):
    org.court.phone = "0938-2712345"
    org.court.save(update_fields=["phone"])


def _issued_batch(org, make_case, n=3) -> BatchJob:
    """A batch whose documents are issued and joined, the labels not yet made (the state the finishing chunk leaves
    when it queues the two halves)."""
    cases = make_week_cases(make_case, n)
    job = service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN])
    chunks = service.batch_start(batch_id=job.pk, chunk_size=2)
    assert [service.batch_chunk_run(batch_id=job.pk, pairs=p) for p in chunks][-1] is True
    service.batch_join(batch_id=job.pk)
    job.refresh_from_db()
    assert job.pdf is not None and job.labels_pdf is None, (job.status, job.failures, job.done, job.total)
    return job


def test_halves_joined_hold_what_one_render_holds(org, make_case):
    job = _issued_batch(org, make_case)
    rows = service._batch_documents(job)
    whole = service.render_labels(rows, court_name=org.court.name)
    sheet = service.render_labels(rows, court_name=org.court.name, half="sheet")
    labels = service.render_labels(rows, court_name=org.court.name, half="labels")
    assert "邮寄送达清单" in pdf_text(sheet) and "邮寄送达清单" not in pdf_text(labels)
    assert all(r["number"] in pdf_text(sheet) for r in rows)  # the sheet lists each document's number
    from notices.pdf.cut import join

    joined = join([labels, sheet])
    assert page_count(joined) == page_count(whole) == page_count(labels) + page_count(sheet)
    assert pdf_text(joined) == pdf_text(whole)
    with pytest.raises(ValueError):
        service.render_labels(rows, court_name=org.court.name, half="envelopes")


def test_the_second_half_stored_joins_them_and_the_batch_finalizes(org, make_case):
    job = _issued_batch(org, make_case)
    print_parts = BatchPart.objects.filter(batch=job, kind=BatchPart.Kind.PRINT).count()
    assert service.batch_labels(batch_id=job.pk, half="sheet") is False  # the other half is still to come
    assert not service.batch_finalize(batch_id=job.pk)  # no labels yet: not final
    assert BatchPart.objects.filter(batch=job, kind="sheet").count() == 1
    assert service.batch_labels(batch_id=job.pk, half="labels") is True
    job.refresh_from_db()
    text = pdf_text(bytes(job.labels_pdf))
    assert "邮寄送达清单" in text and "收" in text
    assert not BatchPart.objects.filter(batch=job, kind__in=["labels", "sheet"]).exists()
    assert BatchPart.objects.filter(batch=job, kind=BatchPart.Kind.PRINT).count() == print_parts
    assert service.batch_finalize(batch_id=job.pk)
    job.refresh_from_db()
    assert job.status == BatchStatus.DONE


def test_a_failed_half_gives_the_labels_up_and_the_other_half_cleans_up(org, make_case, monkeypatch):
    job = _issued_batch(org, make_case)
    real = service.render_labels

    def broken(rows, *, court_name, half=None):
        if half == "labels":
            raise RuntimeError("label printer template broken")
        return real(rows, court_name=court_name, half=half)

    monkeypatch.setattr(service, "render_labels", broken)
    assert service.batch_labels(batch_id=job.pk, half="labels") is True  # given up: the batch may finalize
    assert service.batch_labels(batch_id=job.pk, half="sheet") is True
    job.refresh_from_db()
    assert job.with_labels is False and job.labels_pdf is None
    assert any("address labels" in f["error"] or "地址标签" in f["error"] for f in job.failures)
    assert not BatchPart.objects.filter(batch=job, kind__in=["labels", "sheet"]).exists()
    assert service.batch_finalize(batch_id=job.pk)
    job.refresh_from_db()
    assert job.status == BatchStatus.DONE_WITH_ERRORS


def test_a_half_is_stored_with_its_pdf_in_one_transaction(org, make_case, monkeypatch):
    """The other process joins as soon as it sees both halves: a half must never be visible without its PDF (the
    row and its bytes are written in one transaction; if writing the bytes fails, no row remains)."""
    job = _issued_batch(org, make_case)

    def failing_store(model, *, pk, column, data):
        assert BatchPart.objects.filter(pk=pk).exists()  # inside the transaction the row is there
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "store_binary", failing_store)
    with pytest.raises(RuntimeError):  # the task fails the batch (notices.tasks.batch_labels_task)
        service.batch_labels(batch_id=job.pk, half="sheet")
    assert not BatchPart.objects.filter(batch=job, kind__in=["labels", "sheet"]).exists()
