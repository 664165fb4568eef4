"""In a real browser: finance records a receipt that over-collects the case and is warned; the funds tab flags
超额到账 and its link opens the surplus payout filled in; finance's list filters the over-collected cases; the
distribution calculator takes Chinese names and classes from a case's applicants."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def funded(org_committed):
    from assets.services import receipt_record
    from tests.conftest import make_case

    case = make_case.__wrapped__(org_committed)(basis_due_on=timezone.localdate() + timedelta(days=30))
    receipt_record(actor=org_committed.finance, case=case, kind="debtor_payment", amount=Decimal("60000.00"),
                   occurred_on=timezone.localdate(), payer="天水示例建材有限公司")
    return case


def test_over_collection_warned_flagged_and_returned(new_page, org_committed, funded):
    case = funded
    page = new_page(DESKTOP)
    sign_in(page, "finance", PASSWORD)
    page.goto(f"/assets/case/{case.pk}/funds/")
    form = page.locator(f"form[action='/assets/case/{case.pk}/funds/receipt/']")
    if not form.is_visible():
        form.locator("xpath=ancestor::details[1]").locator("summary").first.click()
    form.locator("select[name='receipt-kind']").select_option("debtor_payment")
    form.locator("input[name='receipt-amount']").fill("43000.00")
    form.locator("input[name='receipt-payer']").fill("天水示例建材有限公司")
    form.locator("button").first.click()
    page.wait_for_selector("#over-collected")
    assert "超额到账¥1,600.00" in page.inner_text("body")
    assert "超额到账¥1,600.00，应退还被执行人" in page.inner_text("#over-collected")
    shot(page, "finance-over-collected-funds-tab")
    page.goto("/assets/funds/awaiting/?over=1")
    assert case.number in page.inner_text("main")
    shot(page, "finance-over-collected-list")
    page.goto(f"/assets/case/{case.pk}/funds/")
    sign_out = page.context
    sign_out.clear_cookies()
    sign_in(page, "officer", PASSWORD)
    page.goto(f"/assets/case/{case.pk}/funds/")
    page.click("#over-collected-return")
    page.wait_for_selector("#payout-prepare[open]")
    assert page.locator("select[name='payout-kind']").input_value() == "surplus"
    assert page.locator("input[name='payout-amount']").input_value() == "1600.00"
    page.locator("#payout-prepare").scroll_into_view_if_needed()
    shot(page, "officer-surplus-payout-offered")


def test_calculator_with_chinese_names(new_page, org_committed, funded):
    page = new_page(DESKTOP)
    sign_in(page, "officer", PASSWORD)
    page.goto(f"/assets/calculators/?case={funded.pk}")
    box = page.locator("textarea[name='dist-claims']")
    assert box.input_value().strip() == "张三,"
    box.fill("张三, 60000, 0, 普通\n天水农商银行, 60000, 0, 抵押, 1")
    page.locator("input[name='dist-total']").fill("100000")
    page.locator("#dist-result").locator("xpath=..").locator("button").click()
    page.wait_for_selector("#dist-total")
    text = page.inner_text("#dist-result")
    assert "天水农商银行" in text and "¥60,000.00" in text and "¥40,000.00" in text
    shot(page, "officer-distribution-calculator-names")
    box.fill("张三, 60000\n张 三, 100")
    page.locator("#dist-result").locator("xpath=..").locator("button").click()
    page.wait_for_selector("text=第2行")
    shot(page, "officer-distribution-calculator-duplicate")
