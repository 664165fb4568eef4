"""Batch printing, in process: selection, creation rules, access, the run's bookkeeping (chunks, failures, reuse),
the combined PDF and the labels, pages and API. The task bodies run here directly (same code the Celery tasks
call); tests/notices/test_batch_worker.py runs them in a real worker."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.policy import Perm, has_perm
from cases.models import Case
from notices import batch as service
from notices.models import BatchJob, BatchStatus, IssuedDocument

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

EN = "enforcement_notice"


@pytest.fixture(autouse=True)
def court_phone(org):
    """The notices print the court's phone (no officer phone needed then)."""
    org.court.phone = "0938-2712345"
    org.court.save(update_fields=["phone"])


def this_week_day():
    monday, _sunday = service.this_week()
    return min(timezone.localdate(), monday + timedelta(days=2)) if timezone.localdate() >= monday else monday


def make_week_cases(make_case, n: int, **kw) -> list[Case]:
    day = this_week_day()
    return [make_case(received_on=day, filed_on=day, **kw) for _ in range(n)]


def break_case(case: Case) -> None:
    """A case the enforcement notice cannot be filled for: it states neither an amount nor an act."""
    Case.objects.filter(pk=case.pk).update(amount_claimed=0, act_description="")


def run_inline(job: BatchJob, chunk_size: int = 3) -> BatchJob:
    """The task chain (batch_run → batch_chunk × n → finish), run in this process."""
    chunks = service.batch_start(batch_id=job.pk, chunk_size=chunk_size)
    finished = [service.batch_chunk_run(batch_id=job.pk, pairs=pairs) for pairs in chunks]
    assert finished.count(True) == 1 and finished[-1] is True  # exactly the last chunk finishes the batch
    service.batch_finish(batch_id=job.pk)
    return BatchJob.objects.get(pk=job.pk)


def page_count(data: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


# --- Selection --------------------------------------------------------------------------------------------------

def test_selection_finds_this_weeks_cases_without_an_enforcement_notice(org, make_case):
    week = make_week_cases(make_case, 3)
    old = make_case(received_on=timezone.localdate() - timedelta(days=40),
                    filed_on=timezone.localdate() - timedelta(days=40))
    monday, sunday = service.this_week()
    selection = service.BatchSelection(filed_from=monday, filed_to=sunday, without=EN)
    assert list(service.batch_case_candidates(user=org.clerk, selection=selection)) == week
    job = service.batch_create(user=org.clerk, case_ids=[week[0].pk], doc_types=[EN])
    job = run_inline(job)
    assert job.status == BatchStatus.DONE, job.failures
    found = list(service.batch_case_candidates(user=org.clerk, selection=selection))
    assert found == week[1:]  # the one that got its notice drops out
    assert old not in service.batch_case_candidates(user=org.clerk, selection=service.BatchSelection(
        filed_from=monday, filed_to=sunday))


def test_selection_filters_team_officer_stage_and_is_scoped(org, make_case):
    mine = make_week_cases(make_case, 1)[0]
    other = make_week_cases(make_case, 1, team=org.other_team, officer=org.colleague)[0]
    sel = service.BatchSelection(team=org.other_team.pk)
    assert list(service.batch_case_candidates(user=org.clerk, selection=sel)) == [other]
    sel = service.BatchSelection(officer=org.officer.pk, stage=[mine.stage])
    assert list(service.batch_case_candidates(user=org.clerk, selection=sel)) == [mine]
    # an officer (team scope) sees only the team's cases; an outsider none of this court's
    assert list(service.batch_case_candidates(user=org.officer, selection=service.BatchSelection())) == [mine]
    assert list(service.batch_case_candidates(user=org.outsider, selection=service.BatchSelection())) == []


# --- Create -----------------------------------------------------------------------------------------------------

def test_create_refuses_bad_input_naming_the_field_and_saves_nothing(org, make_case):
    case = make_week_cases(make_case, 1)[0]
    foreign = make_case(court=org.other_court)
    cases = [
        ({"case_ids": [case.pk], "doc_types": []}, "doc_types"),
        ({"case_ids": [case.pk], "doc_types": ["no_such_type"]}, "doc_types"),
        ({"case_ids": [], "doc_types": [EN]}, "case_ids"),
        ({"case_ids": ["x"], "doc_types": [EN]}, "case_ids"),
        ({"case_ids": [case.pk, foreign.pk], "doc_types": [EN]}, "case_ids"),
    ]
    from django.core.exceptions import ValidationError

    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            service.batch_create(user=org.clerk, **kwargs)
        assert field in exc.value.message_dict
    assert not BatchJob.objects.exists()


def test_finance_cannot_batch_print(org, make_case):
    from django.core.exceptions import PermissionDenied

    case = make_week_cases(make_case, 1)[0]
    assert not has_perm(org.finance, Perm.NOTICE_ISSUE)
    with pytest.raises(PermissionDenied):
        service.batch_create(user=org.finance, case_ids=[case.pk], doc_types=[EN])


# --- Run --------------------------------------------------------------------------------------------------------

def test_run_records_the_failing_case_and_prints_the_others_then_reuses_them(org, make_case):
    cases = make_week_cases(make_case, 7)
    bad = cases[3]
    break_case(bad)
    job = service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN], duplex=False)
    job = run_inline(job)
    assert job.status == BatchStatus.DONE_WITH_ERRORS
    assert job.total == 7 and job.done == 6
    assert [f["case_number"] for f in job.failures] == [bad.number]
    assert "amount_claimed" in job.failures[0]["error"]
    docs = list(IssuedDocument.objects.filter(batch=job).order_by("serial"))
    assert len(docs) == 6
    assert [d.serial for d in docs] == list(range(docs[0].serial, docs[0].serial + 6))  # gapless
    pdf = bytes(job.pdf)
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) == sum(d.pages for d in docs)
    text = pdf_text(pdf)
    for case in cases:
        assert (case.number in text) == (case != bad)
    labels = pdf_text(bytes(job.labels_pdf))
    assert "天水示例建材有限公司" in labels and "甘肃省天水市麦积区马跑泉路8号" in labels
    assert cases[0].number in labels and bad.number not in labels

    # Run again: the same documents, no new numbers; the broken case still fails.
    again = run_inline(service.batch_rerun(user=org.clerk, batch=job))
    assert again.status == BatchStatus.DONE_WITH_ERRORS and again.done == 6
    assert IssuedDocument.objects.count() == 6
    assert not IssuedDocument.objects.filter(batch=again).exists()
    assert page_count(bytes(again.pdf)) == page_count(pdf)


def test_duplex_pads_odd_documents_and_all_failed_is_failed(org, make_case):
    cases = make_week_cases(make_case, 2)
    job = run_inline(service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases],
                                          doc_types=["acceptance_notice", EN], duplex=True))
    assert job.status == BatchStatus.DONE, job.failures
    docs = IssuedDocument.objects.filter(batch=job)
    assert page_count(bytes(job.pdf)) == sum(d.pages + d.pages % 2 for d in docs)

    broken = make_week_cases(make_case, 1)[0]
    break_case(broken)
    failed = run_inline(service.batch_create(user=org.clerk, case_ids=[broken.pk], doc_types=[EN]))
    assert failed.status == BatchStatus.FAILED and failed.pdf is None
    assert failed.failures[0]["case_number"] == broken.number


def test_combine_with_pypdf_gives_the_same_pages(org, make_case):
    cases = make_week_cases(make_case, 2)
    job = run_inline(service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN]))
    ids = list(IssuedDocument.objects.filter(batch=job).order_by("id").values_list("id", flat=True))
    merged = service.combine_stored_pdfs(ids, tool="pypdf", duplex=True, pages=[1, 1])
    assert page_count(merged) == page_count(bytes(job.pdf)) + 2


# --- Pages and API ----------------------------------------------------------------------------------------------

def test_page_lists_this_weeks_cases_and_starts_a_batch(client, org, make_case):
    cases = make_week_cases(make_case, 2)
    client.force_login(org.clerk)
    response = client.get(reverse("notices:batch"))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(c.number in body for c in cases)
    response = client.post(reverse("notices:batch"), {"case": [cases[0].pk], "doc_types": [EN],
                                                     "with_labels": "on"})
    job = BatchJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:batch_detail", args=[job.pk])
    assert job.case_ids == [cases[0].pk] and job.status == BatchStatus.QUEUED
    response = client.post(reverse("notices:batch"), {"case": [cases[0].pk]})
    assert response.status_code == 400 and BatchJob.objects.count() == 1
    progress = client.get(reverse("notices:batch_progress", args=[job.pk])).json()
    assert progress["status"] == "queued" and progress["pdf_url"] is None
    run_inline(job)
    progress = client.get(reverse("notices:batch_progress", args=[job.pk])).json()
    assert progress["status"] == "done" and progress["percent"] == 100
    pdf = client.get(progress["pdf_url"])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    detail = client.get(reverse("notices:batch_detail", args=[job.pk])).content.decode()
    assert reverse("notices:batch_labels", args=[job.pk]) in detail


def test_batches_are_private_to_their_court_and_team_scope(client, org, make_case):
    case = make_week_cases(make_case, 1)[0]
    job = service.batch_create(user=org.clerk, case_ids=[case.pk], doc_types=[EN])
    for user, code in ((org.chief, 200), (org.officer, 404), (org.outsider, 404), (org.finance, 403)):
        client.force_login(user)
        assert client.get(reverse("notices:batch_detail", args=[job.pk])).status_code == code, user
        assert client.get(reverse("api-batch-detail", args=[job.pk])).status_code == code, user


def test_api_create_status_and_download(client, org, make_case):
    cases = make_week_cases(make_case, 2)
    client.force_login(org.clerk)
    url = reverse("api-batch-list")
    bad = client.post(url, {"case_ids": [cases[0].pk], "doc_types": ["nope"]}, content_type="application/json")
    assert bad.status_code == 400 and "doc_types" in bad.json()
    created = client.post(url, {"case_ids": [c.pk for c in cases], "doc_types": [EN]},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    job_id = created.json()["id"]
    assert client.get(reverse("api-batch-pdf", args=[job_id])).status_code == 404  # not ready yet
    run_inline(BatchJob.objects.get(pk=job_id))
    status = client.get(reverse("api-batch-detail", args=[job_id])).json()
    assert status["status"] == "done" and status["done"] == 2 and status["failures"] == []
    pdf = client.get(status["pdf_url"])
    assert pdf.content.startswith(b"%PDF") and cases[1].number in pdf_text(pdf.content)
    assert client.get(status["labels_url"]).content.startswith(b"%PDF")
    assert [b["id"] for b in client.get(url).json()] == [job_id]
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/batches/{id}/pdf/" in schema


def test_a_chunk_delivered_again_fails_the_batch_instead_of_finishing_early(org, make_case):
    """A worker that died mid-chunk leaves counters that may include part of the chunk: the redelivered message
    (Redis restores it with ``redelivered``) fails the batch with a clear message; a rerun reuses the documents."""
    from notices.tasks import batch_chunk_task

    cases = make_week_cases(make_case, 2)
    job = service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN])
    chunks = service.batch_start(batch_id=job.pk, chunk_size=1)
    assert service.batch_chunk_run(batch_id=job.pk, pairs=chunks[0]) is False
    batch_chunk_task.push_request(delivery_info={"redelivered": True})
    try:
        assert batch_chunk_task.run(job.pk, chunks[1]) is False
    finally:
        batch_chunk_task.pop_request()
    job.refresh_from_db()
    error = job.failures[-1]["error"]
    assert job.status == BatchStatus.FAILED
    assert "Run it again" in error or "重新运行" in error
    assert IssuedDocument.objects.count() == 1  # the first chunk's document stands and is reused by a rerun
    again = run_inline(service.batch_rerun(user=org.clerk, batch=job))
    assert again.status == BatchStatus.DONE and IssuedDocument.objects.count() == 2
