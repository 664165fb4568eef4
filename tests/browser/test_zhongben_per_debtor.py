"""The 终本 closure page shows the conditions per respondent, one card each, readable on a desk and on a phone: the
officer sees which respondent lacks what, and the request is refused naming that respondent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import PHONE_DEVICE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = "天水示例建材有限公司"
PERSON = "李四"


@pytest.fixture
def case(org_committed):
    from cases.services import PartyInput, action_log, case_register

    org = org_committed
    today = timezone.localdate()
    filed = today - timedelta(days=125)
    case = case_register(
        actor=org.clerk, court=org.court, team=org.team, officer=org.officer, case_type="执",
        received_on=filed - timedelta(days=2), filed_on=filed, basis_kind="judgment",
        basis_issuer="天水市麦积区人民法院", basis_number="（2025）甘0503民初456号",
        basis_effective_on=filed - timedelta(days=60), basis_due_on=filed - timedelta(days=30),
        principal=__import__("decimal").Decimal("100000.00"),
        parties=[PartyInput(role="applicant", kind="person", name="张三"),
                 PartyInput(role="respondent", kind="legal_person", name=COMPANY),
                 PartyInput(role="respondent", kind="person", name=PERSON)])

    def log(kind, details):
        action_log(actor=org.officer, case=case, kind=kind, occurred_on=today - timedelta(days=3), details=details)

    results = {f"result_{k}": "none" for k in ("bank_deposit", "real_estate", "vehicle", "securities", "equity",
                                               "online_funds", "housing_fund", "insurance", "wealth_products",
                                               "ships")}
    log("notice_served", {"documents": ["enforcement_notice", "asset_report_order"], "method": "direct",
                          "recipient": f"{COMPANY}、{PERSON}", "served_on": str(filed)})
    log("network_query", {"system": "national", "subject": COMPANY, **results})  # 李四 not queried
    log("consumption_restriction", {"party_ids": [cp.pk for cp in case.case_parties.filter(role="respondent")],
                                    "measure": "impose"})
    log("onsite_investigation", {"place": "马跑泉路8号", "findings": "无可供执行财产"})
    log("applicant_interview", {"applicant": "张三", "informed_of_closure": True, "applicant_view": "同意终本"})
    return case


def _check(page, case, name):
    page.goto(f"/cases/{case.pk}/closure/")
    # The mode shown is the one whose checklist is listed (终本 for an enforcement case).
    assert page.locator("#id_mode option:checked").inner_text() == "终结本次执行程序"
    cards = page.locator(".debtor-checklist section")
    assert cards.count() == 2
    company, person = cards.nth(0).inner_text(), cards.nth(1).inner_text()
    assert f"被执行人 {COMPANY}" in company and "条件均已满足" in company, company
    assert f"被执行人 {PERSON}" in person and "条件未满足" in person and "3个月内未经总对总查询" in person, person
    assert "张三" not in page.locator(".debtor-checklist").inner_text()
    shot(page, name)


def test_closure_page_per_debtor_on_desk_and_phone(browser, new_page, live_server, case):
    page = new_page(DESKTOP)
    sign_in(page, "officer", PASSWORD)
    _check(page, case, "zhongben-01-per-debtor-desk")
    page.fill("#id_reason", "穷尽财产调查措施，未发现可供执行财产")
    with page.expect_navigation():
        page.click("#closure-form button.btn-danger")
    errors = page.inner_text("#closure-form")
    assert f"被执行人 {PERSON}：3个月内未经总对总查询" in errors, errors
    shot(page, "zhongben-02-refused-naming-the-debtor")

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE_DEVICE)
    try:
        phone = context.new_page()
        sign_in(phone, "officer", PASSWORD)
        _check(phone, case, "zhongben-03-per-debtor-phone")
        assert_no_horizontal_scroll(phone)
    finally:
        context.close()
