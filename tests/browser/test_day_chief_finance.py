"""The case-fund manager's and the division chief's day at a desk, in a real browser.

Finance approves the payout an officer prepared (never their own: separation of duties) and pays it; a payout at or
above the court's ``payout_chief_threshold`` is refused to finance and approved by the chief. The chief returns a 终本
closure request whose checklist shows a condition not met, approves a complete one, opens the dashboard and the
weekly report, and exports a table to Excel. Each step checks what the person sees and is screenshotted."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import alerts, flat, go_nav, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK_TYPES = ("bank_deposit", "real_estate", "vehicle", "securities", "equity", "online_funds", "housing_fund",
                 "insurance", "wealth_products", "ships")


@dataclass
class Desk:
    small: object  # case with a prepared payout below the threshold
    large: object  # case with a prepared payout at or above it
    complete: object  # 终本 requested, every condition met
    lacking: object  # 终本 requested, the respondent not put on the dishonest list
    small_payout: object
    large_payout: object


def _last_week_day() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday() + 5)  # the Wednesday of last week


def _zhongben_ready(org, case, *, dishonest: bool) -> None:
    """Everything an officer does before asking for 终本 (ZB-2016 art 1), recorded through the services."""
    from cases.services import action_log

    respondents = [cp.pk for cp in case.case_parties.filter(role="respondent")]
    today = timezone.localdate()
    day = today - timedelta(days=20)

    def log(kind, details, on=day):
        action_log(actor=org.officer, case=case, kind=kind, occurred_on=on, details=details)

    log("notice_served", {"documents": ["enforcement_notice", "asset_report_order"], "method": "direct",
                          "recipient": "周建平", "served_on": date(2026, 3, 6).isoformat()}, on=date(2026, 3, 6))
    log("consumption_restriction", {"party_ids": respondents, "measure": "impose", "order_number": "（2026）限1号"},
        on=date(2026, 3, 20))
    if dishonest:
        log("dishonest_listing", {"party_ids": respondents, "measure": "list", "ground": "asset_report_breach"},
            on=date(2026, 4, 2))
    log("network_query", {"system": "national", "subject": "天水示例建材有限公司",
                          **{f"result_{k}": "none" for k in NETWORK_TYPES}})
    log("onsite_investigation", {"place": "甘肃省天水市麦积区马跑泉路8号", "findings": "厂房已停产，无可供执行财产"})
    log("applicant_interview", {"applicant": "张三", "informed_of_closure": "on",
                                "applicant_view": "同意终结本次执行程序，发现财产后申请恢复执行"}, on=today - timedelta(days=3))


@pytest.fixture
def desk(org_committed):
    from assets.services import payout_prepare, receipt_record
    from cases.services import closure_request
    from reports.services import rollup_refresh

    org = org_committed
    make_case = root_conftest.make_case.__wrapped__(org)
    filed = _last_week_day()
    week = dict(received_on=filed, filed_on=filed, basis_effective_on=date(2026, 8, 1), basis_due_on=date(2026, 8, 15))
    small, large = make_case(principal="60000.00", **week), make_case(principal="400000.00", **week)
    payouts = []
    for case, amount in ((small, Decimal("48000.00")), (large, Decimal("150000.00"))):
        receipt_record(actor=org.finance, case=case, kind="bank_deduction", amount=amount, occurred_on=filed,
                       payer="中国工商银行天水分行", reference=f"KK{case.pk:06d}")
        payee = case.case_parties.get(role="applicant")
        payouts.append(payout_prepare(actor=org.officer, case=case, payee=payee, amount=amount,
                                      payee_account_name="张三", payee_bank="甘肃银行天水麦积支行",
                                      payee_account_number="6228480869123456789"))
    complete, lacking = make_case(), make_case(principal="250000.00")
    _zhongben_ready(org, complete, dishonest=True)
    _zhongben_ready(org, lacking, dishonest=False)
    for case in (complete, lacking):
        closure_request(actor=org.officer, case=case, mode="terminated_round",
                        reason="经网络查控及现场调查，被执行人暂无可供执行财产，申请人同意终本")
    rollup_refresh(court_ids=[org.court.pk])
    return Desk(small, large, complete, lacking, *payouts)


def test_finance_approves_and_pays_a_payout(new_page, org_committed, desk):
    page = new_page(DESKTOP)
    sign_in(page, "finance", PASSWORD)
    go_nav(page, "cases:approvals")
    with page.expect_navigation():
        page.click("#payout-queue-link")
    small, large = page.locator(f"#payout-{desk.small_payout.pk}"), page.locator(f"#payout-{desk.large_payout.pk}")
    assert desk.small.number in small.inner_text() and "¥48,000.00" in small.inner_text()
    assert "郑强" in small.inner_text()  # prepared by the officer, so finance may approve
    shot(page, "finance-01-payout-queue")

    with page.expect_navigation():
        small.locator("form[action$='/approve/'] button").click()
    assert "已审批同意" in alerts(page), alerts(page)
    small = page.locator(f"#payout-{desk.small_payout.pk}")
    assert "赵红梅" in small.inner_text()  # approved by finance
    shot(page, "finance-02-payout-approved")

    # 150,000 yuan is at or above the court's payout_chief_threshold: only the chief may approve it.
    with page.expect_navigation():
        page.locator(f"#payout-{desk.large_payout.pk} form[action$='/approve/'] button").click()
    message = alerts(page)
    assert "¥100,000.00" in message and "执行局长" in message, message
    assert page.locator(f"#payout-{desk.large_payout.pk} form[action$='/approve/']").count() == 1  # still waiting
    shot(page, "finance-03-large-payout-refused")

    # Paying cannot be undone: "发放" opens a confirmation naming the amount and the payee; the box must be ticked.
    with page.expect_navigation():
        page.locator(f"#payout-{desk.small_payout.pk} a.payout-pay").click()
    confirm = page.inner_text("#payout-confirm-form")
    assert "48,000.00" in confirm and "张三" in confirm, confirm
    shot(page, "finance-03b-payout-confirmation")
    page.check("#id_confirm")
    with page.expect_navigation():
        page.locator("#payout-confirm-form button").click()
    assert "案款已发放" in alerts(page), alerts(page)
    assert page.locator(f"#payout-{desk.small_payout.pk}").count() == 0  # paid: off the queue
    page.goto(f"/cases/{desk.small.pk}/?tab=funds")
    funds = page.inner_text("#tabpane-funds")
    assert page.inner_text("#funds-balance") == "¥0.00"
    assert "郑强" in funds and "赵红梅" in funds
    shot(page, "finance-04-case-funds-paid-out")


def test_chief_reviews_closures_payouts_and_figures(new_page, org_committed, desk):
    from reports.services import weekly_reports_generate

    weekly_reports_generate()  # Monday 07:00: last week's report (the beat job), before the chief's day starts
    page = new_page(DESKTOP)
    sign_in(page, "chief", PASSWORD)

    # Closure requests: the checklist stored with each request shows what was and was not met.
    go_nav(page, "cases:approvals")
    lacking = page.locator(".closure-card", has_text=desk.lacking.number)
    complete = page.locator(".closure-card", has_text=desk.complete.number)
    lacking_text = lacking.inner_text()
    assert "终结本次执行程序" in lacking_text, lacking_text
    missing = [line for line in lacking_text.splitlines() if "失信" in line]
    assert missing and missing[0].startswith("•") and "天水示例建材有限公司" in missing[0], lacking_text
    assert all(not line.startswith("•") for line in complete.inner_text().splitlines() if "失信" in line)
    shot(page, "chief-01-closure-requests")

    lacking.locator("input[name=return_reason]").fill("被执行人违反报告财产义务，符合纳入失信名单条件，请先纳入后再报终本")
    with page.expect_navigation():
        lacking.locator("button", has_text="退回").click()
    assert "已退回承办人" in alerts(page)
    assert page.locator(".closure-card", has_text=desk.lacking.number).count() == 0
    with page.expect_navigation():
        page.locator(".closure-card", has_text=desk.complete.number).locator("button", has_text="批准").click()
    assert f"已批准：{desk.complete.number}已结案" in alerts(page)
    assert page.locator(".closure-card").count() == 0
    shot(page, "chief-02-closures-decided")

    page.goto(f"/cases/{desk.complete.pk}/")
    assert "终结本次执行程序" in page.inner_text(".case-summary")  # the closure mode, shown once the case is closed
    page.goto(f"/cases/{desk.lacking.pk}/?tab=closures")
    assert "符合纳入失信名单条件" in page.inner_text("#tabpane-closures")
    shot(page, "chief-03-returned-request-on-case")

    # The payout finance could not approve.
    go_nav(page, "cases:approvals")
    with page.expect_navigation():
        page.click("#payout-queue-link")
    with page.expect_navigation():
        page.locator(f"#payout-{desk.large_payout.pk} form[action$='/approve/'] button").click()
    assert "王建国" in page.inner_text(f"#payout-{desk.large_payout.pk}")
    shot(page, "chief-04-large-payout-approved")

    # The dashboard: last week's figures; two cases were filed last week.
    go_nav(page, "reports:dashboard")
    received = page.inner_text("#headline-table tr[data-kpi=received] .kpi-current").strip()
    assert received == "2", received
    axis = page.locator("#trend-chart svg text[text-anchor=end]").all_text_contents()
    assert len(axis) == 5 and len(set(axis)) == 5, axis  # the count axis reads 4, 3, 2, 1, 0 - no repeated labels
    team_table = page.locator("#table-team")
    assert "执行实施一组" in team_table.inner_text()
    shot(page, "chief-05-dashboard")

    # Export the team table to Excel and check the figure against the page.
    with page.expect_download() as info:
        team_table.locator("a", has_text="Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and any(isinstance(v, str) and "新收" in v for v in r))
    col = next(i for i, v in enumerate(header) if isinstance(v, str) and "新收" in v)
    team_row = next(r for r in rows if r and r[0] == "执行实施一组")
    assert team_row[col] == 2, (header, team_row)

    # The weekly report generated this morning, on screen and as the PDF that was e-mailed.
    go_nav(page, "reports:weekly_list")
    snapshots = page.inner_text("#snapshot-table")
    assert org_committed.court.name in snapshots
    shot(page, "chief-06-weekly-reports")
    with page.expect_navigation():
        page.locator("#snapshot-table tbody a").first.click()
    report = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "新收" in report
    shot(page, "chief-07-weekly-report")
    page.go_back()
    with page.expect_download() as info:
        page.locator("#snapshot-table a", has_text="PDF").first.click()
    text = flat(pdf_text(open(info.value.path(), "rb").read()))
    assert flat(org_committed.court.name) in text and "新收" in text
