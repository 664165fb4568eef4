"""The court's seal in headless Chromium: a clerk's notice waits for signature, the chief signs it from the queue;
the public verification page shows the valid seal, accepts the signed PDF as genuine and reports an altered copy
(desktop 1366 px and phone 390 px, no sideways scrolling)."""

from __future__ import annotations

import pytest

from signing.models import DocumentSignature
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def awaiting_document(org_committed):
    from notices import services
    from signing.setup import ensure_demo
    from tests.conftest import make_case

    org = org_committed
    type(org.court).objects.filter(pk=org.court.pk).update(phone="0938-2731234")
    ensure_demo([org.court])
    case = make_case.__wrapped__(org)()
    key = f"party:{case.case_parties.get(role='respondent').pk}"
    return services.document_issue(user=org.clerk, case=case, doc_type="enforcement_notice", addressee_key=key)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_chief_signs_from_the_queue_and_the_public_checks_copies(new_page, org_committed, awaiting_document,
                                                                   tmp_path):
    doc = awaiting_document
    assert DocumentSignature.objects.get(document_id=doc.pk).status == "awaiting"
    chief = new_page(DESKTOP)
    sign_in(chief, "chief", PASSWORD)
    chief.goto("/signing/queue/")
    chief.wait_for_selector(f"#awaiting-{doc.pk}")
    shot(chief, "signing-queue-desktop")
    chief.check(f"#awaiting-{doc.pk} input[type=checkbox]")
    chief.click("#sign-selected")
    chief.wait_for_selector("#queue-total")
    assert not chief.query_selector(f"#awaiting-{doc.pk}")
    row = DocumentSignature.objects.get(document_id=doc.pk)
    assert row.status == "signed" and row.signer_id == org_committed.chief.pk

    signed = tmp_path / "signed.pdf"
    signed.write_bytes(bytes(row.pdf))
    altered_bytes = bytearray(row.pdf)
    altered_bytes[len(altered_bytes) // 3] ^= 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(altered_bytes))

    public = new_page(DESKTOP)
    public.goto(f"/notices/verify/{doc.verification_code}/")
    public.wait_for_selector("#verify-seal[data-state=valid]")
    assert "电子签章有效" in public.inner_text("#verify-seal")
    public.set_input_files("#verify-upload input[type=file]", str(signed))
    public.click("#verify-upload button[type=submit]")
    public.wait_for_selector("#verify-compare.alert-success")
    assert "签名有效" in public.inner_text("#verify-compare")
    shot(public, "signing-verify-valid-desktop")

    phone = new_page(PHONE, is_mobile=True)
    phone.goto(f"/notices/verify/{doc.verification_code}/")
    phone.set_input_files("#verify-upload input[type=file]", str(altered))
    phone.click("#verify-upload button[type=submit]")
    phone.wait_for_selector("#verify-compare.alert-danger")
    assert phone.query_selector("#verify-upload-altered")
    _no_sideways_scroll(phone)
    shot(phone, "signing-verify-altered-phone")
