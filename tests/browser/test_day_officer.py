"""An enforcement officer's day on a phone (390×844, touch): my deadlines, a case, a network query (网络查控), a bank
account frozen and a vehicle seized, an applicant's lead followed up, a payout prepared. Every page must fit the phone's
width (no sideways scrolling); each step checks what the officer sees and is screenshotted."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import shot, sign_in
from .days import PHONE_DEVICE, alerts, assert_no_horizontal_scroll, go_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEBTOR = "天水示例建材有限公司"
LEAD = "申请人来电：被执行人在麦积区花牛苹果市场有一处仓库，存有钢材"


@pytest.fixture
def officer_case(org_committed):
    """What is already there when the officer starts: a case of the officer's team with money received on its account
    (recorded by finance), an applicant's lead the clerk logged yesterday, and the deadlines computed."""
    from assets.services import receipt_record
    from cases.services import lead_register
    from deadlines import engine

    org = org_committed
    case = root_conftest.make_case.__wrapped__(org)()
    today = timezone.localdate()
    receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("48000.00"),
                   occurred_on=today - timedelta(days=2), payer=DEBTOR, reference="TS20261121-0087")
    lead_register(actor=org.clerk, case=case, description=LEAD, source="applicant",
                  received_at=timezone.now() - timedelta(days=1))
    engine.recompute(wait=True)
    return case


def _phone_check(page, name: str) -> None:
    assert_no_horizontal_scroll(page)
    shot(page, name)


def _open_tab(page, key: str) -> None:
    with page.expect_navigation():
        page.click(f"#tab-{key}")
    assert_no_horizontal_scroll(page)


def _register_asset(page, *, kind: str, description: str, fields: dict[str, str]) -> None:
    page.click("#asset-add summary")
    page.select_option("#id_asset-owner", label=f"被执行人：{DEBTOR}")
    page.select_option("#id_asset-kind", kind)
    page.fill("#id_asset-description", description)
    for name, value in fields.items():
        page.fill(f"#id_asset-{name}", value)
    page.select_option("#id_asset-source", "network_query")
    with page.expect_navigation():
        page.click("#asset-add button")
    assert "财产已登记" in alerts(page), alerts(page)


def _order_control(page, description: str, *, kind: str, ruling: str, body: str, amount: str = "") -> str:
    card = page.locator(".asset-card", has_text=description)
    card.locator("details.asset-action summary").first.click()
    form = card.locator("form[action*='/control/']")
    form.locator("[name$='-kind']").select_option(kind)
    form.locator("[name$='-ruling_number']").fill(ruling)
    form.locator("[name$='-assisting_body']").fill(body)
    form.locator("[name$='-effective_on']").fill(timezone.localdate().isoformat())
    if amount:
        form.locator("[name$='-amount']").fill(amount)
    with page.expect_navigation():
        form.locator("button").click()
    assert "控制措施已登记" in alerts(page), alerts(page)
    return page.locator(".asset-card", has_text=description).inner_text()


def test_officer_day_on_a_phone(browser, live_server, officer_case, org_committed):
    context = browser.new_context(**PHONE_DEVICE, locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        _day(page, officer_case)
    finally:
        context.close()


def _day(page, case) -> None:
    sign_in(page, "officer", PASSWORD)
    _phone_check(page, "officer-01-home-phone")

    # 1. My deadlines: the case's lead check is there, with the case number to open.
    go_nav(page, "deadlines:mine")
    assert page.inner_text("h1") == "我的期限"
    table = page.inner_text("#dl-list")
    assert case.number in table
    assert "线索" in table  # the lead must be checked within 7 days
    _phone_check(page, "officer-02-my-deadlines")

    # 2. Open the case from the deadline list.
    with page.expect_navigation():
        page.locator("#dl-list a", has_text=case.number).first.click()
    assert page.inner_text("#case-number") == case.number
    assert DEBTOR in page.inner_text("#parties")
    _phone_check(page, "officer-03-case")

    # 3. A network query (网络查控) of the national system: deposits and a vehicle found.
    with page.expect_navigation():
        page.click("#log-action")
    page.select_option("#id_kind", "network_query")
    page.wait_for_selector(".action-details[data-kind='network_query']")
    page.select_option("#id_d-system", "national")
    page.fill("#id_d-subject", DEBTOR)
    page.select_option("#id_d-result_bank_deposit", "found")
    page.select_option("#id_d-result_vehicle", "found")
    page.fill("#id_d-note", "工商银行天水分行账户存款约6万元；甘E·3K527重型货车一辆")
    _phone_check(page, "officer-04-network-query-form")
    with page.expect_navigation():
        page.click("#action-form button[type=submit]:not([name=refresh])")
    assert "已记录" in alerts(page)
    timeline = page.inner_text("#timeline")
    assert DEBTOR in timeline and "存款" in timeline and "车辆" in timeline, timeline
    _phone_check(page, "officer-05-network-query-recorded")

    # 4. The bank account found is registered as an asset and frozen.
    _open_tab(page, "assets")
    _register_asset(page, kind="bank_deposit", description="工商银行天水分行对公账户",
                    fields={"bank_name": "中国工商银行天水分行", "account_number": "2705020119024567891",
                            "estimated_value": "60000.00"})
    frozen = _order_control(page, "工商银行天水分行对公账户", kind="freeze", ruling="（2026）甘0503执1号之一",
                            body="中国工商银行天水分行", amount="60000.00")
    assert "冻结" in frozen and "（2026）甘0503执1号之一" in frozen
    assert "2705020119024567891" in frozen
    today = timezone.localdate()
    # A deposit freeze lasts one year (CPL-I art 485); the court counts the term from the day after service.
    assert f"{today.isoformat()} → {today.replace(year=today.year + 1).isoformat()}" in frozen, frozen
    # On the phone the measures table scrolls inside its box; its headings are not squeezed to a character a line.
    heading = page.locator(".asset-card th", has_text="协助执行单位").first
    assert heading.evaluate("e => e.getBoundingClientRect().height") < 40
    _phone_check(page, "officer-06-account-frozen")

    # 5. The lorry is registered and seized (查封).
    _register_asset(page, kind="vehicle", description="重型货车 甘E·3K527",
                    fields={"plate_number": "甘E·3K527", "location": "麦积区社棠工业园", "estimated_value": "180000.00"})
    seized = _order_control(page, "重型货车 甘E·3K527", kind="seizure", ruling="（2026）甘0503执1号之二",
                            body="天水市公安局交通警察支队车辆管理所")
    assert "查封" in seized and "甘E·3K527" in seized
    _phone_check(page, "officer-07-vehicle-seized")

    # 6. The applicant's lead: the officer records what was done about it.
    _open_tab(page, "followups")
    assert LEAD in page.inner_text("#tabpane-followups")
    with page.expect_navigation():
        page.locator("#tabpane-followups a[href*='/leads/']").first.click()
    page.select_option("#id_outcome", "confirmed")
    page.fill("#id_result", "已到花牛苹果市场仓库现场调查，钢材约20吨，已拍照固定，拟查封")
    _phone_check(page, "officer-08-lead-follow-up-form")
    with page.expect_navigation():
        page.click("form.narrow-form button[type=submit]")
    assert "线索已处理" in alerts(page)
    _open_tab(page, "followups")
    followups = page.inner_text("#tabpane-followups")
    assert "✔" in followups and "钢材约20吨" in followups
    _phone_check(page, "officer-09-lead-handled")

    # 7. The money received is paid out to the applicant: the officer prepares the payout.
    _open_tab(page, "funds")
    assert page.inner_text("#funds-balance") == "¥48,000.00"
    page.locator(".funds-tab details summary", has_text="申请发放案款").click()
    page.select_option("#id_payout-payee", label="张三")
    page.fill("#id_payout-amount", "48000.00")
    page.fill("#id_payout-payee_account_name", "张三")
    page.fill("#id_payout-payee_bank", "甘肃银行天水麦积支行")
    page.fill("#id_payout-payee_account_number", "6228480869123456789")
    _phone_check(page, "officer-10-payout-form")
    with page.expect_navigation():
        page.locator("form[action*='/funds/payout/'] button").click()
    assert "等待审批" in alerts(page), alerts(page)
    payouts = page.locator(".funds-tab table").nth(1).inner_text()
    assert "张三" in payouts and "48,000.00" in payouts and "郑强" in payouts
    _phone_check(page, "officer-11-payout-prepared")
