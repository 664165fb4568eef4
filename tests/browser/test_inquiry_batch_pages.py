"""Building an inquiry batch from the case's assets tab, exporting it, and the chief's access log: on a desk and on
a phone (no sideways scroll), in Chinese."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import PHONE_DEVICE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(org_committed, make_case_committed):
    return make_case_committed()


@pytest.fixture
def make_case_committed(org_committed):
    from tests.conftest import make_case

    return make_case.__wrapped__(org_committed)


def test_batch_from_case_page_export_and_audit(browser, new_page, live_server, case, settings, tmp_path):
    settings.INQUIRY_OUTBOX_DIR = tmp_path / "outbox"
    page = new_page(DESKTOP)
    sign_in(page, "officer", PASSWORD)
    page.goto(f"/cases/{case.pk}/?tab=assets")
    with page.expect_navigation():
        page.click("#inquiry-new")
    assert case.number in page.inner_text("#batch-preset")
    shot(page, "inquiry-01-new-batch-desk")
    with page.expect_navigation():
        page.click("#batch-create")
    assert "查控批次已生成" in page.inner_text("body")
    assert page.locator("#request-list tbody tr").count() == 8  # every enabled kind, the one respondent
    assert "天水示例建材有限公司" in page.inner_text("#request-list") and "张三" not in page.inner_text("#request-list")
    with page.expect_navigation():
        page.click("#batch-export")
    assert page.inner_text("#batch-status") == "已导出"
    with page.expect_download() as download:
        page.click("#batch-download")
    assert download.value.suggested_filename.endswith(".zip")
    shot(page, "inquiry-02-batch-exported-desk")
    batch_url = page.url

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE_DEVICE)
    try:
        phone = context.new_page()
        sign_in(phone, "officer", PASSWORD)
        for url, name in ((batch_url, "inquiry-03-batch-phone"), ("/inquiry/batches/", "inquiry-04-list-phone"),
                          (f"/inquiry/batches/new/?case={case.pk}", "inquiry-05-new-phone")):
            phone.goto(url)
            assert_no_horizontal_scroll(phone)
            shot(phone, name)
    finally:
        context.close()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE_DEVICE)
    try:
        phone = context.new_page()
        sign_in(phone, "chief", PASSWORD)
        phone.goto("/inquiry/access-log/")
        assert case.number in phone.inner_text("#audit-list") and "郑强" in phone.inner_text("#audit-list")
        assert_no_horizontal_scroll(phone)
        shot(phone, "inquiry-06-access-log-phone")
    finally:
        context.close()
    chief = new_page(DESKTOP)
    sign_in(chief, "chief", PASSWORD)
    chief.goto("/inquiry/access-log/")
    assert "生成查控批次" in chief.inner_text("#audit-list") and "下载导出文件" in chief.inner_text("#audit-list")
    shot(chief, "inquiry-07-access-log-desk")
