"""The archive volume: page count, catalogue and stamped page numbers read back with pypdf; only after closure;
once; frozen; the case archived (the ARCHIVE deadline met); nothing filed into it afterwards."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, ProgrammingError, transaction

from efile import services, storage, volume as volume_builder
from efile.models import ArchiveVolume, FileItem, OcrStatus, VolumeStatus
from tests.efile.conftest import close_case, image_pdf, upload

pytestmark = pytest.mark.django_db


def _scan(org, case, title, pages, section="investigation"):
    item = services.scan_upload(user=org.officer, case=case, section=section, title=title,
                                upload=upload(f"{title}.pdf", image_pdf(pages, text=title)))
    FileItem.objects.filter(pk=item.pk).update(ocr_status=OcrStatus.DONE, ocr_progress=100)  # OCR: test_ocr.py
    return item


@pytest.fixture
def filed_case(org, make_case, notice):
    case = make_case()
    document = notice(case)  # generated, 'notices' section
    _scan(org, case, "立案审批表", 2, "filing")
    _scan(org, case, "查封现场笔录", 3, "investigation")
    return case, document


def _build(org, case):
    volume = services.volume_request(user=org.clerk, case=case)
    return volume_builder.build(volume.pk)


def test_volume_pages_catalogue_and_numbers(org, filed_case):
    from pypdf import PdfReader

    case, document = filed_case
    case = close_case(org, case)
    volume = _build(org, case)
    assert volume.status == VolumeStatus.DONE
    numbered = 2 + document.pages + 3
    assert volume.document_pages == numbered
    reader = PdfReader(storage.absolute(volume.path))
    front = len(reader.pages) - numbered - 1  # cover + 卷内目录 before, 备考表 after
    assert front >= 2
    assert volume.page_count == len(reader.pages)
    # The catalogue: file order (filing, notices, investigation) and running page ranges.
    assert [(e["title"], e["first"], e["last"]) for e in volume.catalogue] == [
        ("立案审批表", 1, 2), ("执行通知书", 3, 2 + document.pages),
        ("查封现场笔录", 3 + document.pages, numbered)]
    assert volume.catalogue[1]["number"] == document.number
    cover = reader.pages[0].extract_text()
    assert case.number in cover.replace(" ", "") and "保管期限" in cover and "长期" in cover
    toc = "".join(reader.pages[n].extract_text() for n in range(1, front)).replace(" ", "")
    assert "卷内目录" in toc and "查封现场笔录" in toc and f"{3 + document.pages}-{numbered}" in toc
    # Every document page carries its number, continuously from 1; the front and back pages carry none.
    for n in range(1, numbered + 1):
        text = reader.pages[front + n - 1].extract_text()
        assert re.search(rf"(^|\D){n}(\D|$)", text), (n, text[:80])
    back = reader.pages[-1].extract_text().replace(" ", "")
    assert "备考表" in back and f"{numbered}页" in back and org.clerk.full_name in back
    # The hash recorded is the file's; the volume declares PDF/A-2b.
    assert storage.sha256_file(storage.absolute(volume.path)) == volume.sha256
    assert volume.pdfa == "2B"
    assert reader.metadata is not None


def test_volume_archives_the_case_and_meets_the_archive_deadline(org, filed_case):
    from deadlines import engine
    from deadlines.models import Deadline

    case, _document = filed_case
    case = close_case(org, case)
    engine.recompute(case_ids=[case.pk], wait=True)
    deadline = Deadline.objects.get(case=case, kind="archive")
    assert deadline.met_on is None
    _build(org, case)
    case.refresh_from_db()
    assert case.stage == "archived" and case.archived_on is not None
    engine.recompute(case_ids=[case.pk], wait=True)
    deadline.refresh_from_db()
    assert deadline.met_on == case.archived_on
    assert set(FileItem.objects.filter(case=case).values_list("volume_id", flat=True)) == {
        ArchiveVolume.objects.get(case=case).pk}


def test_volume_refused_before_closure(org, filed_case):
    case, _document = filed_case
    with pytest.raises(ValidationError) as exc:
        services.volume_request(user=org.clerk, case=case)
    assert "case" in exc.value.message_dict
    assert not ArchiveVolume.objects.filter(case=case).exists()


def test_volume_refused_while_ocr_runs_and_for_officers(org, filed_case):
    from django.core.exceptions import PermissionDenied

    case, _document = filed_case
    case = close_case(org, case)
    with pytest.raises(PermissionDenied):
        services.volume_request(user=org.officer, case=case)  # EFILE_ARCHIVE: clerk and chief
    FileItem.objects.filter(case=case, kind="scan").update(ocr_status=OcrStatus.RUNNING)
    with pytest.raises(ValidationError):
        services.volume_request(user=org.clerk, case=case)


def test_double_click_gives_one_volume(org, filed_case):
    case, _document = filed_case
    case = close_case(org, case)
    first = services.volume_request(user=org.clerk, case=case)
    second = services.volume_request(user=org.chief, case=case)
    assert first.pk == second.pk
    volume_builder.build(first.pk)
    again = volume_builder.build(first.pk)  # a redelivered task does nothing
    third = services.volume_request(user=org.clerk, case=case)
    assert third.pk == first.pk and third.status == VolumeStatus.DONE
    assert ArchiveVolume.objects.filter(case=case).count() == 1
    assert again.pk == first.pk


def test_database_allows_one_live_volume_per_case(org, filed_case):
    case, _document = filed_case
    ArchiveVolume.objects.create(case=case, built_by=org.clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArchiveVolume.objects.create(case=case, built_by=org.clerk)


def test_finished_volume_is_frozen(org, filed_case):
    case, _document = filed_case
    case = close_case(org, case)
    volume = _build(org, case)
    with pytest.raises(ProgrammingError, match="efile_archivevolume"), transaction.atomic():
        ArchiveVolume.objects.filter(pk=volume.pk).update(sha256="0" * 64)
    from django.db import connection

    with pytest.raises(ProgrammingError, match="efile_archivevolume"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM efile_archivevolume WHERE id = %s", [volume.pk])


def test_nothing_filed_into_an_archived_file(org, filed_case, notice):
    case, _document = filed_case
    case = close_case(org, case)
    volume = _build(org, case)
    item = FileItem.objects.filter(case=case, kind="scan").first()
    stored = sorted(storage.root().rglob("*.pdf"))
    with pytest.raises(ValidationError):
        _scan(org, case, "补充材料", 1)
    assert sorted(storage.root().rglob("*.pdf")) == stored  # the refused upload left no file behind
    with pytest.raises(ValidationError):
        services.item_move(user=org.clerk, item=item, direction="down")
    with pytest.raises(ValidationError):
        services.items_sort(user=org.clerk, case=case)
    # A document generated afterwards (a certificate) is kept on file but outside the frozen volume.
    count = FileItem.objects.filter(case=case).count()
    later = FileItem.objects.create(case=case, section=item.section, title="补发文书", kind="generated",
                                    source_key="notices.IssuedDocument:999999", doc_date=item.doc_date,
                                    sha256="0" * 64, filed_by=org.clerk)
    assert later.volume_id is None
    assert FileItem.objects.filter(case=case).count() == count + 1
    assert FileItem.objects.filter(volume=volume).count() == count


def test_failed_build_allows_a_new_attempt(org, filed_case):
    case, _document = filed_case
    case = close_case(org, case)
    item = FileItem.objects.filter(case=case, kind="scan").first()
    FileItem.objects.filter(pk=item.pk).update(page_count=item.page_count + 1)  # the catalogue disagrees
    volume = services.volume_request(user=org.clerk, case=case)
    with pytest.raises(RuntimeError):
        volume_builder.build(volume.pk)
    volume.refresh_from_db()
    assert volume.status == VolumeStatus.FAILED and "pages" in volume.error
    case.refresh_from_db()
    assert case.stage == "closed"
    FileItem.objects.filter(pk=item.pk).update(page_count=item.page_count)
    retry = services.volume_request(user=org.clerk, case=case)
    assert retry.pk != volume.pk
    assert volume_builder.build(retry.pk).status == VolumeStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_concurrent_archive_clicks_make_one_volume(org_committed):
    """Two people click 立卷归档 at the same moment (two connections): one volume, both get it."""
    import threading

    from django.db import connection

    from notices import documents
    from notices import services as notice_services
    from tests.conftest import make_case

    org = org_committed
    org.court.phone = "0938-2712345"
    org.court.save(update_fields=["phone"])
    case = make_case.__wrapped__(org)()
    notice_services.document_issue(user=org.clerk, case=case, doc_type="enforcement_notice",
                                   addressee_key=documents.get("enforcement_notice").addressees(case)[0].key)
    case = close_case(org, case)
    barrier = threading.Barrier(2)
    got, errors = [], []

    def click(user):
        try:
            barrier.wait(5)
            got.append(services.volume_request(user=user, case=case).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(u,)) for u in (org.clerk, org.chief)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(got) == 2 and got[0] == got[1]
    assert ArchiveVolume.objects.filter(case=case).count() == 1
