"""The funds tab's figures (QA walk): one computation for the cards and the payout-limit box, 未发放到账款 never
above the balance, reversed entries labelled as such, no second reversal of a receipt already awaiting one, the
override message naming the check box by its label, one money format, check boxes beside their labels."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from assets import selectors, services
from tests.conftest import login, make_user

from .conftest import applicant_of, fund, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance2(org):
    return make_user("finance2", org.court, [Role.FINANCE], full_name="钱芳")


def funds_page(client, case) -> str:
    r = client.get(reverse("assets:case_funds", args=[case.pk]))
    assert r.status_code == 200
    return r.content.decode()


def card(page: str, dom_id: str) -> str:
    return re.search(rf'id="{dom_id}">([^<]*)<', page).group(1)


def test_available_card_deducts_pending_reversals_and_open_payouts(org, case, client):
    fund(case, org.finance, "3277.60", days_ago=5)
    big = fund(case, org.finance, "60000.00", days_ago=4)
    services.entry_reverse(actor=org.finance, entry=big, reason="错案")  # 60000 >= threshold: pending
    prepare(case, org.officer, "1000.00")
    limits = selectors.payout_limits(case=case)
    summary = selectors.case_funds_summary(case=case)
    assert summary.available == limits.free == Decimal("2277.60")
    assert (summary.held, summary.reserved) == (Decimal("60000.00"), Decimal("1000.00"))
    login(client, org.finance)
    page = funds_page(client, case)
    assert card(page, "funds-available") == "¥2,277.60"  # was ¥62,277.60 (balance less open payouts only)
    limit_now = re.search(r'id="payout-limit-now">(.*?)</div>', page).group(1)
    assert "¥2,277.60" in limit_now  # the limit box and the card agree
    assert "待复核冲正¥60,000.00" in page


def test_awaiting_never_exceeds_the_balance_and_is_labelled_apart_from_open_payouts(org, case, client):
    fund(case, org.finance, "8194.00", days_ago=5)
    payout = prepare(case, org.officer, "2000.00")
    services.payout_approve(actor=org.finance, payout=payout)
    services.payout_execute(actor=org.finance, payout=payout)
    summary = selectors.case_funds_summary(case=case)
    assert summary.balance == Decimal("6194.00")
    assert summary.awaiting == Decimal("6194.00")  # was 8194.00: the partly paid receipt counted whole
    login(client, org.finance)
    page = funds_page(client, case)
    assert card(page, "funds-awaiting") == "¥6,194.00"
    assert "未发放到账款" in page and "审批中/待支付的发放" in page


def test_reversed_receipt_and_its_reversal_read_reversed_not_paid_out(org, case, client):
    entry = fund(case, org.finance, "800.00")
    services.entry_reverse(actor=org.finance, entry=entry, reason="录错")
    login(client, org.finance)
    page = funds_page(client, case)
    assert page.count("已冲正") >= 2
    assert not re.search(r"已发放 \d{4}-\d{2}-\d{2}", page)  # was "已发放 <reversal date>"


def test_receipt_with_a_pending_reversal_offers_no_second_reversal_and_the_error_names_the_reason(
        org, case, client, finance2):
    entry = fund(case, org.finance, "90000.00")
    services.entry_reverse(actor=org.finance, entry=entry, reason="对方撤回")
    login(client, finance2)
    url = reverse("assets:entry_reverse", args=[entry.pk])
    page = funds_page(client, case)
    assert f'action="{url}"' not in page and "冲正待复核" in page
    r = client.post(url, {"reverse-reason": "再次申请", "reverse-form_token": "tok-x"})
    assert r.status_code == 400
    assert "该笔记录已有待复核的冲正申请。" in r.content.decode()  # was only "请更正以下错误。"


def test_wrong_account_name_message_names_the_check_box_by_its_label(org, case):
    fund(case, org.finance, "5000.00")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.payout_prepare(actor=org.officer, case=case, payee=applicant_of(case), amount=Decimal("100.00"),
                                payee_account_name="李四", payee_bank="中国建设银行天水分行",
                                payee_account_number="6217000000000000001")
        raise AssertionError("not refused")
    message = " ".join(exc.value.message_dict["payee_account_name"])
    assert "“收款账户名与收款人姓名（名称）不一致”" in message and "“账户名不一致”" not in message


def test_every_amount_uses_the_money_format(org, case, client):
    entry = fund(case, org.finance, "1234567.89")
    payout = prepare(case, org.officer, "1234.50")
    login(client, org.finance)
    page = funds_page(client, case)
    assert card(page, "funds-balance") == "¥1,234,567.89"
    assert "1,234,567.89" in page and "1,234.50" in page and "1234567.89" not in page
    queue = client.get(reverse("assets:payout_queue")).content.decode()
    assert "¥1,234.50" in queue
    r = client.post(reverse("assets:entry_reverse", args=[entry.pk]), {"reverse-reason": "录错"})
    assert "¥1,234,567.89" in r.content.decode()
    services.payout_approve(actor=org.finance, payout=payout)
    confirm = client.get(reverse("assets:payout_confirm", args=[payout.pk])).content.decode()
    assert "¥1,234.50" in confirm and "¥1234.50" not in confirm


def test_check_boxes_use_bootstrap_form_check_markup(org, case, client):
    login(client, org.finance)
    page = funds_page(client, case)
    assert re.search(r'<input type="checkbox" name="receipt-duplicate_confirmed"[^>]*class="form-check-input', page)
    login(client, org.officer)
    page = funds_page(client, case)
    assert re.search(r'<input type="checkbox" name="payout-name_override"[^>]*class="form-check-input', page)
