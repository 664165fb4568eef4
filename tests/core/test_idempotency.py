"""Writes that happen once (core.idempotency): the Idempotency-Key header of the API and the one-time form token, for
receipts, case registrations and payouts (issue 18)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tokens import api_token_create
from assets.models import LedgerEntry, Payout
from cases.models import Case
from core import idempotency
from core.models import IdempotencyRecord
from tests.conftest import login, make_user


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def make_committed_case(org_committed):
    from tests.conftest import make_case

    return make_case.__wrapped__(org_committed)


def receipt_body(case, amount="1200.00", **extra):
    return {"case": case.pk, "kind": "debtor_payment", "amount": amount,
            "occurred_on": str(timezone.localdate()), **extra}


def register_body(number="（2025）甘0503民初777号"):
    today = timezone.localdate()
    return {
        "case_type": "执", "received_on": str(today), "filed_on": str(today), "basis_kind": "judgment",
        "basis_issuer": "天水市麦积区人民法院", "basis_number": number,
        "basis_effective_on": str(today - timedelta(days=60)), "principal": "1000.00",
        "parties": [
            {"role": "applicant", "kind": "person", "name": "李四", "id_kind": "resident_id",
             "id_number": "11010519491231002X"},
            {"role": "respondent", "kind": "legal_person", "name": "天水示例建材有限公司", "id_kind": "uscc",
             "id_number": "91110108551385082Q"},
        ],
    }


# --- The API header ---------------------------------------------------------------------------------------------

def test_receipt_retried_with_the_same_key_is_recorded_once(org, case):
    api = api_for(org.finance)
    first = api.post("/api/v1/ledger-entries/", receipt_body(case), format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    again = api.post("/api/v1/ledger-entries/", receipt_body(case), format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201 and first["Idempotent-Replayed"] == "false"
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert LedgerEntry.objects.filter(case=case).count() == 1
    # Without a key each request is a new receipt (two real payments of the same amount happen).
    api.post("/api/v1/ledger-entries/", receipt_body(case), format="json")
    assert LedgerEntry.objects.filter(case=case).count() == 2


def test_same_key_with_another_body_is_a_422_naming_the_header(org, case):
    api = api_for(org.finance)
    api.post("/api/v1/ledger-entries/", receipt_body(case), format="json", HTTP_IDEMPOTENCY_KEY="r-2")
    r = api.post("/api/v1/ledger-entries/", receipt_body(case, amount="1300.00"), format="json",
                 HTTP_IDEMPOTENCY_KEY="r-2")
    assert r.status_code == 422 and "Idempotency-Key" in r.json()
    assert LedgerEntry.objects.filter(case=case).count() == 1


def test_keys_are_per_user(org, case):
    finance2 = make_user("finance2", org.court, [Role.FINANCE])
    a = api_for(org.finance).post("/api/v1/ledger-entries/", receipt_body(case), format="json",
                                  HTTP_IDEMPOTENCY_KEY="shared")
    b = api_for(finance2).post("/api/v1/ledger-entries/", receipt_body(case), format="json",
                               HTTP_IDEMPOTENCY_KEY="shared")
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


def test_a_refused_request_is_not_remembered(org, case):
    api = api_for(org.finance)
    bad = api.post("/api/v1/ledger-entries/", receipt_body(case, kind="nope"), format="json",
                   HTTP_IDEMPOTENCY_KEY="r-3")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="r-3").exists()
    good = api.post("/api/v1/ledger-entries/", receipt_body(case), format="json", HTTP_IDEMPOTENCY_KEY="r-3")
    assert good.status_code == 201


@pytest.mark.parametrize("key", ["", " ", "x" * 81, "键", "a b"])
def test_malformed_keys_are_refused_naming_the_header(org, case, key):
    r = api_for(org.finance).post("/api/v1/ledger-entries/", receipt_body(case), format="json",
                                  HTTP_IDEMPOTENCY_KEY=key)
    assert r.status_code == 400 and "Idempotency-Key" in r.json()
    assert not LedgerEntry.objects.filter(case=case).exists()


def test_case_registration_with_the_same_key_registers_once(org):
    api = api_for(org.clerk)
    first = api.post("/api/v1/cases/", register_body(), format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    again = api.post("/api/v1/cases/", register_body(), format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    assert first.status_code == 201 and again.status_code == 200 and first.json()["id"] == again.json()["id"]
    assert Case.objects.count() == 1


def test_payout_header_refuses_the_same_key_with_another_body(org, case):
    from tests.assets.conftest import applicant_of, fund

    fund(case, org.finance, "20000.00")
    api = api_for(org.officer)
    body = {"case": case.pk, "payee": applicant_of(case).pk, "amount": "5000.00", "payee_account_name": "张三",
            "payee_bank": "建设银行", "payee_account_number": "6217"}
    assert api.post("/api/v1/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1").status_code == 201
    r = api.post("/api/v1/payouts/", {**body, "amount": "6000.00"}, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert r.status_code == 422 and "Idempotency-Key" in r.json()
    assert Payout.objects.filter(case=case).count() == 1


# --- The form token --------------------------------------------------------------------------------------------

def test_receipt_form_double_submit_records_once_and_goes_to_the_first_result(org, case, client):
    login(client, org.finance)
    page = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    token = page.split('name="receipt-form_token" value="')[1].split('"')[0]
    data = {"receipt-kind": "debtor_payment", "receipt-amount": "300.00",
            "receipt-occurred_on": str(timezone.localdate()), "receipt-form_token": token}
    url = reverse("assets:receipt_add", args=[case.pk])
    one, two = client.post(url, data), client.post(url, data)
    assert one.status_code == two.status_code == 302 and one["Location"] == two["Location"]
    assert LedgerEntry.objects.filter(case=case).count() == 1
    r = client.post(url, {**data, "receipt-amount": "301.00"})  # the same drawn form, edited and resent
    assert r.status_code == 400 and LedgerEntry.objects.filter(case=case).count() == 1
    fresh = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert token not in fresh  # each drawing of the form has its own token


def test_registration_form_double_submit_registers_once(org, client):
    login(client, org.clerk)
    page = client.get(reverse("cases:register")).content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    today = str(timezone.localdate())
    data = {
        "form_token": token, "case_type": "执", "received_on": today, "filed_on": today, "basis_kind": "judgment",
        "basis_issuer": "天水市麦积区人民法院", "basis_number": "（2025）甘0503民初888号",
        "basis_effective_on": str(timezone.localdate() - timedelta(days=60)), "obligation_kind": "money",
        "principal": "1000.00", "interest_awarded": "0", "litigation_costs": "0", "other_amount": "0",
        "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-role": "applicant", "parties-0-kind": "person", "parties-0-name": "李四",
        "parties-0-id_kind": "resident_id", "parties-0-id_number": "11010519491231002X",
        "parties-1-role": "respondent", "parties-1-kind": "legal_person", "parties-1-name": "天水示例建材有限公司",
        "parties-1-id_kind": "uscc", "parties-1-id_number": "91110108551385082Q",
    }
    one = client.post(reverse("cases:register"), data)
    assert one.status_code == 302, one.context["form"].errors if one.context else one
    two = client.post(reverse("cases:register"), data)
    assert two.status_code == 302 and two["Location"] == one["Location"]
    assert Case.objects.count() == 1


# --- Concurrency on real PostgreSQL ------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_parallel_receipts_with_one_key_create_one_row(org_committed, make_committed_case, live_server):
    org = org_committed
    case = make_committed_case()
    _row, token = api_token_create(user=org.finance, device="test")
    body = json.dumps(receipt_body(case)).encode()
    connection.close()

    def call(_i):
        request = urllib.request.Request(f"{live_server.url}/api/v1/ledger-entries/", method="POST", data=body,
                                         headers={"Authorization": f"Token {token}", "Idempotency-Key": "twice",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())["id"]
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(call, range(6)))
    assert sorted(status for status, _ in results) == [200] * 5 + [201], results
    assert len({entry_id for _, entry_id in results}) == 1
    assert LedgerEntry.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_run_once_from_two_connections_at_the_same_moment(org_committed, make_committed_case):
    """Two threads (two PostgreSQL connections) claim one key while the first is still working: the second waits
    on the unique index and gets the first result; the work ran once."""
    from assets import services

    org = org_committed
    case = make_committed_case()
    barrier = threading.Barrier(2)
    ran = []
    results = []

    def worker():
        try:
            barrier.wait()

            def work():
                ran.append(1)
                entry = services.receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount="10.00",
                                                occurred_on=timezone.localdate())
                return 201, {"id": entry.pk}

            results.append(idempotency.run_once(user=org.finance, key="same-moment", endpoint="test",
                                                fingerprint="f", work=work))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(ran) == 1 and len(results) == 2
    assert sorted(r.replayed for r in results) == [False, True]
    assert results[0].body == results[1].body
    assert LedgerEntry.objects.filter(case=case).count() == 1


def test_old_claims_are_pruned_daily(org, case):
    from core.schedule import BEAT
    from core.tasks import idempotency_prune

    api_for(org.finance).post("/api/v1/ledger-entries/", receipt_body(case), format="json",
                              HTTP_IDEMPOTENCY_KEY="old")
    api_for(org.finance).post("/api/v1/ledger-entries/", receipt_body(case, amount="5.00"), format="json",
                              HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - idempotency.RETENTION - timedelta(minutes=1))
    assert idempotency_prune() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert BEAT["core-idempotency-prune"]["task"] == "core.tasks.idempotency_prune"
