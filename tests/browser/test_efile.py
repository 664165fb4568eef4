"""A clerk, in headless Chromium, files a scan into a closed case's electronic file, watches a REAL Celery worker
recognise its text (Tesseract chi_sim), finds it by searching the file, archives the case with one click (the
worker builds the volume, the page shows its progress) and downloads the volume; the page at phone width does not
scroll sideways."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import redis
from django.conf import settings

from efile.models import ArchiveVolume, FileItem
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in
from tests.celery_worker import celery_worker
from tests.conftest import PASSWORD
from tests.efile.conftest import chinese_image, close_case

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/wt/shots/h3")


@pytest.fixture
def broker(monkeypatch):
    monkeypatch.setenv("ENF_FONTS_DIR", str(settings.ENF_FONTS_DIR))
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def _keep(path: Path) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)


def test_clerk_files_a_scan_and_archives_a_closed_case(new_page, org_committed, broker, tmp_path, settings):
    from notices import documents
    from notices import services as notice_services
    from tests.conftest import make_case

    settings.EFILE_ROOT = tmp_path / "efile"  # the worker's (ENF_VAR_DIR=tmp_path)
    org = org_committed
    org.court.phone = "0938-2712345"
    org.court.save(update_fields=["phone"])
    case = make_case.__wrapped__(org)()
    notice_services.document_issue(user=org.clerk, case=case, doc_type="enforcement_notice",
                                   addressee_key=documents.get("enforcement_notice").addressees(case)[0].key)
    case = close_case(org, case)
    scan = tmp_path / "结案审批表.png"
    scan.write_bytes(chinese_image("结案审批表", size=(1240, 1754), more=("同意终结执行", "执行局长")))
    with celery_worker(tmp_path, "browser-efile", broker=broker, ready_timeout=90):
        page = new_page(DESKTOP)
        sign_in(page, "clerk", PASSWORD)
        page.goto(f"/cases/{case.pk}/?tab=efile")
        page.click("#efile-open")
        page.wait_for_selector("#efile-upload")
        page.set_input_files("#id_file", str(scan))
        page.fill("#id_title", "结案审批表")
        page.select_option("#id_section", label="结案材料")
        page.click("#efile-upload-submit")
        page.wait_for_selector(".alert-success")
        item = FileItem.objects.get(case=case, kind="scan")
        page.wait_for_selector(f"#ocr-{item.pk}.efile-ocr-done", timeout=180_000)  # htmx polls the badge
        page.wait_for_selector(".efile-page")
        _keep(shot(page, "efile-file-desktop"))
        page.fill("#efile-q", "同意终结执行")
        page.press("#efile-q", "Enter")
        page.wait_for_selector("#efile-results")
        assert "结案审批表" in page.inner_text("#efile-results")
        _keep(shot(page, "efile-search"))
        page.click("#volume-build")
        page.wait_for_selector("#volume-done", timeout=120_000)  # the progress panel polls until the worker is done
        _keep(shot(page, "efile-archived-desktop"))
        with page.expect_download() as download:
            page.click("#volume-download")
        data = open(download.value.path(), "rb").read()
        phone = new_page(PHONE, is_mobile=True)
        sign_in(phone, "clerk", PASSWORD)
        phone.goto(f"/efile/case/{case.pk}/")
        phone.wait_for_selector("#volume-done")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _keep(shot(phone, "efile-archived-phone"))
    assert data.startswith(b"%PDF")
    volume = ArchiveVolume.objects.get(case=case)
    assert volume.status == "done"
    case.refresh_from_db()
    assert case.stage == "archived"
    from pypdf import PdfReader

    reader = PdfReader(download.value.path())
    assert len(reader.pages) == volume.page_count
    assert [e["title"] for e in volume.catalogue] == ["执行通知书", "结案审批表"]
