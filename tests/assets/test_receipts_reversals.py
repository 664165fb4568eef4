"""Receipts and reversals are finance's work (issue 18): who may record and reverse, the available balance, the
reason, the second person for large reversals, the browser's confirmation step and duplicate bank references."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.policy import Perm, has_perm
from assets import selectors, services
from assets.models import EntryKind, LedgerEntry, ReversalRequest, ReversalStatus
from cases.models import Case
from core.models import CourtSetting
from tests.conftest import login, make_user

from .conftest import fund, prepare


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def finance2(org):
    return make_user("finance2", org.court, [Role.FINANCE], full_name="钱芳")


# --- 1. Officers no longer record or reverse receipts -------------------------------------------------------------

def test_officer_cannot_record_a_receipt_by_service_api_or_page(org, case, client, today):
    assert not has_perm(org.officer, Perm.FUNDS_RECORD, case)
    with pytest.raises(PermissionDenied):
        services.receipt_record(actor=org.officer, case=case, kind="debtor_payment", amount="100.00",
                                occurred_on=today)
    r = api_for(org.officer).post("/api/v1/ledger-entries/", {
        "case": case.pk, "kind": "debtor_payment", "amount": "100.00", "occurred_on": str(today)}, format="json")
    assert r.status_code == 403
    login(client, org.officer)
    r = client.post(reverse("assets:receipt_add", args=[case.pk]), {
        "receipt-kind": "debtor_payment", "receipt-amount": "100.00", "receipt-occurred_on": str(today)})
    assert r.status_code == 403
    assert not LedgerEntry.objects.filter(case=case).exists()


def test_officer_cannot_reverse_a_receipt_and_sees_no_buttons(org, case, client):
    entry = fund(case, org.finance, "800.00")
    with pytest.raises(PermissionDenied):
        services.entry_reverse(actor=org.officer, entry=entry, reason="录错")
    assert api_for(org.officer).post(f"/api/v1/ledger-entries/{entry.pk}/reverse/", {"reason": "录错"},
                                     format="json").status_code == 403
    login(client, org.officer)
    r = client.post(reverse("assets:entry_reverse", args=[entry.pk]), {"reverse-reason": "录错",
                                                                       "reverse-confirmed": "True"})
    assert r.status_code == 403
    page = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert reverse("assets:receipt_add", args=[case.pk]) not in page
    assert reverse("assets:entry_reverse", args=[entry.pk]) not in page
    assert LedgerEntry.objects.filter(case=case).count() == 1
    # The officer still sees the money awaiting payout on his cases (he prepares the payouts).
    assert client.get(reverse("assets:funds_awaiting")).status_code == 200


def test_finance_sees_the_receipt_and_reverse_buttons(org, case, client):
    entry = fund(case, org.finance, "800.00")
    login(client, org.finance)
    page = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert reverse("assets:receipt_add", args=[case.pk]) in page
    assert reverse("assets:entry_reverse", args=[entry.pk]) in page


# --- 1. The available balance ---------------------------------------------------------------------------------

def test_reversal_refused_when_open_payouts_reserve_the_money(org, case):
    entry = fund(case, org.finance, "10000.00")
    prepare(case, org.officer, "8000.00")  # reserved, not yet paid: the balance is still 10000
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(actor=org.finance, entry=entry, reason="银行退回")
    assert "entry" in exc.value.message_dict and "¥2,000.00" in exc.value.message_dict["entry"][0]
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
    case.refresh_from_db()
    assert case.amount_recovered == Decimal("10000.00")


def test_reversal_allowed_when_the_rest_covers_open_payouts(org, case):
    fund(case, org.finance, "10000.00")
    entry = fund(case, org.finance, "2000.00")
    prepare(case, org.officer, "8000.00")
    done = services.entry_reverse(actor=org.finance, entry=entry, reason="重复入账")
    assert done.signed_amount == Decimal("-2000.00")


# --- 1. The reason --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_reversal_needs_a_reason(org, case, reason):
    entry = fund(case, org.finance, "500.00")
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(actor=org.finance, entry=entry, reason=reason)
    assert "reason" in exc.value.message_dict


def test_reversal_reason_is_bounded_not_truncated(org, case):
    entry = fund(case, org.finance, "500.00")
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(actor=org.finance, entry=entry, reason="错" * 301)
    assert "reason" in exc.value.message_dict
    r = api_for(org.finance).post(f"/api/v1/ledger-entries/{entry.pk}/reverse/", {"reason": "错" * 301},
                                  format="json")
    assert r.status_code == 400 and "reason" in r.json()
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


# --- 1. The second person -------------------------------------------------------------------------------------

def test_large_reversal_waits_for_a_second_person(org, case, finance2):
    entry = fund(case, org.finance, "50000.00")  # default threshold 50000: at the threshold
    request = services.entry_reverse(actor=org.finance, entry=entry, reason="对方撤回")
    assert isinstance(request, ReversalRequest) and request.status == ReversalStatus.PENDING
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
    with pytest.raises(PermissionDenied):
        services.reversal_confirm(actor=org.finance, request=request)  # never the requester
    with pytest.raises(PermissionDenied):
        services.reversal_confirm(actor=org.officer, request=request)
    with pytest.raises(ValidationError):  # one pending request per entry
        services.entry_reverse(actor=finance2, entry=entry, reason="再次申请")
    done = services.reversal_confirm(actor=finance2, request=request)
    assert done.status == ReversalStatus.CONFIRMED and done.reversal.signed_amount == Decimal("-50000.00")
    assert done.decided_by == finance2
    case.refresh_from_db()
    assert case.amount_recovered == Decimal("0.00")
    with pytest.raises(ValidationError):
        services.reversal_confirm(actor=org.chief, request=done)


def test_money_held_for_a_pending_reversal_cannot_be_promised_and_the_chief_may_confirm(org, case):
    """Before, a payout could be prepared from a receipt whose reversal awaited a second person, and the reversal
    then failed at confirmation. Now the pending reversal holds the money back: the payout is refused."""
    entry = fund(case, org.finance, "60000.00")
    request = services.entry_reverse(actor=org.finance, entry=entry, reason="错案")
    assert selectors.payout_limits(case=case).held == Decimal("60000.00")
    with pytest.raises(ValidationError) as exc:
        prepare(case, org.officer, "30000.00")
    assert "amount" in exc.value.message_dict
    done = services.reversal_confirm(actor=org.chief, request=request)
    assert done.status == ReversalStatus.CONFIRMED


def test_small_reversal_is_immediate_and_the_threshold_is_a_court_setting(org, case):
    CourtSetting.objects.create(court=org.court, key="reversal_second_person_threshold", value="1000")
    small = fund(case, org.finance, "999.99")
    big = fund(case, org.finance, "1000.00")
    assert isinstance(services.entry_reverse(actor=org.finance, entry=small, reason="录错"), LedgerEntry)
    assert isinstance(services.entry_reverse(actor=org.finance, entry=big, reason="录错"), ReversalRequest)


def test_reject_needs_a_note_and_the_requester_may_withdraw(org, case, finance2):
    entry = fund(case, org.finance, "70000.00")
    request = services.entry_reverse(actor=org.finance, entry=entry, reason="录错")
    with pytest.raises(ValidationError) as exc:
        services.reversal_reject(actor=finance2, request=request, note=" ")
    assert "note" in exc.value.message_dict
    done = services.reversal_reject(actor=finance2, request=request, note="凭证齐全，不予冲正")
    assert done.status == ReversalStatus.REJECTED
    again = services.entry_reverse(actor=org.finance, entry=entry, reason="补充材料后再申请")
    assert services.reversal_reject(actor=org.finance, request=again).status == ReversalStatus.WITHDRAWN
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_second_person_over_the_api(org, case, finance2):
    entry = fund(case, org.finance, "80000.00")
    r = api_for(org.finance).post(f"/api/v1/ledger-entries/{entry.pk}/reverse/", {"reason": "录错"}, format="json")
    assert r.status_code == 202 and r.json()["status"] == "pending" and r.json()["amount"] == "80000.00"
    rid = r.json()["id"]
    assert api_for(org.finance).post(f"/api/v1/reversal-requests/{rid}/confirm/").status_code == 403
    assert api_for(org.officer).post(f"/api/v1/reversal-requests/{rid}/confirm/").status_code == 403
    assert api_for(org.outsider).post(f"/api/v1/reversal-requests/{rid}/confirm/").status_code == 404
    assert api_for(finance2).get("/api/v1/reversal-requests/?pending=1").json()["count"] == 1
    r = api_for(finance2).post(f"/api/v1/reversal-requests/{rid}/confirm/")
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and r.json()["reversal"]
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=entry).count() == 1


# --- 1. The browser's confirmation step -----------------------------------------------------------------------

def test_reverse_form_shows_a_confirmation_page_before_writing(org, case, client):
    entry = fund(case, org.finance, "800.00")
    login(client, org.finance)
    url = reverse("assets:entry_reverse", args=[entry.pk])
    r = client.post(url, {"reverse-reason": "重复入账", "reverse-form_token": "t1"})
    assert r.status_code == 200
    page = r.content.decode()
    assert 'name="reverse-confirmed"' in page and "800.00" in page and "重复入账" in page
    assert "<script>" not in page and 'style="' not in page
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()
    token = page.split('name="reverse-form_token" value="')[1].split('"')[0]
    assert token != "t1"
    data = {"reverse-reason": "重复入账", "reverse-confirmed": "True", "reverse-form_token": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click on "confirm": the first result, no error
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=entry).count() == 1


def test_reverse_form_refuses_a_blank_reason_on_the_first_step(org, case, client):
    entry = fund(case, org.finance, "800.00")
    login(client, org.finance)
    r = client.post(reverse("assets:entry_reverse", args=[entry.pk]), {"reverse-reason": "  "})
    assert r.status_code == 400
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).exists()


def test_large_reversal_from_the_page_is_confirmed_by_a_second_person(org, case, client, finance2):
    entry = fund(case, org.finance, "90000.00")
    login(client, org.finance)
    url = reverse("assets:entry_reverse", args=[entry.pk])
    r = client.post(url, {"reverse-reason": "对方撤回"})
    assert r.status_code == 200 and 'id="reverse-second-person"' in r.content.decode()
    client.post(url, {"reverse-reason": "对方撤回", "reverse-confirmed": "True", "reverse-form_token": "tok-9"})
    pending = ReversalRequest.objects.get(entry=entry)
    page = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert reverse("assets:reversal_decide", args=[pending.pk, "confirm"]) not in page  # not for the requester
    client.post(reverse("assets:reversal_decide", args=[pending.pk, "confirm"]))
    assert ReversalRequest.objects.get(pk=pending.pk).status == ReversalStatus.PENDING
    login(client, finance2)
    page = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert reverse("assets:reversal_decide", args=[pending.pk, "confirm"]) in page
    assert client.post(reverse("assets:reversal_decide", args=[pending.pk, "confirm"])).status_code == 302
    assert ReversalRequest.objects.get(pk=pending.pk).status == ReversalStatus.CONFIRMED
    login(client, org.officer)
    assert client.post(reverse("assets:reversal_decide", args=[pending.pk, "reject"])).status_code == 403


# --- 4. Duplicate bank references -----------------------------------------------------------------------------

def test_receipt_with_a_bank_reference_already_on_the_ledger_is_refused(org, case, make_case, today):
    other = make_case(basis_number="（2025）甘0503民初999号")
    first = services.receipt_record(actor=org.finance, case=other, kind="bank_deduction", amount="3000.00",
                                    occurred_on=today - timedelta(days=2), reference="TX2026 0001")
    assert first.reference == "TX20260001"
    with pytest.raises(ValidationError) as exc:
        services.receipt_record(actor=org.finance, case=case, kind="bank_deduction", amount="3000.00",
                                occurred_on=today, reference=" tx20260001 ")
    message = exc.value.message_dict["reference"][0]
    assert other.number in message and str(today - timedelta(days=2)) in message
    with pytest.raises(ValidationError) as exc:
        services.receipt_record(actor=org.finance, case=case, kind="bank_deduction", amount="3000.00",
                                occurred_on=today, reference="TX20260001", duplicate_confirmed=True)
    assert "duplicate_reason" in exc.value.message_dict
    entry = services.receipt_record(actor=org.finance, case=case, kind="bank_deduction", amount="3000.00",
                                    occurred_on=today, reference="TX20260001", duplicate_confirmed=True,
                                    duplicate_reason="银行一笔流水分两案划扣")
    assert entry.pk and case.events.filter(type="funds_duplicate_reference_confirmed").exists()


def test_duplicate_reference_over_the_api_names_the_field(org, case, today):
    api = api_for(org.finance)
    body = {"case": case.pk, "kind": "bank_deduction", "amount": "10.00", "occurred_on": str(today),
            "reference": "TX-77"}
    assert api.post("/api/v1/ledger-entries/", body, format="json").status_code == 201
    r = api.post("/api/v1/ledger-entries/", body, format="json")
    assert r.status_code == 400 and case.number in r.json()["reference"][0]
    assert LedgerEntry.objects.filter(reference="TX-77").count() == 1


def test_reference_of_a_reversed_receipt_may_be_recorded_again(org, case, today):
    entry = services.receipt_record(actor=org.finance, case=case, kind="bank_deduction", amount="10.00",
                                    occurred_on=today, reference="TX-88")
    services.entry_reverse(actor=org.finance, entry=entry, reason="记错案件")
    assert services.receipt_record(actor=org.finance, case=case, kind="bank_deduction", amount="10.00",
                                   occurred_on=today, reference="TX-88").pk


def test_other_courts_references_do_not_collide(org, case, make_case, today):
    services.receipt_record(actor=org.finance, case=case, kind="bank_deduction", amount="10.00",
                            occurred_on=today, reference="TX-99")
    other_case = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    other_finance = make_user("finance_b", org.other_court, [Role.FINANCE])
    assert services.receipt_record(actor=other_finance, case=other_case, kind="bank_deduction", amount="10.00",
                                   occurred_on=today, reference="TX-99").pk


def test_duplicate_check_uses_the_index(org, case):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + str(LedgerEntry.objects.filter(court_id=org.court.pk, reference="X").query)
                       .replace("= X", "= 'X'"))
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "ledger_court_reference" in plan


# --- 2. A receipt that overflows a case's running total -------------------------------------------------------

def test_receipt_overflowing_the_case_total_is_a_field_error_not_a_500(org, case, today):
    Case.objects.filter(pk=case.pk).update(amount_recovered=Decimal("99999999999999.00"))
    r = api_for(org.finance).post("/api/v1/ledger-entries/", {
        "case": case.pk, "kind": "debtor_payment", "amount": "1000000000000", "occurred_on": str(today)},
        format="json")
    assert r.status_code == 400 and "amount" in r.json()
    assert not LedgerEntry.objects.filter(case=case).exists()
