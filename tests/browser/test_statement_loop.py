"""Money in, end to end in a real browser: finance imports a small CSV statement, sees the automatic matches and
confirms them in one click; an officer claims the unidentified line for their case on a 390 px phone; finance
confirms the claim; the case's ledger shows the three receipts. Screenshots at 1366 and 390 px."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_import_match_claim_confirm(org_committed, new_page, tmp_path):
    from assets.models import LedgerEntry
    from statements.models import Claim, Statement, StatementLine
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    csv = tmp_path / "icbc.csv"
    csv.write_text(
        "交易日期,贷方发生额,借方发生额,对方户名,对方账号,摘要,流水号,子账号\n"
        f"{day},1200.00,,天水示例建材有限公司,6222000011112222,还款,LOOP001,{case.account_reference}\n"
        f"{day},800.00,,天水某某商贸有限公司,6222000033334444,代付{case.number.replace('（', '(').replace('）', ')')}"
        "执行款,LOOP002,\n"
        f"{day},500.00,,李某某,6222000055556666,货款,LOOP003,\n", encoding="utf-8")

    finance = new_page(DESKTOP)
    sign_in(finance, "finance", PASSWORD)
    finance.goto("/statements/upload/")
    finance.set_input_files("#statement-upload-form input[type=file]", str(csv))
    with finance.expect_navigation():
        finance.click("#statement-upload-form button[type=submit]")
    statement = Statement.objects.get()
    finance.goto(f"/statements/matching/?statement={statement.pk}")
    rows = finance.locator("#proposed tbody tr")
    assert rows.count() == 2
    text = finance.locator("#proposed").inner_text()
    assert case.number in text and "100" in text and "90" in text
    shot(finance, "statement-loop-matches-1366")
    finance.click("#confirm-confident")
    finance.wait_for_selector(".alert-success")
    assert StatementLine.objects.filter(status="posted").count() == 2
    assert LedgerEntry.objects.filter(case=case).count() == 2

    officer = new_page(PHONE, is_mobile=True)
    sign_in(officer, "officer", PASSWORD)
    officer.goto("/statements/unidentified/")
    line = StatementLine.objects.get(bank_reference="LOOP003")
    row = officer.locator(f"#uline-{line.pk}")
    assert "500.00" in row.inner_text()
    row.locator("summary").click()
    row.locator("input[name=case_number]").fill(case.number)
    row.locator("textarea[name=reason]").fill("李某某系被执行人法定代表人的亲属，来电说明代为付款")
    assert no_sideways_scroll(officer)
    shot(officer, "statement-loop-claim-390")
    with officer.expect_navigation():
        row.locator("button[type=submit]").click()
    assert "等待财务确认" in officer.locator(".alert-success").inner_text()
    assert Claim.objects.get().status == "pending"
    assert no_sideways_scroll(officer)
    shot(officer, "statement-loop-claimed-390")

    finance.goto("/statements/claims/")
    assert case.number in finance.locator("#claims").inner_text()
    shot(finance, "statement-loop-claims-1366")
    with finance.expect_navigation():
        finance.locator("#claims button[value=confirm]").click()
    assert Claim.objects.get().status == "confirmed"
    finance.goto(f"/assets/case/{case.pk}/funds/")
    assert finance.inner_text("#funds-balance") == "¥2,500.00"
    ledger = finance.locator("#ledger").inner_text()
    assert "LOOP003" in ledger or "500.00" in ledger
    shot(finance, "statement-loop-ledger-1366")
    assert sorted(LedgerEntry.objects.filter(case=case).values_list("amount", flat=True)) == [
        Decimal("500.00"), Decimal("800.00"), Decimal("1200.00")]

    phone_finance = new_page(PHONE, is_mobile=True)
    sign_in(phone_finance, "finance", PASSWORD)
    phone_finance.goto(f"/statements/matching/?statement={statement.pk}")
    assert no_sideways_scroll(phone_finance)
    shot(phone_finance, "statement-loop-matches-390")
