from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from assets import services
from assets.models import EntryKind, LedgerEntry, Payout, PayoutStatus
from assets.selectors import case_balance, case_funds_summary
from cases.models import Case
from core.models import CourtSetting

from accounts.models import Role
from tests.conftest import make_user

from .conftest import applicant_of, fund, prepare, respondent_of


def test_receipt_raises_balance_and_amount_recovered_and_starts_the_30_day_clock(org, case, today):
    entry = fund(case, org.finance, "12345.67", days_ago=2)
    case.refresh_from_db()
    assert case_balance(case_id=case.pk) == Decimal("12345.67")
    assert case.amount_recovered == Decimal("12345.67")
    assert entry.signed_amount == entry.amount == Decimal("12345.67")
    assert entry.payout_due_on == today - timedelta(days=2) + timedelta(days=30)


def test_court_setting_changes_the_payout_clock(org, case, today):
    CourtSetting.objects.create(court=org.court, key="payout_days", value=5)
    assert fund(case, org.finance, days_ago=0).payout_due_on == today + timedelta(days=5)


def test_receipt_amount_must_be_positive_with_two_decimals(org, case):
    for bad in ("0", "-5", "1.234", "abc"):
        with pytest.raises(ValidationError) as exc:
            services.receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=bad,
                                    occurred_on=timezone.localdate())
        assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=1.5,
                                occurred_on=timezone.localdate())
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("who", ["officer", "colleague", "outsider", "clerk", "chief"])
def test_receipt_refused_for_those_outside_the_case(org, case, who):
    with pytest.raises(PermissionDenied):
        fund(case, getattr(org, who))


def test_entries_cannot_be_edited_or_deleted_in_the_database(org, case):
    entry = fund(case, org.finance)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"), signed_amount=Decimal("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE assets_ledgerentry SET memo = 'x' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.amount == Decimal("100000.00")


def test_database_refuses_an_entry_that_would_make_the_balance_negative(org, case):
    fund(case, org.finance, "100.00")
    payout = Payout.objects.create(case=case, court=org.court, payee=applicant_of(case), amount=Decimal("500.00"),
                                   payee_account_name="张三", payee_bank="建行", payee_account_number="1",
                                   prepared_by=org.officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(case=case, court=org.court, kind=EntryKind.DISBURSEMENT, amount=Decimal("500.00"),
                                   signed_amount=Decimal("-500.00"), occurred_on=timezone.localdate(), payout=payout)
    assert case_balance(case_id=case.pk) == Decimal("100.00")


def test_reversing_a_receipt_is_a_new_entry_and_lowers_amount_recovered(org, case, today):
    entry = fund(case, org.finance, "5000.00")
    reversal = services.entry_reverse(actor=org.finance, entry=entry, reason="误入账，应为他案款项")
    case.refresh_from_db()
    assert reversal.kind == EntryKind.REVERSAL and reversal.signed_amount == Decimal("-5000.00")
    assert case_balance(case_id=case.pk) == Decimal("0.00") and case.amount_recovered == Decimal("0.00")
    entry.refresh_from_db()
    assert entry.paid_out_on == today  # cleared: no longer awaiting payout
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(actor=org.finance, entry=entry, reason="again")
    assert "entry" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.entry_reverse(actor=org.finance, entry=reversal, reason="undo")


def test_a_receipt_already_paid_out_cannot_be_reversed(org, case):
    entry = fund(case, org.finance, "1000.00")
    payout = prepare(case, org.officer, "1000.00")
    services.payout_approve(actor=org.finance, payout=payout)
    services.payout_execute(actor=org.finance, payout=payout)
    with pytest.raises(ValidationError) as exc:
        services.entry_reverse(actor=org.finance, entry=entry, reason="x")
    assert "entry" in exc.value.message_dict


def test_full_payout_flow_pays_once_and_stops_the_receipt_clock(org, case, today):
    first = fund(case, org.finance, "60000.00", days_ago=10)
    second = fund(case, org.finance, "40000.00", days_ago=5)
    payout = prepare(case, org.officer, "60000.00")
    assert payout.status == PayoutStatus.PREPARED
    services.payout_approve(actor=org.finance, payout=payout)
    services.payout_execute(actor=org.finance, payout=payout)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.EXECUTED and payout.disbursement.signed_amount == Decimal("-60000.00")
    assert case_balance(case_id=case.pk) == Decimal("40000.00")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.paid_out_on == today and second.paid_out_on is None  # first in, first out
    case.refresh_from_db()
    assert case.amount_recovered == Decimal("100000.00")  # payouts do not reduce what was recovered
    summary = case_funds_summary(case=case)
    assert (summary.balance, summary.received, summary.paid_out, summary.awaiting) == (
        Decimal("40000.00"), Decimal("100000.00"), Decimal("60000.00"), Decimal("40000.00"))


def test_payout_cannot_exceed_the_available_balance_including_other_pending_payouts(org, case):
    fund(case, org.finance, "50000.00")
    prepare(case, org.officer, "30000.00")
    with pytest.raises(ValidationError) as exc:
        prepare(case, org.officer, "20000.01")
    assert "amount" in exc.value.message_dict
    prepare(case, org.officer, "20000.00")


def test_payee_must_be_an_applicant_of_the_case(org, case):
    fund(case, org.finance)
    with pytest.raises(ValidationError) as exc:
        services.payout_prepare(actor=org.officer, case=case, payee=respondent_of(case), amount="10.00",
                                payee_account_name="x", payee_bank="y", payee_account_number="z")
    assert "payee" in exc.value.message_dict


def test_officer_cannot_approve_the_payout_they_prepared(org, case):
    fund(case, org.finance)
    payout = prepare(case, org.officer, "100.00")
    with pytest.raises(PermissionDenied):
        services.payout_approve(actor=org.officer, payout=payout)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PREPARED


def test_database_refuses_approval_by_the_preparer(org, case):
    fund(case, org.finance)
    payout = prepare(case, org.officer, "100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=payout.pk).update(approved_by=org.officer, status=PayoutStatus.APPROVED)


def test_team_leader_who_is_also_chief_cannot_approve_own_payout_but_another_chief_can(org, make_case,
                                                                                         second_chief):
    case = make_case(principal="400000.00")  # the claim bounds the payout (docs/money.md)
    leader = make_user("leader", org.court, [Role.OFFICER, Role.CHIEF], [org.team], full_name="吴军")
    fund(case, org.finance, "200000.00")
    payout = prepare(case, leader, "150000.00")
    with pytest.raises(PermissionDenied):
        services.payout_approve(actor=leader, payout=payout)
    assert services.payout_approve(actor=second_chief, payout=payout).approved_by == second_chief


def test_large_payout_needs_the_chief_and_the_threshold_is_a_court_setting(org, make_case):
    case = make_case(principal="400000.00")  # the claim bounds the payouts (docs/money.md)
    fund(case, org.finance, "300000.00")
    big = prepare(case, org.officer, "100000.00")
    with pytest.raises(PermissionDenied):
        services.payout_approve(actor=org.finance, payout=big)
    assert services.payout_approve(actor=org.chief, payout=big).status == PayoutStatus.APPROVED
    # Another case: to the same payee on the same case the threshold applies to the total (test_payouts.py).
    other = make_case(principal="400000.00")
    fund(other, org.finance, "300000.00")
    small = prepare(other, org.officer, "99999.99")
    assert services.payout_approve(actor=org.finance, payout=small).status == PayoutStatus.APPROVED
    CourtSetting.objects.create(court=org.court, key="payout_chief_threshold", value="50000")
    third = make_case(principal="400000.00")
    fund(third, org.finance, "300000.00")
    medium = prepare(third, org.officer, "60000.00")
    with pytest.raises(PermissionDenied):
        services.payout_approve(actor=org.finance, payout=medium)


@pytest.mark.parametrize("who", ["officer", "colleague", "outsider", "other_chief", "supervisor"])
def test_approval_refused_for_officers_and_other_courts(org, case, who):
    fund(case, org.finance)
    payout = prepare(case, org.officer, "100.00")
    with pytest.raises(PermissionDenied):
        services.payout_approve(actor=getattr(org, who), payout=payout)


def test_unapproved_payout_cannot_be_executed(org, case):
    fund(case, org.finance)
    payout = prepare(case, org.officer, "100.00")
    with pytest.raises(ValidationError) as exc:
        services.payout_execute(actor=org.finance, payout=payout)
    assert "status" in exc.value.message_dict
    assert not LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()


def test_second_execute_is_refused_and_same_key_replays(org, case):
    fund(case, org.finance)
    payout = prepare(case, org.officer, "100.00")
    services.payout_approve(actor=org.finance, payout=payout)
    done = services.payout_execute(actor=org.finance, payout=payout, idempotency_key="k-1")
    assert done.replayed is False
    again = services.payout_execute(actor=org.finance, payout=payout, idempotency_key="k-1")
    assert again.replayed is True and again.pk == payout.pk
    with pytest.raises(ValidationError):
        services.payout_execute(actor=org.finance, payout=payout, idempotency_key="k-2")
    with pytest.raises(ValidationError):
        services.payout_execute(actor=org.finance, payout=payout)
    assert LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


def test_prepare_with_the_same_key_returns_the_first_payout(org, case, make_case):
    fund(case, org.finance)
    a = prepare(case, org.officer, "100.00", key="prep-1")
    b = prepare(case, org.officer, "100.00", key="prep-1")
    assert a.pk == b.pk and b.replayed is True
    assert Payout.objects.count() == 1
    other = make_case()
    fund(other, org.finance)
    with pytest.raises(ValidationError) as exc:
        prepare(other, org.officer, "100.00", key="prep-1")
    assert "idempotency_key" in exc.value.message_dict


def test_returned_disbursement_puts_money_back_and_reopens_the_receipt_clock(org, case):
    receipt = fund(case, org.finance, "1000.00")
    payout = prepare(case, org.officer, "1000.00")
    services.payout_approve(actor=org.finance, payout=payout)
    services.payout_execute(actor=org.finance, payout=payout)
    receipt.refresh_from_db()
    assert receipt.paid_out_on is not None
    with pytest.raises(PermissionDenied):
        services.entry_reverse(actor=org.officer, entry=payout.disbursement, reason="退票")
    services.entry_reverse(actor=org.finance, entry=payout.disbursement, reason="收款账号错误，银行退票")
    payout.refresh_from_db()
    receipt.refresh_from_db()
    assert payout.status == PayoutStatus.RETURNED
    assert receipt.paid_out_on is None
    assert case_balance(case_id=case.pk) == Decimal("1000.00")


def test_cancel_and_return_free_the_reserved_amount(org, case):
    fund(case, org.finance, "1000.00")
    a = prepare(case, org.officer, "1000.00")
    services.payout_return(actor=org.finance, payout=a, reason="收款人账户信息不全")
    b = prepare(case, org.officer, "1000.00")
    services.payout_cancel(actor=org.officer, payout=b, reason="申请人要求暂缓")
    c = prepare(case, org.officer, "1000.00")
    assert c.status == PayoutStatus.PREPARED
    with pytest.raises(PermissionDenied):
        services.payout_cancel(actor=org.outsider, payout=c, reason="x")


@pytest.mark.django_db(transaction=True)
def test_parallel_executions_of_one_payout_write_exactly_one_disbursement(org_committed, make_committed_case):
    org = org_committed
    case = make_committed_case()
    fund(case, org.finance, "10000.00")
    payout = prepare(case, org.officer, "10000.00")
    services.payout_approve(actor=org.finance, payout=payout)

    def execute(i):
        try:
            services.payout_execute(actor=org.finance if i % 2 else org.chief, payout=payout,
                                    idempotency_key=None if i % 3 else "same-key")
            return "ok"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(execute, range(16)))
    assert LedgerEntry.objects.filter(payout=payout).count() == 1
    assert case_balance(case_id=case.pk) == Decimal("0.00")
    assert results.count("ok") >= 1 and set(results) <= {"ok", "refused"}


@pytest.mark.django_db(transaction=True)
def test_parallel_payouts_on_one_case_never_overdraw(org_committed, make_committed_case):
    org = org_committed
    case = make_committed_case()
    fund(case, org.finance, "1000.00")
    payouts = []
    for _ in range(4):
        p = Payout.objects.create(case=case, court=org.court, payee=applicant_of(case), amount=Decimal("400.00"),
                                  payee_account_name="张三", payee_bank="建行", payee_account_number="1",
                                  prepared_by=org.officer, approved_by=org.finance,
                                  approved_at=timezone.now(), status=PayoutStatus.APPROVED)
        payouts.append(p)

    def execute(p):
        try:
            services.payout_execute(actor=org.finance, payout=p)
            return True
        except ValidationError:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        paid = list(pool.map(execute, payouts))
    assert sum(paid) == 2
    assert case_balance(case_id=case.pk) == Decimal("200.00")
    assert Case.objects.get(pk=case.pk).amount_recovered == Decimal("1000.00")
