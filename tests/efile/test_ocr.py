"""A scanned PDF becomes searchable: real OCR (OCRmyPDF, Tesseract chi_sim) run by a REAL Celery worker on Redis,
on a page of Chinese text drawn in the court's font; then a generated-and-scanned volume built by the same worker."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings

from efile import selectors, services, storage
from efile.models import FileItem, OcrStatus
from tests.celery_worker import celery_worker, wait_for
from tests.efile.conftest import chinese_image, upload

pytestmark = [pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHRASE = "被执行人名下房产已查封"


@pytest.fixture
def broker(monkeypatch):
    monkeypatch.setenv("ENF_FONTS_DIR", str(settings.ENF_FONTS_DIR))
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def _scan_pdf() -> bytes:
    import img2pdf

    return img2pdf.convert(chinese_image(PHRASE, fmt="PNG", size=(1654, 700), more=("本院依法查封被执行人房产",)))


def test_scanned_pdf_becomes_searchable(org_committed, tmp_path, broker):
    import pikepdf

    from accounts.models import Court
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    item = services.scan_upload(user=org.officer, case=case, section="investigation", title="查封现场照片",
                                upload=upload("scan.pdf", _scan_pdf()))
    assert item.ocr_status == OcrStatus.QUEUED and item.text == ""
    assert selectors.search(org.officer, "依法查封") == []
    # a notice issued on the same case: its text is indexed by the same worker (efile.index_item), after the commit
    from notices import documents
    from notices import services as notice_services

    Court.objects.filter(pk=org.court.pk).update(phone="0938-2731234")  # the notice prints the court's phone
    key = documents.get("enforcement_notice").addressees(case)[0].key
    issued = notice_services.document_issue(user=org.clerk, case=case, doc_type="enforcement_notice",
                                            addressee_key=key)
    generated = FileItem.objects.get(source_key=f"notices.IssuedDocument:{issued.pk}")
    assert not generated.text_indexed  # the issue did not wait for the extraction
    with celery_worker(tmp_path, "efile-ocr", broker=broker, ready_timeout=90):
        wait_for(lambda: FileItem.objects.get(pk=item.pk).ocr_status in (OcrStatus.DONE, OcrStatus.FAILED), 240,
                 "OCR did not finish")
        wait_for(lambda: FileItem.objects.get(pk=generated.pk).text_indexed, 60, "the notice was not indexed")
    assert "执行通知书" in FileItem.objects.get(pk=generated.pk).text.replace(" ", "")
    item.refresh_from_db()
    assert item.ocr_status == OcrStatus.DONE, item.ocr_error
    assert item.ocr_progress == 100
    compact = "".join(item.text.split())
    assert "依法查封被执行人房产" in compact and "名下房产" in compact, compact
    # The stored PDF now carries the text layer (and is a new file with its own hash); the upload's hash is kept.
    assert item.sha256 != item.original_sha256
    assert storage.sha256_file(storage.absolute(item.path)) == item.sha256
    with pikepdf.open(storage.absolute(item.path)) as pdf:
        assert len(pdf.pages) == 1
        assert pdf.open_metadata().pdfa_status == "2B"  # normalised to PDF/A-2b by OCRmyPDF
    # Tesseract puts blanks between Chinese characters; they are taken out, so the words are found as typed.
    hits = selectors.search(org.officer, "依法查封")
    assert [h["item"].pk for h in hits] == [item.pk]
    assert selectors.search(org.outsider, "房产") == []  # another court's officer finds nothing


def test_born_digital_pdf_keeps_its_text(org_committed):
    """A PDF that already has text (a document saved as PDF): its pages are not re-OCRed, its text is indexed.
    The OCR function runs in this process here (the worker path is tested above)."""
    from weasyprint import HTML

    from efile.ocr import ocr_item
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    pdf = HTML(string='<html><body><p style="font-family: Noto Sans CJK SC">本院依法冻结被执行人银行存款</p>'
                      "</body></html>").write_pdf()
    item = services.scan_upload(user=org.officer, case=case, section="control", title="冻结裁定",
                                upload=upload("ruling.pdf", pdf))
    assert ocr_item(item.pk) is True
    assert ocr_item(item.pk) is False  # claimed once: a second delivery does nothing
    item.refresh_from_db()
    assert item.ocr_status == OcrStatus.DONE and "依法冻结被执行人银行存款" in item.text
