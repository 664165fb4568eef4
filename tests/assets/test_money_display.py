"""One money format on the pages (¥1,234,567.89, negative -¥1,234.00), over-collection (超额到账) flagged on the funds
tab and on finance's list with the surplus payout offered, and the distribution calculator taking Chinese names."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assets import selectors, services
from cases.models import CaseEvent
from tests.conftest import login

from .conftest import fund, prepare, respondent_of

pytestmark = pytest.mark.django_db

# An amount with two decimals not written ¥1,234.56 / -¥1,234.56: no ¥ in front, or no thousands separators.
BARE = re.compile(r"(?<![¥\d,.\-])-?\d[\d,]*\.\d{2}(?![\d%])")
UNGROUPED = re.compile(r"¥\d{4,}")
YUAN_AFTER = re.compile(r"\d\s*元")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def assert_one_money_format(page: str) -> None:
    text = visible_text(page)
    assert not BARE.findall(text), BARE.findall(text)
    assert not UNGROUPED.findall(text), UNGROUPED.findall(text)
    assert not YUAN_AFTER.findall(text), YUAN_AFTER.findall(text)


def test_money_filter_formats_negative_amounts():
    from django.template import Context, Template

    out = Template("{{ a|money }} {{ b|money }} {{ c|yuan }}").render(Context({
        "a": Decimal("-1234"), "b": Decimal("1234567.891"), "c": Decimal("1234.5")}))
    assert out == "-¥1,234.00 ¥1,234,567.89 1,234.50"


def test_pages_show_every_amount_in_one_format(org, case, client):
    fund(case, org.finance, "1234567.89")
    payout = prepare(case, org.officer, "1234.50")
    services.payout_approve(actor=org.finance, payout=payout)
    services.payout_execute(actor=org.finance, payout=payout)  # a negative ledger line: -¥1,234.50
    prepare(case, org.officer, "2000.00")
    login(client, org.finance)
    for url in (reverse("assets:case_funds", args=[case.pk]), reverse("cases:detail", args=[case.pk]) + "?tab=funds",
                reverse("cases:detail", args=[case.pk]), reverse("assets:payout_queue"),
                reverse("assets:funds_awaiting")):
        r = client.get(url)
        assert r.status_code == 200, url
        assert_one_money_format(r.content.decode())
    funds = visible_text(client.get(reverse("assets:case_funds", args=[case.pk])).content.decode())
    assert "-¥1,234.50" in funds and "¥1,234,567.89" in funds


def test_calculator_results_use_the_money_format(org, client):
    login(client, org.officer)
    r = client.post(reverse("assets:calculators"), {"calc": "fee", "fee-amount": "1234567.89"})
    text = visible_text(r.content.decode())
    assert "¥" in text
    assert not BARE.findall(text.split("计算器", 1)[-1]), BARE.findall(text)


# --- Over-collection (超额到账) -------------------------------------------------------------------------------------

def over_case(org, case):
    """Claim 100,000 with no delayed interest (performance due in the future); 103,000 received: the fee on
    100,000 (1,400.00, not withheld first: still owed by the debtor) leaves 1,600.00 over-collected."""
    case.basis_due_on = timezone.localdate() + timedelta(days=30)
    case.save(update_fields=["basis_due_on"])
    fund(case, org.finance, "60000.00", days_ago=3)
    entry = fund(case, org.finance, "43000.00", days_ago=1)
    case.refresh_from_db()
    return entry


def test_over_collection_flagged_on_the_funds_tab_and_the_surplus_payout_offered(org, case, make_case, client):
    within = make_case()
    fund(within, org.finance, "100000.00", days_ago=3)
    within.refresh_from_db()
    assert selectors.payout_limits(case=within).over_collected == 0
    login(client, org.officer)
    assert "over-collected" not in client.get(reverse("assets:case_funds", args=[within.pk])).content.decode()
    over_case(org, case)
    limits = selectors.payout_limits(case=case)
    assert limits.over_collected == Decimal("1600.00")  # 103,000 - 100,000 - fee 1,400
    page = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    flag = re.search(r'id="over-collected">(.*?)</div>', page, flags=re.S).group(1)
    amount = f"¥{limits.over_collected:,.2f}"
    assert f"超额到账{amount}，应退还被执行人" in visible_text(flag)
    assert 'id="over-collected-return"' in flag
    # Following the flag opens the payout form filled for the debtor with that amount.
    offer = client.get(reverse("assets:case_funds", args=[case.pk]) + "?surplus=1").content.decode()
    assert re.search(r'<option value="surplus" selected', offer)
    assert re.search(rf'<option value="{respondent_of(case).pk}" selected', offer)
    assert f'value="{limits.over_collected}"' in offer
    # Preparing that surplus payout takes the flag away.
    services.payout_prepare(actor=org.officer, case=case, payee=respondent_of(case), amount=limits.over_collected,
                            kind="surplus", payee_account_name="天水示例建材有限公司", payee_bank="中国银行",
                            payee_account_number="6217000000000000009")
    assert selectors.payout_limits(case=case).over_collected == 0
    assert 'id="over-collected"' not in client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()


def test_receipt_entry_warns_finance_and_records_the_over_collection(org, case, client):
    case.basis_due_on = timezone.localdate() + timedelta(days=30)
    case.save(update_fields=["basis_due_on"])
    fund(case, org.finance, "60000.00", days_ago=3)
    login(client, org.finance)
    r = client.post(reverse("assets:receipt_add", args=[case.pk]), {
        "receipt-kind": "debtor_payment", "receipt-amount": "43000.00",
        "receipt-occurred_on": str(case.filed_on), "receipt-payer": "天水示例建材有限公司"}, follow=True)
    assert r.status_code == 200
    case.refresh_from_db()
    over = selectors.payout_limits(case=case).over_collected
    assert over == Decimal("1600.00")
    shown = [str(m) for m in r.context["messages"]]
    assert any(f"超额到账¥{over:,.2f}" in m for m in shown), shown
    event = CaseEvent.objects.get(case=case, type="funds_over_collected")
    assert event.parameters["amount"] == str(over) and f"¥{over:,.2f}" in event.summary


def test_finance_list_filters_over_collected_cases(org, case, make_case, client):
    other = make_case()
    fund(other, org.finance, "5000.00", days_ago=2)  # within its claim
    over_case(org, case)
    login(client, org.finance)
    everything = client.get(reverse("assets:funds_awaiting")).content.decode()
    assert case.number in everything and other.number in everything
    assert everything.count('class="badge text-bg-warning over-collected"') == 2  # both receipts of the case
    only = client.get(reverse("assets:funds_awaiting") + "?over=1").content.decode()
    assert case.number in only and other.number not in only
    assert "超额到账" in only


def test_another_teams_officer_sees_no_over_collection_of_a_case_outside_their_scope(org, case, client):
    over_case(org, case)
    login(client, org.colleague)
    assert client.get(reverse("assets:case_funds", args=[case.pk])).status_code in (403, 404)
    r = client.get(reverse("assets:funds_awaiting") + "?over=1")
    assert r.status_code in (200, 403) and case.number not in r.content.decode()


# --- The distribution calculator: Chinese names and classes ----------------------------------------------------------

def calc(client, claims: str):
    return client.post(reverse("assets:calculators"), {
        "calc": "distribution", "dist-total": "100000", "dist-mode": "pro_rata", "dist-claims": claims})


def test_calculator_takes_chinese_classes_and_names(org, client):
    login(client, org.officer)
    r = calc(client, "张三, 60000, 0, 普通\n李四有限公司, 60000, 0, 抵押, 1")
    text = visible_text(r.content.decode())
    assert r.status_code == 200 and "张三" in text and "李四有限公司" in text
    result = text.split("债权人", 1)[-1]
    assert "担保物权" in result and "普通债权" in result  # the classes in Chinese, not their codes
    assert "secured" not in result and "ordinary" not in result
    # The secured claim is paid in full first; the ordinary one gets the rest.
    assert re.search(r"李四有限公司.*?¥60,000\.00", text, flags=re.S)
    assert re.search(r"张三.*?¥40,000\.00", text, flags=re.S)


def test_calculator_refuses_a_repeated_creditor_naming_the_line(org, client):
    login(client, org.officer)
    text = visible_text(calc(client, "张三, 1000\n李四, 1000\n张 三, 500").content.decode())
    assert "第3行" in text and "张 三" in text and "第1行" in text


def test_calculator_refuses_an_unknown_class_naming_the_line(org, client):
    login(client, org.officer)
    text = visible_text(calc(client, "张三, 1000, 0, 甲类").content.decode())
    assert "第1行" in text and "甲类" in text


def test_calculator_from_a_case_starts_with_its_applicants_by_name(org, case, client):
    login(client, org.officer)
    funds = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert f'{reverse("assets:calculators")}?case={case.pk}' in funds
    page = client.get(reverse("assets:calculators") + f"?case={case.pk}").content.decode()
    assert re.search(r'<textarea name="dist-claims"[^>]*>\s*张三, </textarea>', page)
    login(client, org.outsider)
    assert client.get(reverse("assets:calculators") + f"?case={case.pk}").status_code in (403, 404)
