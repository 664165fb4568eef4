"""A clerk prints a 执行通知书 from the case page in headless Chromium and gets the PDF; printing again gives the
same stored file; the verification page opens from the code."""

from __future__ import annotations

import hashlib

import pytest

from notices.models import IssuedDocument
from tests.browser.conftest import DESKTOP, shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def committed_case(org_committed):
    from tests.conftest import make_case

    org_committed.officer.phone = "0938-2712345"
    org_committed.officer.save(update_fields=["phone"])
    return make_case.__wrapped__(org_committed)()


def test_clerk_prints_from_the_case_page_and_reprints_the_same_file(new_page, org_committed, committed_case):
    case = committed_case
    page = new_page(DESKTOP)
    sign_in(page, "clerk", PASSWORD)
    page.goto(f"/cases/{case.pk}/?tab=documents")
    page.wait_for_selector("#doc-type-form")
    page.select_option("#id_doc_type", "enforcement_notice")  # the page reloads with the issue form (notices.js)
    page.wait_for_selector("#issue-form")
    assert "天水示例建材有限公司" in page.inner_text("#id_addressee_key")
    with page.expect_download() as first_download:
        page.click("#issue-submit")  # issued, back on the tab, the PDF downloads by itself
    page.wait_for_selector("#issued-banner")
    document = IssuedDocument.objects.get(case=case)
    data = open(first_download.value.path(), "rb").read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == document.sha256
    shot(page, "notices-case-documents-tab")

    with page.expect_download() as again:
        page.click(f"a[data-doc-download='{document.pk}']")
    assert open(again.value.path(), "rb").read() == data
    assert IssuedDocument.objects.count() == 1

    public = new_page(DESKTOP)
    public.goto("/notices/verify/")
    public.fill("#id_code", document.verification_code.replace("-", "").lower())
    public.click("#verify-form button[type=submit]")
    public.wait_for_selector("#verify-genuine")
    details = public.inner_text("#verify-details")
    assert document.number in details and document.sha256 in details and "天水示例建材有限公司" not in details
    shot(public, "notices-verify-result")
