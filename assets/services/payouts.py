"""Payouts from a case's fund account (案款发放, domain.md §2.1 node 11, §5.1; the rules in one place: docs/money.md).

Prepared by the officer: to an applicant, within the available balance and within what the applicants may still
receive (the claim with the delayed-performance interest, less what was paid or promised to them, after the
enforcement fee where the court withholds it first), or the surplus (余款) to a debtor once the applicants are
satisfied. The account name must be the payee's, unless the preparer overrides it with a reason. Approved by the
case-fund manager or the chief (never the preparer); when the total to the same payee on the case (this payout, those
awaiting approval or payment, and those paid within ``payout_total_window_days``) reaches the court's threshold, and
for every surplus payout, only the roles in ``payout_high_approver_roles`` may approve, return or cancel it. Then
executed exactly once. Execution locks the case row, then the payout row: concurrent requests queue on the lock
and the second finds the payout already executed; the disbursement row has a unique ``payout`` link, so even code
that skipped the lock could not write two. A retried request with the same Idempotency-Key gets the same result back.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm, require
from cases.models import Case, CaseParty, PartyRole
from core import court_settings
from core.fields import money_input
from core.formats import format_amount as fmt
from core.rules.stages import StepEvent

from ..models import EntryKind, LedgerEntry, Payout, PayoutKind, PayoutStatus
from ._common import OPEN_STATUSES, lock_case, log_event, reserved_locked, stage_advance
from .ledger import balance_locked, receipts_settle


def _normalised_name(name: str) -> str:
    """A name compared as a bank compares it: full-width folded (NFKC), every space removed, case ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "")).casefold()


def _check_limits(case: Case, *, kind: str, payee: CaseParty, amount: Decimal, exclude: Payout | None = None,
                  executing: bool = False) -> None:
    """Refuse an amount beyond what the case's account may pay this payee (core.rules.payout_limits). At execution
    the other approved payouts are not held against this one (they were checked when approved); the claim, the fee
    withheld and, for a surplus, the applicants' claims still are."""
    from ..selectors import payout_limits

    limits = payout_limits(case=case, exclude=exclude)
    if kind == PayoutKind.SURPLUS:
        if amount > limits.surplus:
            raise ValidationError({"amount": _(
                "Only the surplus may go back to the debtor: %(surplus)s yuan now, after the applicants' claims "
                "(%(owed)s yuan still owed) and the enforcement fee withheld (%(fee)s yuan).") % {
                "surplus": fmt(limits.surplus), "owed": fmt(limits.still_owed), "fee": fmt(limits.fee)}})
        return
    if limits.plan_required:
        raise ValidationError({"payee": _(
            "This case has several applicants: prepare a distribution plan and have it approved first.")})
    if amount > limits.still_owed:
        raise ValidationError({"amount": _(
            "The applicant %(name)s may still receive %(limit)s yuan on this case (claim %(claim)s, paid "
            "%(paid)s, awaiting payment %(promised)s); this payout is more than that.") % {
            "name": payee.party.name, "limit": fmt(limits.still_owed), "claim": fmt(limits.claim),
            "paid": fmt(limits.paid_applicants), "promised": fmt(limits.promised_applicants)}})
    own = limits.applicant(payee.pk)
    if limits.has_plan and own is not None:
        room_own = max(own.allotted - own.paid - own.promised, Decimal("0.00"))
        if amount > room_own:
            raise ValidationError({"amount": _(
                "The approved distribution plan allots %(allotted)s yuan to %(name)s (paid %(paid)s, awaiting "
                "payment %(promised)s): at most %(room)s yuan more may be paid to them.") % {
                "allotted": fmt(own.allotted), "name": payee.party.name, "paid": fmt(own.paid),
                "promised": fmt(own.promised), "room": fmt(room_own)}})
    room = limits.balance - limits.fee - limits.held if executing else limits.free
    if amount > room:
        if limits.held:
            raise ValidationError({"amount": _(
                "Only %(room)s yuan may be paid now: %(held)s yuan received is held until the reversal awaiting "
                "a second person is decided, and the enforcement fee withheld is %(fee)s yuan.") % {
                "room": fmt(max(room, Decimal("0.00"))), "held": fmt(limits.held), "fee": fmt(limits.fee)}})
        if limits.fee:
            raise ValidationError({"amount": _(
                "Only %(room)s yuan may be paid now: the enforcement fee of %(fee)s yuan is withheld first.") % {
                "room": fmt(max(room, Decimal("0.00"))), "fee": fmt(limits.fee)}})


def approval_total(case: Case, payout: Payout) -> Decimal:
    """What counts against the approval threshold: this payout plus the others to the same payee on the case that
    await approval or payment or were paid within the court's ``payout_total_window_days``."""
    since = timezone.now() - timedelta(days=court_settings.get(case.court_id, "payout_total_window_days"))
    others = (Payout.objects.filter(case_id=case.pk, payee_id=payout.payee_id).exclude(pk=payout.pk)
              .filter(Q(status__in=OPEN_STATUSES) | Q(status=PayoutStatus.EXECUTED, executed_at__gte=since))
              .aggregate(s=Sum("amount"))["s"])
    return payout.amount + (others or Decimal("0.00"))


def _high_approver(actor, case: Case) -> bool:
    roles = set(court_settings.get(case.court_id, "payout_high_approver_roles"))
    return bool(roles & set(actor.roles or [])) or actor.is_superuser


def _require_high_if_needed(actor, case: Case, payout: Payout, *, deciding: str) -> None:
    """At or above the threshold (on the total, see ``approval_total``), and for every surplus payout, only a holder
    of one of ``payout_high_approver_roles`` may decide (``deciding``: approve, return, cancel)."""
    if _high_approver(actor, case):
        return
    threshold = court_settings.get(case.court_id, "payout_chief_threshold")
    if payout.kind == PayoutKind.SURPLUS:
        raise PermissionDenied(_("A payout of the surplus to the debtor must be decided by the division chief."))
    total = approval_total(case, payout)
    if total < threshold:
        return
    if payout.amount >= threshold:
        if deciding == "approve":
            raise PermissionDenied(_("A payout of %(threshold)s or more must be approved by the division chief.") % {
                "threshold": fmt(threshold)})
        raise PermissionDenied(_("A payout of %(threshold)s or more can only be returned or cancelled by the "
                                 "division chief.") % {"threshold": fmt(threshold)})
    raise PermissionDenied(_(
        "Payouts to %(payee)s on this case total %(total)s (this one, those awaiting approval or payment and those "
        "paid in the last %(days)s days); at %(threshold)s or more only the division chief may decide on them.") % {
        "payee": payout.payee.party.name, "total": fmt(total), "threshold": fmt(threshold),
        "days": court_settings.get(case.court_id, "payout_total_window_days")})


def _clean_key(key: str | None) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > 80:
        raise ValidationError({"idempotency_key": _("The idempotency key is longer than 80 characters.")})
    return key



def may_prepare(actor, case) -> bool:
    """Who may prepare a payout on the case: the handling officer and team (payout.prepare) or finance
    (funds.record, from the case's ledger). Approval is always someone else's (four eyes)."""
    return has_perm(actor, Perm.PAYOUT_PREPARE, case) or has_perm(actor, Perm.FUNDS_RECORD, case)

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
    kind: str = PayoutKind.APPLICANT,
    name_override: bool = False,
    name_override_reason: str = "",
) -> Payout:
    """Prepare a payout to an applicant (``kind`` applicant) or of the surplus to a debtor (``kind`` surplus). The
    account name must be the payee's name unless ``name_override`` with a ``name_override_reason``. With an
    ``idempotency_key`` a repeated request returns the payout the first one made (``payout.replayed`` is then True)
    instead of preparing a second."""
    key = _clean_key(idempotency_key)
    case = lock_case(case)
    if not may_prepare(actor, case):
        require(actor, Perm.PAYOUT_PREPARE, case)  # refused, with the usual message
    if key:
        existing = Payout.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.case_id != case.pk or existing.prepared_by_id != actor.pk:
                raise ValidationError({"idempotency_key": _("This idempotency key was used for another request.")})
            existing.replayed = True
            return existing
    errors = {}
    if kind not in PayoutKind.values:
        errors["kind"] = _("Choose a payout to an applicant or of the surplus to the debtor.")
    elif kind == PayoutKind.APPLICANT and (payee is None or payee.case_id != case.pk
                                           or payee.role != PartyRole.APPLICANT):
        errors["payee"] = _("The payee must be an applicant in this case.")
    elif kind == PayoutKind.SURPLUS and (payee is None or payee.case_id != case.pk
                                         or payee.role != PartyRole.RESPONDENT):
        errors["payee"] = _("The surplus goes back to a debtor (respondent) of this case.")
    for name, value in (("payee_account_name", payee_account_name), ("payee_bank", payee_bank),
                        ("payee_account_number", payee_account_number)):
        if not (value or "").strip():
            errors[name] = _("This field is required.")
    if not isinstance(name_override, bool):
        errors["name_override"] = _("Enter true or false.")
    try:
        value = money_input(amount, field="amount", positive=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    reason = (name_override_reason or "").strip()[:300] if name_override else ""
    mismatch = _normalised_name(payee_account_name) != _normalised_name(payee.party.name)
    if mismatch and not name_override:
        raise ValidationError({"payee_account_name": _(
            "The account name %(account)s is not the payee's name %(payee)s. Correct it, or tick \u201c%(checkbox)s\u201d "
            "and give the reason (e.g. an agent's account authorised in writing).") % {
            "account": payee_account_name.strip(), "payee": payee.party.name,
            # The check box's own label (assets.forms.PayoutPrepareForm.name_override), so the words match the screen.
            "checkbox": _("The account name differs from the payee's name")}})
    if mismatch and not reason:
        raise ValidationError({"name_override_reason": _("Give the reason the account name differs.")})
    if not mismatch:
        name_override, reason = False, ""
    available = balance_locked(case) - reserved_locked(case)
    if value > available:
        raise ValidationError({"amount": _("The amount is more than the available balance %(available)s.") % {
            "available": fmt(available)}})
    _check_limits(case, kind=kind, payee=payee, amount=value)
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                case=case, court_id=case.court_id, payee=payee, amount=value, kind=kind,
                name_override=name_override, name_override_reason=reason,
                payee_account_name=payee_account_name.strip()[:200], payee_bank=payee_bank.strip()[:100],
                payee_account_number=payee_account_number.strip()[:40], note=(note or "")[:300], prepared_by=actor,
                idempotency_key=key,
            )
    except IntegrityError:
        raise ValidationError({"idempotency_key": _("This idempotency key was used for another request.")}) from None
    payout.replayed = False
    log_event(case=case, type="payout_prepared", actor=actor,
              summary=(_("Surplus payout of %(amount)s to the debtor %(payee)s prepared") if kind == PayoutKind.SURPLUS
                       else _("Payout of %(amount)s to %(payee)s prepared")) % {"amount": fmt(value),
                                                                                "payee": payee.party},
              payout_id=payout.pk)
    if name_override:
        log_event(case=case, type="payout_name_override", actor=actor,
                  summary=_("Account name %(account)s differs from the payee %(payee)s; reason: %(reason)s") % {
                      "account": payout.payee_account_name, "payee": payee.party, "reason": reason},
                  payout_id=payout.pk)
    return payout


def _lock_payout(payout: Payout) -> tuple[Case, Payout]:
    case = lock_case(payout.case_id)
    return case, Payout.objects.select_for_update().select_related("payee__party").get(pk=payout.pk)


@transaction.atomic
def payout_approve(*, actor, payout: Payout) -> Payout:
    """Approve a prepared payout: a different person from the preparer, holding the approval permission; when the
    total to the payee on the case (``approval_total``) reaches the court's ``payout_chief_threshold``, and for a
    surplus payout, only a holder of one of ``payout_high_approver_roles``. The limits are checked again."""
    case, payout = _lock_payout(payout)
    require(actor, Perm.PAYOUT_APPROVE, case)
    if payout.status != PayoutStatus.PREPARED:
        raise ValidationError({"status": _("Only a payout awaiting approval can be approved.")})
    if payout.prepared_by_id == actor.pk:
        raise PermissionDenied(_("The person who prepared a payout cannot approve it."))
    _require_high_if_needed(actor, case, payout, deciding="approve")
    available = balance_locked(case) - reserved_locked(case, exclude=payout)
    if payout.amount > available:
        raise ValidationError({"amount": _("The amount is more than the available balance %(available)s.") % {
            "available": fmt(available)}})
    _check_limits(case, kind=payout.kind, payee=payout.payee, amount=payout.amount, exclude=payout)
    payout.status, payout.approved_by, payout.approved_at = PayoutStatus.APPROVED, actor, timezone.now()
    payout.save(update_fields=["status", "approved_by", "approved_at"])
    log_event(case=case, type="payout_approved", actor=actor,
              summary=_("Payout of %(amount)s to %(payee)s approved") % {
                  "amount": fmt(payout.amount), "payee": payout.payee.party}, payout_id=payout.pk)
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
    _check_limits(case, kind=payout.kind, payee=payout.payee, amount=payout.amount, exclude=payout, executing=True)
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
              summary=_("Paid %(amount)s to %(payee)s") % {"amount": fmt(payout.amount), "payee": payout.payee.party},
              payout_id=payout.pk)
    stage_advance(actor=actor, case=case, event=StepEvent.FUNDS, step_label=_("payout executed"))
    return payout


@transaction.atomic
def payout_return(*, actor, payout: Payout, reason: str) -> Payout:
    """The approver sends a prepared payout back to the officer, with the reason; at or above the threshold (on the
    total) and for a surplus payout only the high approver roles."""
    case, payout = _lock_payout(payout)
    require(actor, Perm.PAYOUT_APPROVE, case)
    if payout.status != PayoutStatus.PREPARED:
        raise ValidationError({"status": _("Only a payout awaiting approval can be returned.")})
    if payout.prepared_by_id == actor.pk:
        raise PermissionDenied(_("The person who prepared a payout cannot decide on it."))
    _require_high_if_needed(actor, case, payout, deciding="return")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("This field is required.")})
    payout.status, payout.returned_reason = PayoutStatus.RETURNED, reason.strip()[:300]
    payout.save(update_fields=["status", "returned_reason"])
    log_event(case=case, type="payout_returned", actor=actor,
              summary=_("Payout of %(amount)s returned: %(reason)s") % {"amount": fmt(payout.amount),
                                                                       "reason": payout.returned_reason},
              payout_id=payout.pk)
    return payout


@transaction.atomic
def payout_cancel(*, actor, payout: Payout, reason: str) -> Payout:
    """Cancel a payout not yet paid: the preparer (or anyone who may prepare on the case) or an approver. At or above
    the threshold (on the total) and for a surplus payout only the high approver roles, except that the preparer may
    withdraw their own payout while it still awaits approval."""
    case, payout = _lock_payout(payout)
    if not (has_perm(actor, Perm.PAYOUT_PREPARE, case) or has_perm(actor, Perm.PAYOUT_APPROVE, case)):
        raise PermissionDenied(_("You do not have permission to do this."))
    if payout.status not in OPEN_STATUSES:
        raise ValidationError({"status": _("Only a payout not yet paid can be cancelled.")})
    if not (payout.status == PayoutStatus.PREPARED and payout.prepared_by_id == actor.pk):
        _require_high_if_needed(actor, case, payout, deciding="cancel")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("This field is required.")})
    payout.status, payout.returned_reason = PayoutStatus.CANCELLED, reason.strip()[:300]
    payout.save(update_fields=["status", "returned_reason"])
    log_event(case=case, type="payout_cancelled", actor=actor,
              summary=_("Payout of %(amount)s cancelled: %(reason)s") % {"amount": fmt(payout.amount),
                                                                        "reason": payout.returned_reason},
              payout_id=payout.pk)
    return payout
