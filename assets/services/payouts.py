"""Payouts from a case's fund account (案款发放, domain.md §2.1 node 11, §5.1).

Prepared by the officer (payee an applicant, amount within the available balance), approved by the case-fund manager
or the chief (never the preparer; at or above the court's threshold only the roles in ``payout_high_approver_roles``),
then executed exactly once. Execution locks the case row, then the payout row: concurrent requests queue on the lock
and the second finds the payout already executed; the disbursement row has a unique ``payout`` link, so even code
that skipped the lock could not write two. A retried request with the same Idempotency-Key gets the same result back.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from cases.models import Case, CaseParty, PartyRole
from core import court_settings

from ..models import EntryKind, LedgerEntry, Payout, PayoutStatus
from ._common import lock_case, log_event, money
from .ledger import balance_locked, receipts_settle

OPEN_STATUSES = (PayoutStatus.PREPARED, PayoutStatus.APPROVED)


def reserved_locked(case: Case, *, exclude: Payout | None = None) -> Decimal:
    """Money promised to payouts not yet executed; call with the case row locked."""
    qs = Payout.objects.filter(case_id=case.pk, status__in=OPEN_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def _clean_key(key: str | None) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > 80:
        raise ValidationError({"idempotency_key": _("The idempotency key is longer than 80 characters.")})
    return key


@transaction.atomic
def payout_prepare(
    *,
    actor,
    case: Case,
    payee: CaseParty,
    amount,
    payee_account_name: str,
    payee_bank: str,
    payee_account_number: str,
    note: str = "",
    idempotency_key: str | None = None,
) -> Payout:
    """Prepare a payout to an applicant. With an ``idempotency_key`` a repeated request returns the payout the
    first one made (``payout.replayed`` is then True) instead of preparing a second."""
    key = _clean_key(idempotency_key)
    case = lock_case(case)
    require(actor, Perm.PAYOUT_PREPARE, case)
    if key:
        existing = Payout.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.case_id != case.pk or existing.prepared_by_id != actor.pk:
                raise ValidationError({"idempotency_key": _("This idempotency key was used for another request.")})
            existing.replayed = True
            return existing
    errors = {}
    if payee is None or payee.case_id != case.pk or payee.role != PartyRole.APPLICANT:
        errors["payee"] = _("The payee must be an applicant in this case.")
    for name, value in (("payee_account_name", payee_account_name), ("payee_bank", payee_bank),
                        ("payee_account_number", payee_account_number)):
        if not (value or "").strip():
            errors[name] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    value = money(amount, field="amount")
    available = balance_locked(case) - reserved_locked(case)
    if value > available:
        raise ValidationError({"amount": _("The amount is more than the available balance %(available)s.") % {
            "available": available}})
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                case=case, court_id=case.court_id, payee=payee, amount=value,
                payee_account_name=payee_account_name.strip()[:200], payee_bank=payee_bank.strip()[:100],
                payee_account_number=payee_account_number.strip()[:40], note=(note or "")[:300], prepared_by=actor,
                idempotency_key=key,
            )
    except IntegrityError:
        raise ValidationError({"idempotency_key": _("This idempotency key was used for another request.")}) from None
    payout.replayed = False
    log_event(case=case, type="payout_prepared", actor=actor,
              summary=_("Payout of %(amount)s to %(payee)s prepared") % {"amount": value, "payee": payee.party},
              payout_id=payout.pk)
    return payout


def _lock_payout(payout: Payout) -> tuple[Case, Payout]:
    case = lock_case(payout.case_id)
    return case, Payout.objects.select_for_update().select_related("payee__party").get(pk=payout.pk)


@transaction.atomic
def payout_approve(*, actor, payout: Payout) -> Payout:
    """Approve a prepared payout: a different person from the preparer, holding the approval permission; large
    payouts (≥ the court's ``payout_chief_threshold``) only by a holder of one of ``payout_high_approver_roles``."""
    case, payout = _lock_payout(payout)
    require(actor, Perm.PAYOUT_APPROVE, case)
    if payout.status != PayoutStatus.PREPARED:
        raise ValidationError({"status": _("Only a payout awaiting approval can be approved.")})
    if payout.prepared_by_id == actor.pk:
        raise PermissionDenied(_("The person who prepared a payout cannot approve it."))
    threshold = court_settings.get(case.court_id, "payout_chief_threshold")
    if payout.amount >= threshold:
        roles = set(court_settings.get(case.court_id, "payout_high_approver_roles"))
        if not (roles & set(actor.roles or [])) and not actor.is_superuser:
            raise PermissionDenied(_("A payout of %(threshold)s or more must be approved by the division chief.") % {
                "threshold": threshold})
    available = balance_locked(case) - reserved_locked(case, exclude=payout)
    if payout.amount > available:
        raise ValidationError({"amount": _("The amount is more than the available balance %(available)s.") % {
            "available": available}})
    payout.status, payout.approved_by, payout.approved_at = PayoutStatus.APPROVED, actor, timezone.now()
    payout.save(update_fields=["status", "approved_by", "approved_at"])
    log_event(case=case, type="payout_approved", actor=actor,
              summary=_("Payout of %(amount)s to %(payee)s approved") % {
                  "amount": payout.amount, "payee": payout.payee.party}, payout_id=payout.pk)
    return payout


@transaction.atomic
def payout_execute(*, actor, payout: Payout, idempotency_key: str | None = None) -> Payout:
    """Pay an approved payout: one disbursement entry, exactly once. Repeating the call with the same key returns
    the executed payout (``replayed`` True); without it, or with another key, a second call is refused."""
    key = _clean_key(idempotency_key)
    case, payout = _lock_payout(payout)
    require(actor, Perm.PAYOUT_APPROVE, case)
    if payout.status == PayoutStatus.EXECUTED:
        if key and payout.execution_key == key:
            payout.replayed = True
            return payout
        raise ValidationError({"status": _("This payout has already been paid.")})
    if payout.status != PayoutStatus.APPROVED:
        raise ValidationError({"status": _("Only an approved payout can be paid.")})
    if key and Payout.objects.filter(execution_key=key).exists():
        raise ValidationError({"idempotency_key": _("This idempotency key was used for another request.")})
    if payout.amount > balance_locked(case):
        raise ValidationError({"amount": _("The balance is not enough for this payout.")})
    today = timezone.localdate()
    LedgerEntry.objects.create(
        case=case, court_id=case.court_id, kind=EntryKind.DISBURSEMENT, amount=payout.amount,
        signed_amount=-payout.amount, occurred_on=today, recorded_by=actor, payout=payout,
        payer=str(payout.payee.party)[:200], memo=payout.note,
    )
    payout.status, payout.executed_by, payout.executed_at = PayoutStatus.EXECUTED, actor, timezone.now()
    payout.execution_key = key
    payout.save(update_fields=["status", "executed_by", "executed_at", "execution_key"])
    receipts_settle(case=case, on=today)
    payout.replayed = False
    log_event(case=case, type="payout_executed", actor=actor,
              summary=_("Paid %(amount)s to %(payee)s") % {"amount": payout.amount, "payee": payout.payee.party},
              payout_id=payout.pk)
    return payout


@transaction.atomic
def payout_return(*, actor, payout: Payout, reason: str) -> Payout:
    """The approver sends a prepared payout back to the officer, with the reason."""
    case, payout = _lock_payout(payout)
    require(actor, Perm.PAYOUT_APPROVE, case)
    if payout.status != PayoutStatus.PREPARED:
        raise ValidationError({"status": _("Only a payout awaiting approval can be returned.")})
    if payout.prepared_by_id == actor.pk:
        raise PermissionDenied(_("The person who prepared a payout cannot decide on it."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("This field is required.")})
    payout.status, payout.returned_reason = PayoutStatus.RETURNED, reason.strip()[:300]
    payout.save(update_fields=["status", "returned_reason"])
    log_event(case=case, type="payout_returned", actor=actor,
              summary=_("Payout of %(amount)s returned: %(reason)s") % {"amount": payout.amount,
                                                                       "reason": payout.returned_reason},
              payout_id=payout.pk)
    return payout


@transaction.atomic
def payout_cancel(*, actor, payout: Payout, reason: str) -> Payout:
    """Cancel a payout not yet paid: the preparer (or anyone who may prepare on the case) or an approver."""
    case, payout = _lock_payout(payout)
    from accounts.policy import has_perm

    if not (has_perm(actor, Perm.PAYOUT_PREPARE, case) or has_perm(actor, Perm.PAYOUT_APPROVE, case)):
        raise PermissionDenied(_("You do not have permission to do this."))
    if payout.status not in OPEN_STATUSES:
        raise ValidationError({"status": _("Only a payout not yet paid can be cancelled.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("This field is required.")})
    payout.status, payout.returned_reason = PayoutStatus.CANCELLED, reason.strip()[:300]
    payout.save(update_fields=["status", "returned_reason"])
    log_event(case=case, type="payout_cancelled", actor=actor,
              summary=_("Payout of %(amount)s cancelled: %(reason)s") % {"amount": payout.amount,
                                                                        "reason": payout.returned_reason},
              payout_id=payout.pk)
    return payout
