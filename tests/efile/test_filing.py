"""Generated documents land in their case's file automatically, with their register number, once."""

from __future__ import annotations

import pytest

from efile.models import FileItem, ItemKind
from efile.tasks import index_item

pytestmark = pytest.mark.django_db


def test_issued_notice_lands_in_its_case_file_with_register_number(org, make_case, notice,
                                                                  django_capture_on_commit_callbacks):
    case = make_case()
    other = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        document = notice(case)
    items = list(FileItem.objects.filter(case=case))
    assert len(items) == 1
    item = items[0]
    assert item.kind == ItemKind.GENERATED
    assert item.source_key == f"notices.IssuedDocument:{document.pk}"
    assert item.register_number == document.number and document.number
    assert item.page_count == document.pages
    assert item.section.code == "notices"
    assert item.sha256 == document.sha256
    assert item.filed_by == org.clerk
    # its own text (no OCR) is indexed by the worker's task queued after the commit, not in the issue itself
    item.refresh_from_db()
    assert not item.text_indexed
    index_item(item.pk)  # the task's body (a real worker runs it in tests/efile/test_ocr.py)
    item.refresh_from_db()
    assert item.text_indexed
    assert "执行通知书" in item.text.replace(" ", "")
    assert not FileItem.objects.filter(case=other).exists()


def test_reprint_does_not_file_twice(org, make_case, notice):
    case = make_case()
    first = notice(case)
    again = notice(case)
    assert again.pk == first.pk
    assert FileItem.objects.filter(case=case).count() == 1


def test_correction_takes_the_place_of_the_corrected_version(org, make_case, notice):
    from notices.services import document_correct

    case = make_case()
    first = notice(case)
    old_item = FileItem.objects.get(case=case)
    new = document_correct(user=org.clerk, document=first, reason="地址有误")
    items = FileItem.objects.filter(case=case).order_by("id")
    assert items.count() == 2
    old_item.refresh_from_db()
    assert old_item.superseded
    current = items.get(superseded=False)
    assert current.source_key == f"notices.IssuedDocument:{new.pk}"
    assert (current.section_id, current.position) == (old_item.section_id, old_item.position)


def test_payout_and_closure_documents_go_to_their_sections(org, make_case, notice):
    case = make_case()
    notice(case, "acceptance_notice")
    sections = set(FileItem.objects.filter(case=case).values_list("section__code", flat=True))
    assert sections == {"filing"}


def test_batch_issue_files_every_document(org, make_case, notice):  # notice: the court's phone is set
    """Batch printing (notices.batch_issue) issues through the same insert: each document is filed once."""
    from notices import documents
    from notices.batch_issue import IssueItem, documents_issue_many
    from notices.models import BatchJob

    cases = [make_case(), make_case()]
    batch = BatchJob.objects.create(court=org.court, created_by=org.clerk, doc_types=["enforcement_notice"],
                                    case_ids=[c.pk for c in cases])
    kind = documents.get("enforcement_notice")
    items = [IssueItem(case=c, code="enforcement_notice", addressee=kind.addressees(c)[0]) for c in cases]
    results = list(documents_issue_many(user=org.clerk, batch=batch, items=items))
    assert len(results) == 2 and all(error is None for _i, _d, error in results)
    for case in cases:
        filed = FileItem.objects.filter(case=case)
        assert filed.count() == 1
        assert filed.get().register_number


def test_blanks_between_chinese_characters_are_removed_for_search():
    from efile.services import cjk_compact

    assert cjk_compact("执 行 通 知 书\nABC def 被执行人　张三") == "执行通知书\nABC def 被执行人张三"


def test_sweep_indexes_what_the_after_commit_step_missed_and_fails_stuck_volumes(org, make_case, notice):
    from datetime import timedelta

    from django.utils import timezone

    from efile.models import ArchiveVolume
    from efile.tasks import sweep

    case = make_case()
    notice(case)  # in the test transaction: the after-commit indexing never ran
    item = FileItem.objects.get(case=case)
    assert not item.text_indexed
    stuck = ArchiveVolume.objects.create(case=case, built_by=org.clerk)
    ArchiveVolume.objects.filter(pk=stuck.pk).update(requested_at=timezone.now() - timedelta(hours=2))
    assert sweep() == 1
    item.refresh_from_db()
    assert item.text_indexed and "执行通知书" in item.text
    stuck.refresh_from_db()
    assert stuck.status == "failed"
