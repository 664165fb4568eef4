"""Finance starts a payout from a case's ledger: "发放" by the balance opens the payout form for that case, filled in;
the payout limits still apply and someone else approves (issue 19, "It is quick to work with")."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assets import services
from assets.models import Payout, PayoutStatus

from .conftest import applicant_of, fund


def test_ledger_shows_pay_and_opens_the_form_filled_in(client, org, case):
    fund(case, org.finance, "30000.00")
    client.force_login(org.finance)
    html = client.get(reverse("assets:case_funds", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    url = reverse("assets:payout_prepare", args=[case.pk])
    assert f'id="payout-start" href="{url}#payout-prepare"' in html and ">发放</a>" in html
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.number in html
    assert '<details class="card card-body" open id="payout-prepare">' in html
    payee = applicant_of(case)
    assert f'<option value="{payee.pk}" selected>' in html
    assert 'value="张三"' in html  # the account name: the payee's name
    assert 'value="30000.00"' in html  # what may be paid now


def test_finance_prepares_within_the_limits_and_cannot_approve_it(client, org, case):
    fund(case, org.finance, "30000.00")
    client.force_login(org.finance)
    url = reverse("assets:payout_prepare", args=[case.pk])
    body = {"payout-kind": "applicant", "payout-payee": applicant_of(case).pk, "payout-payee_account_name": "张三",
            "payout-payee_bank": "中国建设银行天水分行", "payout-payee_account_number": "6217000000000000001"}
    too_much = client.post(url, {**body, "payout-amount": "30000.01", "payout-idempotency_key": "a1"})
    assert too_much.status_code == 400 and not Payout.objects.exists()
    ok = client.post(url, {**body, "payout-amount": "30000.00", "payout-idempotency_key": "a2"})
    assert ok.status_code == 302, ok.content.decode()[:2000]
    payout = Payout.objects.get()
    assert payout.prepared_by == org.finance and payout.amount == Decimal("30000.00")
    with pytest.raises((ValidationError, PermissionDenied)):
        services.payout_approve(actor=org.finance, payout=payout)  # four eyes
    services.payout_approve(actor=org.chief, payout=payout)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.APPROVED


def test_no_pay_button_without_money_or_permission(client, org, case, make_case):
    client.force_login(org.finance)
    html = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert 'id="payout-start"' not in html  # nothing to pay
    fund(case, org.finance, "100.00")
    client.force_login(org.clerk)  # may see the case, may not prepare payouts
    assert 'id="payout-start"' not in client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert client.get(reverse("assets:payout_prepare", args=[case.pk])).status_code == 403
    other = make_case(court=org.other_court)
    client.force_login(org.finance)  # another court's case
    assert client.get(reverse("assets:payout_prepare", args=[other.pk])).status_code == 404
