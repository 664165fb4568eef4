import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import ApiToken
from assets.models import EntryKind, LedgerEntry, Payout, PayoutStatus

from .conftest import applicant_of, fund, prepare, respondent_of


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_asset_and_control_resources(org, case, today, django_assert_max_num_queries):
    api = api_for(org.officer)
    r = api.post("/api/v1/assets/", {"case": case.pk, "owner": respondent_of(case).pk, "kind": "real_estate",
                                     "description": "麦积区商埠路12号", "source": "lead",
                                     "certificate_number": "甘（2020）麦积区不动产权第0001234号",
                                     "estimated_value": "650000.00"}, format="json")
    assert r.status_code == 201, r.json()
    asset_id = r.json()["id"]
    assert r.json()["estimated_value"] == "650000.00"
    r = api.post("/api/v1/control-measures/", {"asset": asset_id, "kind": "seizure", "ordered_on": str(today),
                                               "ruling_number": "（2026）甘0503执1号之一",
                                               "assisting_body": "天水市麦积区不动产登记中心"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "active"
    control_id = r.json()["id"]
    r = api.post(f"/api/v1/control-measures/{control_id}/release/", {"released_on": str(today), "ground": "nope"},
                 format="json")
    assert r.status_code == 400 and "ground" in r.json()
    with django_assert_max_num_queries(10):
        r = api.get(f"/api/v1/assets/?case={case.pk}")
    assert r.json()["count"] == 1 and r.json()["results"][0]["controls"][0]["id"] == control_id
    assert api.get("/api/v1/control-measures/?expiring_within=5000").json()["count"] == 1


def test_api_refuses_outsiders_and_other_teams(org, case, deposit):
    for user in (org.outsider, org.colleague):
        api = api_for(user)
        assert api.get(f"/api/v1/assets/{deposit.pk}/").status_code == 404
        r = api.post("/api/v1/control-measures/", {"asset": deposit.pk, "kind": "freeze", "ordered_on": "2026-05-01",
                                                   "ruling_number": "x", "assisting_body": "y"}, format="json")
        assert r.status_code == 404
        assert api.get(f"/api/v1/case-funds/{case.pk}/").status_code == 404
    assert api_for(org.clerk).post("/api/v1/ledger-entries/", {
        "case": case.pk, "kind": "debtor_payment", "amount": "10.00", "occurred_on": "2026-05-01"},
        format="json").status_code == 403


def test_receipt_reversal_and_funds_summary(org, case, today):
    api = api_for(org.finance)
    r = api.post("/api/v1/ledger-entries/", {"case": case.pk, "kind": "bank_deduction", "amount": "8000.00",
                                             "occurred_on": str(today)}, format="json")
    assert r.status_code == 201 and r.json()["signed_amount"] == "8000.00"
    assert r.json()["payout_due_on"] == str(today + timedelta(days=30))
    r = api.post("/api/v1/ledger-entries/", {"case": case.pk, "kind": "disbursement", "amount": "1.00",
                                             "occurred_on": str(today)}, format="json")
    assert r.status_code == 400 and "kind" in r.json()
    r = api.post("/api/v1/ledger-entries/", {"case": case.pk, "kind": "debtor_payment", "amount": "1.001",
                                             "occurred_on": str(today)}, format="json")
    assert r.status_code == 400 and "amount" in r.json()
    entry = LedgerEntry.objects.get(case=case)
    r = api.post(f"/api/v1/ledger-entries/{entry.pk}/reverse/", {"reason": "重复入账"}, format="json")
    assert r.status_code == 201 and r.json()["signed_amount"] == "-8000.00"
    summary = api.get(f"/api/v1/case-funds/{case.pk}/").json()
    assert summary["balance"] == "0.00" and summary["account_reference"] == case.account_reference
    assert api.put(f"/api/v1/ledger-entries/{entry.pk}/", {}, format="json").status_code == 405
    assert api.delete(f"/api/v1/ledger-entries/{entry.pk}/").status_code == 405


def test_payout_lifecycle_over_the_api_with_idempotency_keys(org, case):
    fund(case, org.finance, "20000.00")
    officer = api_for(org.officer)
    body = {"case": case.pk, "payee": applicant_of(case).pk, "amount": "15000.00", "payee_account_name": "张三",
            "payee_bank": "中国建设银行天水分行", "payee_account_number": "6217000000000000001"}
    first = officer.post("/api/v1/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="prep-42")
    retry = officer.post("/api/v1/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="prep-42")
    assert first.status_code == 201 and retry.status_code == 200 and first.json()["id"] == retry.json()["id"]
    pid = first.json()["id"]
    assert officer.post(f"/api/v1/payouts/{pid}/approve/").status_code == 403
    finance = api_for(org.finance)
    assert finance.get("/api/v1/payouts/?queue=1").json()["count"] == 1
    assert finance.post(f"/api/v1/payouts/{pid}/execute/").status_code == 400  # not yet approved
    assert finance.post(f"/api/v1/payouts/{pid}/approve/").json()["status"] == "approved"
    one = finance.post(f"/api/v1/payouts/{pid}/execute/", HTTP_IDEMPOTENCY_KEY="pay-42")
    two = finance.post(f"/api/v1/payouts/{pid}/execute/", HTTP_IDEMPOTENCY_KEY="pay-42")
    other = finance.post(f"/api/v1/payouts/{pid}/execute/", HTTP_IDEMPOTENCY_KEY="pay-43")
    assert one.status_code == two.status_code == 200 and one.json() == two.json()
    assert other.status_code == 400 and "status" in other.json()
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_http_requests_with_one_idempotency_key_pay_exactly_once(org_committed, make_committed_case,
                                                                          live_server):
    org = org_committed
    case = make_committed_case()
    fund(case, org.finance, "9000.00")
    payout = prepare(case, org.officer, "9000.00")
    from assets import services

    services.payout_approve(actor=org.finance, payout=payout)
    tokens = [ApiToken.objects.create(user=org.finance)[1], ApiToken.objects.create(user=org.chief)[1]]
    connection.close()

    def call(i):
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/payouts/{payout.pk}/execute/", method="POST", data=b"",
            headers={"Authorization": f"Token {tokens[i % 2]}", "Idempotency-Key": "retry-me",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, range(12)))
    assert {status for status, _body in results} == {200}
    assert {body["status"] for _s, body in results} == {"executed"}
    assert LedgerEntry.objects.filter(payout_id=payout.pk).count() == 1
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.EXECUTED
    assert sum(e.signed_amount for e in LedgerEntry.objects.filter(case=case)) == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_parallel_http_prepare_with_one_key_creates_one_payout(org_committed, make_committed_case, live_server):
    org = org_committed
    case = make_committed_case()
    fund(case, org.finance, "9000.00")
    token = ApiToken.objects.create(user=org.officer)[1]
    body = json.dumps({"case": case.pk, "payee": applicant_of(case).pk, "amount": "9000.00",
                       "payee_account_name": "张三", "payee_bank": "建设银行", "payee_account_number": "6217"}).encode()
    connection.close()

    def call(_i):
        request = urllib.request.Request(f"{live_server.url}/api/v1/payouts/", method="POST", data=body, headers={
            "Authorization": f"Token {token}", "Idempotency-Key": "double-click", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(call, range(6)))
    assert sorted(statuses) == [200] * 5 + [201]
    assert Payout.objects.filter(case=case).count() == 1
