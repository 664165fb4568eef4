"""In a real browser: the chief opens 案款账龄 from the dashboard, drills down to the cases of the oldest bucket and
opens one; the case page shows the payment reference grouped, with the instruction for the debtor. Desktop and phone
(390 px: no sideways scrolling)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def funded(org_committed):
    from assets.services import receipt_record
    from tests.conftest import make_case

    case = make_case.__wrapped__(org_committed)()
    for amount, days in (("1200.00", 12), ("3400.00", 75), ("5600.00", 200)):
        receipt_record(actor=org_committed.finance, case=case, kind="debtor_payment", amount=Decimal(amount),
                       occurred_on=timezone.localdate() - timedelta(days=days), payer="天水示例建材有限公司")
    return case


def test_chief_reads_funds_by_age_and_drills_down(new_page, org_committed, funded):
    from core.rules.payment_ref import format_payment_reference

    case = funded
    page = new_page(DESKTOP)
    sign_in(page, "chief", PASSWORD)
    page.goto("/reports/")
    page.click("#funds-ageing-link")
    page.wait_for_selector("#ageing-table")
    totals = page.inner_text("#ageing-totals")
    assert "案款账龄" in page.inner_text("h1") and "¥10,200.00" in totals and "¥5,600.00" in totals
    assert "郑强" in page.inner_text("#ageing-table")
    shot(page, "chief-funds-ageing")
    page.click("#ageing-totals a[data-bucket=older]")
    page.wait_for_selector("#ageing-cases")
    assert case.number in page.inner_text("#ageing-cases") and "¥5,600.00" in page.inner_text("#ageing-cases")
    page.click(f"#ageing-cases a:has-text('{case.number}')")
    page.wait_for_selector("#payment-instruction")
    grouped = format_payment_reference(case.account_reference)
    assert page.inner_text("#payment-instruction").strip() == f"汇款时请在附言中注明：{grouped}"
    assert page.inner_text("#payment-reference-plain") == case.account_reference
    shot(page, "chief-case-payment-reference")

    phone = new_page(PHONE, is_mobile=True)
    sign_in(phone, "finance", PASSWORD)
    for url, name in (("/reports/funds-ageing/", "finance-funds-ageing-phone"),
                      ("/reports/funds-ageing/cases/?bucket=older", "finance-funds-ageing-cases-phone")):
        phone.goto(url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        shot(phone, name)
