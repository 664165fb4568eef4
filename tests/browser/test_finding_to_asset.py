"""An officer records a network query that found a bank account, reads the finding on the case timeline, and
registers the account as an asset from it: the form comes filled in (bank, number, balance, the debtor, the source);
a double click registers it once; the timeline then says it is registered. On a phone (390 px) and a desktop."""

from __future__ import annotations

import pytest

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import PHONE_DEVICE, alerts, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEBTOR = "天水示例建材有限公司"
ACCOUNT = "6222021234567891234"


def _record_query(page, case, name: str) -> None:
    page.goto(f"/cases/{case.pk}/")
    with page.expect_navigation():
        page.click("#log-action")
    page.select_option("#id_kind", "network_query")
    page.wait_for_selector(".action-details[data-kind='network_query']")
    page.select_option("#id_d-system", "national")
    page.fill("#id_d-subject", DEBTOR)
    page.select_option("#id_d-found_1_type", "bank_deposit")
    page.fill("#id_d-found_1_institution", "中国工商银行天水分行")
    page.fill("#id_d-found_1_number", ACCOUNT)
    page.fill("#id_d-found_1_amount", "12345.00")
    page.fill("#id_d-note", "另有车辆一辆待核实")
    assert_no_horizontal_scroll(page)
    shot(page, f"finding-00-query-form-{name}")
    with page.expect_navigation():
        page.click("#action-form button[type=submit]:not([name=refresh])")
    assert "已记录" in alerts(page)


def _flow(page, case, name: str) -> None:
    from assets.models import Asset

    sign_in(page, "officer", PASSWORD)
    _record_query(page, case, name)
    timeline = page.inner_text("#timeline")
    assert "查询到银行存款 中国工商银行天水分行 6222…1234 余额¥12,345.00" in timeline, timeline
    assert "bank_deposit" not in timeline
    assert_no_horizontal_scroll(page)
    shot(page, f"finding-01-timeline-{name}")

    with page.expect_navigation():
        page.locator("#timeline a.register-found").first.click()
    assert page.input_value("#id_asset-kind") == "bank_deposit"
    assert page.input_value("#id_asset-bank_name") == "中国工商银行天水分行"
    assert page.input_value("#id_asset-account_number") == ACCOUNT
    assert page.input_value("#id_asset-description") == f"中国工商银行天水分行 {ACCOUNT}"
    assert page.input_value("#id_asset-estimated_value") == "12345.00"
    assert page.input_value("#id_asset-source") == "network_query"
    owner = page.locator("#id_asset-owner option:checked").inner_text()
    assert owner == f"被执行人：{DEBTOR}", owner
    assert_no_horizontal_scroll(page)
    shot(page, f"finding-02-prefilled-form-{name}")

    page.dblclick("#asset-register")  # a double click: two submissions of the same form, the first one aborted
    page.wait_for_url("**/cases/*/?tab=assets")
    page.wait_for_load_state()
    assert "财产已登记" in alerts(page) or "未重复登记" in alerts(page), alerts(page)
    assert Asset.objects.filter(case=case).count() == 1
    asset = Asset.objects.get(case=case)
    assert asset.source_action_id is not None and asset.account_number == ACCOUNT
    shot(page, f"finding-03-registered-{name}")

    page.goto(f"/cases/{case.pk}/")
    timeline = page.inner_text("#timeline")
    assert "已登记为财产" in timeline and page.locator("#timeline a.register-found").count() == 0
    assert_no_horizontal_scroll(page)
    shot(page, f"finding-04-timeline-registered-{name}")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_register_an_asset_from_a_network_query_finding(browser, live_server, org_committed, device):
    case = root_conftest.make_case.__wrapped__(org_committed)()
    options = PHONE_DEVICE if device == "phone" else {"viewport": DESKTOP}
    context = browser.new_context(**options, locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        _flow(page, case, device)
    finally:
        context.close()
