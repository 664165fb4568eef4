"""Finance reverses a receipt in a real browser: the first click shows a confirmation page (nothing written yet), the
second reverses; a large receipt's reversal waits for a second person, who confirms it on the funds tab. No CSP
violation on the way (the page has no inline script or style)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from assets.models import EntryKind, LedgerEntry, ReversalRequest, ReversalStatus
from tests.conftest import PASSWORD, make_user

from .conftest import DESKTOP, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def funded(org_committed):
    from assets.services import receipt_record
    from tests.conftest import make_case

    case = make_case.__wrapped__(org_committed)()
    today = timezone.localdate()
    small = receipt_record(actor=org_committed.finance, case=case, kind="debtor_payment", amount=Decimal("800.00"),
                           occurred_on=today, payer="天水示例建材有限公司")
    large = receipt_record(actor=org_committed.finance, case=case, kind="bank_deduction",
                           amount=Decimal("90000.00"), occurred_on=today, reference="TX2026120601")
    return case, small, large


def _watch_csp(page) -> list:
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


def _reverse(page, case, entry, reason):
    page.goto(f"/assets/case/{case.pk}/funds/")
    form = page.locator(f"form[action='/assets/entries/{entry.pk}/reverse/']")
    form.locator("xpath=..").locator("summary").click()
    form.locator("input[name='reverse-reason']").fill(reason)
    form.locator("button").click()
    page.wait_for_selector("#reverse-confirm-button")


def test_finance_reverses_after_a_confirmation_page(new_page, org_committed, funded):
    case, small, _large = funded
    page = new_page(DESKTOP)
    violations = _watch_csp(page)
    sign_in(page, "finance", PASSWORD)
    _reverse(page, case, small, "重复入账")
    assert "800.00" in page.inner_text("#reverse-amount")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()  # the first click wrote nothing
    shot(page, "finance-reverse-confirm")
    page.click("#reverse-confirm-button")
    page.wait_for_selector("#funds-balance")
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=small).count() == 1
    assert page.inner_text("#funds-balance") == "¥90,000.00"
    assert violations == []


def test_large_reversal_is_confirmed_by_a_second_person(new_page, org_committed, funded):
    case, _small, large = funded
    make_user("finance2", org_committed.court, [Role.FINANCE], full_name="钱芳")
    page = new_page(DESKTOP)
    violations = _watch_csp(page)
    sign_in(page, "finance", PASSWORD)
    _reverse(page, case, large, "银行误划")
    page.wait_for_selector("#reverse-second-person")
    page.click("#reverse-confirm-button")
    page.wait_for_selector("#reversal-requests")
    request = ReversalRequest.objects.get(entry=large)
    assert request.status == ReversalStatus.PENDING
    assert page.locator(f"form[action='/assets/reversals/{request.pk}/confirm/']").count() == 0
    second = new_page(DESKTOP)
    sign_in(second, "finance2", PASSWORD)
    second.goto(f"/assets/case/{case.pk}/funds/")
    second.click(f"form[action='/assets/reversals/{request.pk}/confirm/'] button")
    second.wait_for_selector("#funds-balance")
    assert ReversalRequest.objects.get(pk=request.pk).status == ReversalStatus.CONFIRMED
    assert second.inner_text("#funds-balance") == "¥800.00"
    shot(second, "finance-reversal-confirmed-by-second-person")
    assert violations == []
