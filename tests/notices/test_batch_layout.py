"""Batch chunks lay out their documents together (notices.batch_issue), write the group once and cut each document's
own PDF out of it: the stored PDF must be the document as issued on its own (same pages pixel for pixel, same text,
title and bookmarks, page numbers counted per document), its SHA-256 registered; the print file is made of the chunks' parts (shared font subsets) and holds every
document; a failing case stays that case's. Real WeasyPrint, real PostgreSQL, poppler for the checks."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from notices import batch as service
from notices import batch_issue, documents
from notices.models import BatchJob, BatchPart, BatchStatus, DocumentFile, IssuedDocument
from notices.services import template_override_save, verification_link

from .conftest import pdf_text
from .test_batch import EN, break_case, make_week_cases, page_count, run_inline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def court_phone(org):
    org.court.phone = "0938-2712345"
    org.court.save(update_fields=["phone"])


def stored_pdf(document: IssuedDocument) -> bytes:
    return bytes(DocumentFile.objects.get(document=document).pdf)


def single_render(document: IssuedDocument) -> bytes:
    """The PDF ``document_issue`` renders for this document on its own (same context, number, code and date)."""
    from notices.documents import Addressee
    from notices.pdf import render_template_html
    from notices.services import pdf_render

    kind = documents.get(document.doc_type)
    case = document.case
    addressee = next((a for a in kind.addressees(case) if a.key == document.addressee_key), None) or Addressee(
        key=document.addressee_key, name=document.addressee_name)
    context = dict(kind.context(case, addressee, document.params))
    context.update(document_number=document.number, issue_date=document.issue_date,
                   verification=verification_link(case.court, document.verification_code))
    pdf, _pages = pdf_render(render_template_html(kind.template, context))
    return pdf


def page_texts(data: bytes) -> list[str]:
    return pdf_text(data).split("\f")[:-1]


def test_batch_stored_pdf_is_the_single_issued_pdf_of_the_same_document(org, make_case):
    from tests.notices_pdf.test_cut import _document_level, _outline

    cases = make_week_cases(make_case, 5)
    job = run_inline(service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases],
                                          doc_types=["acceptance_notice", EN]), chunk_size=10)
    assert job.status == BatchStatus.DONE, job.failures
    docs = list(IssuedDocument.objects.filter(batch=job).select_related("case__court").order_by("id"))
    assert len(docs) == 10
    for doc in docs:
        pdf = stored_pdf(doc)
        assert doc.sha256 == hashlib.sha256(pdf).hexdigest() and doc.size == len(pdf)
        assert page_count(pdf) == doc.pages
        alone = single_render(doc)
        assert pdf_text(pdf) == pdf_text(alone), f"{doc.number} {doc.doc_type} differs from its single render"
        assert _document_level(pdf) == _document_level(alone) and _outline(pdf) == _outline(alone)


def test_every_stored_pdf_numbers_its_own_pages_from_one(org, make_case):
    cases = make_week_cases(make_case, 4)
    job = run_inline(service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN]),
                     chunk_size=4)
    docs = list(IssuedDocument.objects.filter(batch=job).order_by("id"))
    assert [d.pages for d in docs] == [2, 2, 2, 2]
    for doc in docs:  # the third notice's pages print 1 and 2, not 5 and 6
        texts = page_texts(stored_pdf(doc))
        assert len(texts) == 2
        assert re.search(r"—\s*1\s*—", texts[0]) and re.search(r"—\s*2\s*—", texts[1])
        assert not re.search(r"—\s*[3-9]\s*—", "".join(texts))
        assert doc.number in texts[0] and doc.verification_code in texts[1]
    combined = page_texts(bytes(job.pdf))
    assert len(combined) == 8
    for i, doc in enumerate(docs):
        assert re.search(r"—\s*1\s*—", combined[2 * i]) and doc.number in combined[2 * i]


def test_combined_file_holds_every_document_in_order_with_shared_font_subsets(org, make_case, monkeypatch):
    monkeypatch.setattr(batch_issue, "LAYOUT_MAX", 4)  # several parts per chunk
    cases = make_week_cases(make_case, 9)
    job = service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN])
    chunks = service.batch_start(batch_id=job.pk, chunk_size=5)
    for pairs in chunks:
        service.batch_chunk_run(batch_id=job.pk, pairs=pairs)
    parts = list(BatchPart.objects.filter(batch=job).order_by("id"))
    assert [len(p.document_ids) for p in parts] == [4, 1, 4]  # chunk 1: 4 + 1; chunk 2: 4
    service.batch_finish(batch_id=job.pk)
    job.refresh_from_db()
    assert not BatchPart.objects.filter(batch=job).exists()  # joined, then dropped
    docs = list(IssuedDocument.objects.filter(batch=job).order_by("id"))
    assert sorted(job.document_ids) == [d.pk for d in docs]
    pdf = bytes(job.pdf)
    assert page_count(pdf) == sum(d.pages for d in docs) == 18
    text = pdf_text(pdf)
    positions = [text.index(d.verification_code) for d in docs]
    assert positions == sorted(positions)  # case order
    stored = sum(d.size for d in docs)
    assert len(pdf) < stored * 0.6, (len(pdf), stored)  # 3 parts' subsets, not 9 documents' subsets


def test_failing_case_and_court_template_are_isolated_and_the_rest_share_a_layout(org, make_case):
    cases = make_week_cases(make_case, 6)
    break_case(cases[2])
    source = ('{% extends "notices/base.html" %}{% block doc_name %}受理案件通知书{% endblock %}'
              '{% block body %}<p>本院已立案。</p>{% endblock %}')
    template_override_save(user=org.court_admin, court=org.court, doc_type="acceptance_notice", source=source)
    job = service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN, "acceptance_notice"])
    chunks = service.batch_start(batch_id=job.pk, chunk_size=12)
    assert service.batch_chunk_run(batch_id=job.pk, pairs=chunks[0]) is True
    parts = list(BatchPart.objects.filter(batch=job).order_by("id").values_list("document_ids", flat=True))
    notices = IssuedDocument.objects.filter(batch=job, doc_type=EN)
    acceptance = IssuedDocument.objects.filter(batch=job, doc_type="acceptance_notice")
    assert notices.count() == 5 and acceptance.count() == 6
    assert all(a.template_override for a in acceptance)
    in_parts = {pk for ids in parts for pk in ids}
    assert in_parts == set(notices.values_list("pk", flat=True))  # the court's template: rendered on its own
    service.batch_finish(batch_id=job.pk)
    job.refresh_from_db()
    assert job.status == BatchStatus.DONE_WITH_ERRORS
    assert [f["case_number"] for f in job.failures] == [cases[2].number]
    text = pdf_text(bytes(job.pdf))
    assert text.replace(" ", "").count("受理案件通知书") == 6
    assert all(d.verification_code in text for d in IssuedDocument.objects.filter(batch=job))
    assert page_count(bytes(job.pdf)) == sum(d.pages for d in IssuedDocument.objects.filter(batch=job))


def test_duplex_one_page_documents_from_one_layout_start_on_a_front_page(org, make_case):
    cases = make_week_cases(make_case, 3)
    job = run_inline(service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases],
                                          doc_types=["acceptance_notice", EN], duplex=True), chunk_size=6)
    docs = list(IssuedDocument.objects.filter(batch=job).order_by("id"))
    assert job.status == BatchStatus.DONE
    for doc in docs:
        assert page_count(stored_pdf(doc)) == doc.pages  # no blank page in a stored document
    pages = page_texts(bytes(job.pdf))
    assert len(pages) == sum(d.pages + d.pages % 2 for d in docs)
    start = 0
    for doc in docs:  # each document on a front (odd) page, a blank back after an odd one
        assert doc.number in pages[start]
        start += doc.pages + doc.pages % 2


def test_rerun_prints_the_stored_pdfs_and_records_the_reused_documents(org, make_case):
    cases = make_week_cases(make_case, 3)
    first = run_inline(service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN]))
    again = run_inline(service.batch_rerun(user=org.clerk, batch=first))
    assert sorted(again.document_ids) == sorted(first.document_ids)
    assert not IssuedDocument.objects.filter(batch=again).exists()
    assert pdf_text(bytes(again.pdf)) == pdf_text(bytes(first.pdf))


def test_sweeper_fails_a_batch_that_stopped_and_leaves_a_live_one(org, make_case):
    cases = make_week_cases(make_case, 2)
    stuck = service.batch_create(user=org.clerk, case_ids=[cases[0].pk], doc_types=[EN])
    live = service.batch_create(user=org.clerk, case_ids=[cases[1].pk], doc_types=[EN])
    for job in (stuck, live):
        service.batch_start(batch_id=job.pk)
    long_ago = timezone.now() - timedelta(minutes=90)
    BatchJob.objects.filter(pk=stuck.pk).update(started_at=long_ago, progressed_at=long_ago,
                                                task_id="finishing:x")
    assert service.batch_sweep() == [stuck.pk]
    stuck.refresh_from_db()
    live.refresh_from_db()
    assert stuck.status == BatchStatus.FAILED and stuck.finished_at is not None
    assert "Run it again" in stuck.failures[-1]["error"] or "重新运行" in stuck.failures[-1]["error"]
    assert live.status == BatchStatus.RUNNING
    assert service.batch_sweep() == []


def test_sweep_is_scheduled():
    from enforcement.celery import beat_schedule

    assert beat_schedule()["notices-batch-sweep"]["task"] == "notices.tasks.batch_sweep"


def test_pdftoppm_renders_a_batch_page_like_the_single_one(org, make_case, tmp_path):
    """The batch-produced page, rasterised, is pixel-identical to the single render's."""
    cases = make_week_cases(make_case, 3)
    job = run_inline(service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN]),
                     chunk_size=3)
    doc = IssuedDocument.objects.filter(batch=job).order_by("id")[1]
    images = []
    for name, data in (("batch", stored_pdf(doc)), ("single", single_render(doc))):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
        images.append(sorted(tmp_path.glob(f"{name}-*.png")))
    assert len(images[0]) == len(images[1]) == 2
    for a, b in zip(*images, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_a_number_taken_meanwhile_is_composed_again_and_the_pdf_rendered_with_it(org, make_case, test_types):
    """Between preparing a group (tentative number) and storing a document (number composed again under the case
    lock) an officer issues another suffixed document of the case: the batch's document gets the next 之N, and its
    stored PDF prints that number (rendered again, not the one laid out with the tentative number)."""
    from notices.services import document_issue

    from .conftest import TEST_NOTICE, TEST_RULING, respondent_key, set_court_setting

    set_court_setting(org.court, "document_number_suffix_types", [TEST_NOTICE, TEST_RULING])
    case, other = make_case(), make_case()
    job = service.batch_create(user=org.clerk, case_ids=[case.pk, other.pk], doc_types=[TEST_NOTICE])
    service.batch_start(batch_id=job.pk)
    job.refresh_from_db()
    kind = documents.get(TEST_NOTICE)
    items = [batch_issue.IssueItem(case=c, code=TEST_NOTICE, addressee=kind.addressees(c)[0]) for c in (case, other)]
    # the steps of documents_issue_many, with an officer's issue between preparing and storing
    prepared = [batch_issue._prepare(user=org.clerk, item=item) for item in items]
    assert prepared[0].number == case.number + "之一"
    ruling = document_issue(user=org.officer, case=case, doc_type=TEST_RULING, addressee_key=respondent_key(case),
                            params={"subject": "冻结存款"})
    assert ruling.number == case.number + "之一"
    group = list(batch_issue._groups(prepared))
    assert [len(g) for g in group] == [2]
    batch_issue._issue_group(user=org.clerk, batch=job, group=group[0])
    first, second = (p.document for p in group[0])
    assert first.number == case.number + "之二" and not group[0][0].from_layout  # issued again, the ordinary way
    assert second.number == other.number + "之一" and group[0][1].from_layout
    text = pdf_text(stored_pdf(first))
    assert case.number + "之二" in text and case.number + "之一" not in text
    assert first.sha256 == hashlib.sha256(stored_pdf(first)).hexdigest()
    assert list(BatchPart.objects.filter(batch=job).values_list("document_ids", flat=True)) == [[second.pk]]
