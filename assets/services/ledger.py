"""The case-fund ledger (案款, 一案一账号): receipts and reversing entries.

Entries are never edited or deleted (database triggers refuse it); a mistake is corrected by a reversing entry. The
balance is the sum of ``signed_amount``; every write locks the case row first, checks, then inserts, and a database
trigger refuses any insert that would leave the balance negative. ``Case.amount_recovered`` is kept in step in the
same transaction.

Receipts and reversals are the finance office's work (``FUNDS_RECORD``). A reversal needs a reason, may not leave
less than zero available (balance less money reserved by open payouts) and, for a receipt of at least the court's
``reversal_second_person_threshold``, waits for a second person (``ReversalRequest``). A bank reference already on
the court's ledger is refused unless confirmed with a reason. See docs/money.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm, require
from cases.models import Case
from core import court_settings
from core.fields import money_input
from core.formats import format_amount as fmt
from core.rules.stages import StepEvent

from ..models import (
    OUTFLOW_KIND_VALUES,
    RECEIPT_KIND_VALUES,
    Disposal,
    DisposalStatus,
    EntryKind,
    LedgerEntry,
    Payout,
    PayoutStatus,
    ReversalRequest,
    ReversalStatus,
)
from ..signals import receipt_recorded
from ._common import lock_case, log_event, reserved_locked, stage_advance


def balance_locked(case: Case) -> Decimal:
    """The balance; call with the case row locked."""
    return LedgerEntry.objects.filter(case_id=case.pk).aggregate(s=Sum("signed_amount"))["s"] or Decimal("0.00")


REASON_MAX = 300
# Case amounts are numeric(16, 2): a running total must stay below this.
TOTAL_LIMIT = Decimal("1e14")


def reference_normalize(reference: str | None) -> str:
    """A bank reference (银行流水号) as compared and stored: no whitespace, ASCII letters upper-case."""
    return "".join((reference or "").split()).upper()


def receipt_duplicate_of(*, court_id: int, reference: str) -> LedgerEntry | None:
    """The receipt already on the court's ledger with this bank reference (not reversed), if any."""
    if not reference:
        return None
    return (LedgerEntry.objects.filter(court_id=court_id, reference=reference, kind__in=RECEIPT_KIND_VALUES,
                                       reversed_by__isnull=True)
            .select_related("case").order_by("id").first())


@transaction.atomic
def receipt_record(
    *,
    actor,
    case: Case,
    kind: str,
    amount,
    occurred_on: date,
    payer: str = "",
    reference: str = "",
    memo: str = "",
    disposal: Disposal | None = None,
    duplicate_confirmed: bool = False,
    duplicate_reason: str = "",
) -> LedgerEntry:
    """Money received into the case's account (debtor payment, bank deduction, auction proceeds, field collection).
    Starts the receipt's payout clock (``payout_days``, §2.1 node 11). Finance's work (``FUNDS_RECORD``).

    A bank reference already on the court's ledger is refused, naming the receipt that has it, unless the recorder
    confirms it is not a duplicate and says why (``duplicate_confirmed`` with ``duplicate_reason``)."""
    case = lock_case(case)
    require(actor, Perm.FUNDS_RECORD, case)
    errors = {}
    if kind not in RECEIPT_KIND_VALUES:
        errors["kind"] = _("Choose the kind of receipt.")
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date cannot be in the future.")
    if disposal is not None:
        if disposal.case_id != case.pk:
            errors["disposal"] = _("The disposal belongs to another case.")
        elif disposal.status != DisposalStatus.SOLD:
            errors["disposal"] = _("Only a sale brings proceeds.")
    elif kind == EntryKind.AUCTION_PROCEEDS:
        errors["disposal"] = _("Name the disposal the proceeds come from.")
    reference = reference_normalize(reference)
    if len(reference) > 80:
        errors["reference"] = _("The reference is longer than 80 characters.")
    for name, text, limit in (("payer", payer, 200), ("memo", memo, 300), ("duplicate_reason", duplicate_reason,
                                                                            REASON_MAX)):
        if len((text or "").strip()) > limit:
            errors[name] = _("Enter at most %(n)s characters.") % {"n": limit}
    try:
        value = money_input(amount, field="amount", positive=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        value = None
    if value is not None and case.amount_recovered + value >= TOTAL_LIMIT:
        errors["amount"] = _("This receipt would take the case's total recovered beyond what the ledger can hold; "
                             "check the amount.")
    if errors:
        raise ValidationError(errors)
    duplicate_note = ""
    if reference:
        # Two receipts with one reference on different cases lock different case rows: serialise on the reference.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           [f"ledger-reference:{case.court_id}:{reference}"])
        existing = receipt_duplicate_of(court_id=case.court_id, reference=reference)
        if existing is not None:
            if not duplicate_confirmed:
                raise ValidationError({"reference": _(
                    "A receipt with bank reference %(reference)s is already on the ledger: case %(case)s, "
                    "%(amount)s received on %(date)s. If this is a different payment, confirm it and give the "
                    "reason.") % {"reference": reference, "case": existing.case.number, "amount": fmt(existing.amount),
                                  "date": existing.occurred_on.isoformat()}})
            if not (duplicate_reason or "").strip():
                raise ValidationError({"duplicate_reason": _(
                    "Say why this receipt with an existing bank reference is not a duplicate.")})
            duplicate_note = duplicate_reason.strip()
    entry = LedgerEntry.objects.create(
        case=case, court_id=case.court_id, kind=kind, amount=value, signed_amount=value, occurred_on=occurred_on,
        recorded_by=actor, payer=(payer or "").strip(), reference=reference, memo=(memo or "").strip(),
        disposal=disposal,
        payout_due_on=occurred_on + timedelta(days=court_settings.get(case.court_id, "payout_days")),
    )
    Case.objects.filter(pk=case.pk).update(amount_recovered=F("amount_recovered") + value)
    log_event(case=case, type="funds_received", actor=actor,
              summary=_("%(kind)s received: %(amount)s") % {"kind": entry.get_kind_display(), "amount": fmt(value)},
              entry_id=entry.pk)
    if duplicate_note:
        log_event(case=case, type="funds_duplicate_reference_confirmed", actor=actor,
                  summary=_("Receipt with an existing bank reference %(reference)s recorded: %(reason)s") % {
                      "reference": reference, "reason": duplicate_note}, entry_id=entry.pk)
    _record_over_collection(actor=actor, case=case, entry=entry)
    stage_advance(actor=actor, case=case, event=StepEvent.FUNDS, step_label=entry.get_kind_display())
    receipt_recorded.send(sender=LedgerEntry, case=case, entry=entry, actor=actor)
    return entry


def _record_over_collection(*, actor, case: Case, entry: LedgerEntry) -> None:
    """A receipt that leaves more on the account than the case can absorb (超额到账) is put on the case timeline, so
    the money is returned to the debtor (docs/money.md)."""
    from core.formats import format_money

    from ..selectors import payout_limits

    case.refresh_from_db(fields=["amount_recovered"])
    over = payout_limits(case=case).over_collected
    if over > 0:
        log_event(case=case, type="funds_over_collected", actor=actor,
                  summary=_("Over-collected %(amount)s: to be returned to the debtor") % {"amount": format_money(over)},
                  entry_id=entry.pk, amount=str(over))


@transaction.atomic
def fee_transfer_record(*, actor, case: Case, amount, occurred_on: date | None = None, reference: str = "",
                        memo: str = "") -> LedgerEntry:
    """The enforcement fee withheld first (``fee_withheld_first``, §4.2, §5.1 step 2) leaves the case's account for
    the court's fee account (执行费划转). Finance's work (``FUNDS_RECORD``). At most the fee still withheld (the fee
    less what was already transferred) and at most what is available (balance less payouts not yet paid). Settles
    receipts' payout clocks like a disbursement."""
    from ..selectors import payout_limits

    case = lock_case(case)
    require(actor, Perm.FUNDS_RECORD, case)
    errors = {}
    today = timezone.localdate()
    occurred_on = occurred_on or today
    if not isinstance(occurred_on, date):
        errors["occurred_on"] = _("Enter a valid date.")
    elif occurred_on > today:
        errors["occurred_on"] = _("The date cannot be in the future.")
    reference = reference_normalize(reference)
    if len(reference) > 80:
        errors["reference"] = _("The reference is longer than 80 characters.")
    if len((memo or "").strip()) > REASON_MAX:
        errors["memo"] = _("Enter at most %(n)s characters.") % {"n": REASON_MAX}
    try:
        value = money_input(amount, field="amount", positive=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        value = None
    if errors:
        raise ValidationError(errors)
    limits = payout_limits(case=case)
    if value > limits.fee:
        raise ValidationError({"amount": _(
            "Only %(fee)s yuan of the enforcement fee is withheld in the account (fee %(due)s, already transferred "
            "%(done)s); this transfer is more than that.") % {
            "fee": fmt(limits.fee), "due": fmt(limits.fee_due), "done": fmt(limits.fee_transferred)}})
    # Receipts whose reversal awaits a second person stay in the account, as for a payout.
    available = balance_locked(case) - reserved_locked(case) - limits.held
    if value > available:
        raise ValidationError({"amount": _("The amount is more than the available balance %(available)s.") % {
            "available": fmt(available)}})
    entry = LedgerEntry.objects.create(
        case=case, court_id=case.court_id, kind=EntryKind.FEE_TRANSFER, amount=value, signed_amount=-value,
        occurred_on=occurred_on, recorded_by=actor, payer=_("Court fee account")[:200], reference=reference,
        memo=(memo or "").strip(),
    )
    receipts_settle(case=case, on=occurred_on)
    log_event(case=case, type="funds_fee_transferred", actor=actor,
              summary=_("Enforcement fee of %(amount)s transferred to the court's fee account") % {
                  "amount": fmt(value)},
              entry_id=entry.pk)
    return entry


def _clean_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("Enter at most %(n)s characters.") % {"n": REASON_MAX}})
    return text


def _reversal_check(*, case: Case, entry: LedgerEntry, occurred_on: date) -> None:
    """The rules a reversal must meet at the moment it is written; call with the case row locked."""

    if entry.kind == EntryKind.REVERSAL:
        raise ValidationError({"entry": _("A reversal cannot itself be reversed; record a new entry instead.")})
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": _("This entry has already been reversed.")})
    if occurred_on < entry.occurred_on or occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date must lie between the entry's date and today.")})
    if entry.kind not in OUTFLOW_KIND_VALUES:
        available = balance_locked(case) - reserved_locked(case)
        if available - entry.amount < 0:
            raise ValidationError({"entry": _(
                "Only %(available)s is available (the balance less money reserved for payouts not yet paid); "
                "reversing %(amount)s would take it below zero. Cancel or return the open payouts first.") % {
                    "available": fmt(available), "amount": fmt(entry.amount)}})


def needs_second_person(entry: LedgerEntry) -> bool:
    """Reversing this receipt needs a second person (``reversal_second_person_threshold``)."""
    return entry.kind in RECEIPT_KIND_VALUES and entry.amount >= court_settings.get(
        entry.court_id, "reversal_second_person_threshold")


def _reverse_locked(*, actor, case: Case, entry: LedgerEntry, reason: str, occurred_on: date) -> LedgerEntry:
    is_disbursement = entry.kind == EntryKind.DISBURSEMENT
    signed = entry.amount if entry.kind in OUTFLOW_KIND_VALUES else -entry.amount
    reversal = LedgerEntry.objects.create(
        case=case, court_id=case.court_id, kind=EntryKind.REVERSAL, amount=entry.amount, signed_amount=signed,
        occurred_on=occurred_on, recorded_by=actor, reverses=entry, memo=reason,
    )
    if is_disbursement:
        Payout.objects.filter(pk=entry.payout_id).update(status=PayoutStatus.RETURNED, returned_reason=reason)
    elif entry.kind == EntryKind.FEE_TRANSFER:
        pass  # the fee comes back into the account: withheld again, nothing recovered changes
    else:
        Case.objects.filter(pk=case.pk).update(amount_recovered=F("amount_recovered") - entry.amount)
    receipts_settle(case=case, on=occurred_on)
    log_event(case=case, type="funds_reversed", actor=actor,
              summary=_("Entry reversed (%(kind)s %(amount)s): %(reason)s") % {
                  "kind": entry.get_kind_display(), "amount": fmt(entry.amount), "reason": reason},
              entry_id=reversal.pk)
    return reversal


def entry_reverse_check(*, actor, entry: LedgerEntry, reason: str, occurred_on: date | None = None) -> bool:
    """Check a reversal without writing anything (the page's confirmation step); returns whether it will need a
    second person. Raises what ``entry_reverse`` would raise."""
    with transaction.atomic():
        case = lock_case(entry.case_id)
        entry = LedgerEntry.objects.get(pk=entry.pk)
        require(actor, Perm.PAYOUT_APPROVE if entry.kind == EntryKind.DISBURSEMENT else Perm.FUNDS_RECORD, case)
        _clean_reason(reason)
        _reversal_check(case=case, entry=entry, occurred_on=occurred_on or timezone.localdate())
        if ReversalRequest.objects.filter(entry=entry, status=ReversalStatus.PENDING).exists():
            raise ValidationError({"entry": _("A reversal of this entry already awaits confirmation.")})
        return needs_second_person(entry)


@transaction.atomic
def entry_reverse(*, actor, entry: LedgerEntry, reason: str,
                  occurred_on: date | None = None) -> LedgerEntry | ReversalRequest:
    """Correct an entry by a reversing one (冲正), with a reason. Reversing a receipt takes the money back out: refused
    if that would leave less than zero available (balance less money reserved by open payouts). A receipt of at
    least the court's ``reversal_second_person_threshold`` is not reversed at once: a ``ReversalRequest`` is
    returned, to be confirmed by a second person (``reversal_confirm``). Reversing a disbursement (the bank
    returned the payment) puts the money back and marks the payout returned."""
    case = lock_case(entry.case_id)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    require(actor, Perm.PAYOUT_APPROVE if entry.kind == EntryKind.DISBURSEMENT else Perm.FUNDS_RECORD, case)
    occurred_on = occurred_on or timezone.localdate()
    reason = _clean_reason(reason)
    _reversal_check(case=case, entry=entry, occurred_on=occurred_on)
    if ReversalRequest.objects.filter(entry=entry, status=ReversalStatus.PENDING).exists():
        raise ValidationError({"entry": _("A reversal of this entry already awaits confirmation.")})
    if needs_second_person(entry):
        request = ReversalRequest.objects.create(case=case, court_id=case.court_id, entry=entry, reason=reason,
                                                 occurred_on=occurred_on, requested_by=actor)
        log_event(case=case, type="funds_reversal_requested", actor=actor,
                  summary=_("Reversal of %(kind)s %(amount)s requested, awaiting a second person: %(reason)s") % {
                      "kind": entry.get_kind_display(), "amount": fmt(entry.amount), "reason": reason},
                  entry_id=entry.pk, request_id=request.pk)
        return request
    return _reverse_locked(actor=actor, case=case, entry=entry, reason=reason, occurred_on=occurred_on)


def _lock_request(request: ReversalRequest) -> tuple[Case, ReversalRequest]:
    case = lock_case(request.case_id)
    return case, ReversalRequest.objects.select_for_update(of=("self",)).select_related("entry").get(pk=request.pk)


def _may_decide(actor, case) -> bool:
    return has_perm(actor, Perm.FUNDS_RECORD, case) or has_perm(actor, Perm.PAYOUT_APPROVE, case)


@transaction.atomic
def reversal_confirm(*, actor, request: ReversalRequest) -> ReversalRequest:
    """The second person (another finance user, or the chief; never the requester) confirms a pending reversal:
    the rules are checked again now and the reversing entry is written."""
    case, request = _lock_request(request)
    if not _may_decide(actor, case):
        raise PermissionDenied(_("You do not have permission to do this."))
    if request.status != ReversalStatus.PENDING:
        raise ValidationError({"status": _("Only a reversal awaiting confirmation can be confirmed.")})
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(_("The person who requested a reversal cannot confirm it."))
    entry = request.entry
    _reversal_check(case=case, entry=entry, occurred_on=request.occurred_on)
    request.reversal = _reverse_locked(actor=actor, case=case, entry=entry, reason=request.reason,
                                       occurred_on=request.occurred_on)
    request.status, request.decided_by, request.decided_at = ReversalStatus.CONFIRMED, actor, timezone.now()
    request.save(update_fields=["reversal", "status", "decided_by", "decided_at"])
    return request


@transaction.atomic
def reversal_reject(*, actor, request: ReversalRequest, note: str = "") -> ReversalRequest:
    """A second person rejects a pending reversal (with a note), or the requester withdraws it."""
    case, request = _lock_request(request)
    if not _may_decide(actor, case):
        raise PermissionDenied(_("You do not have permission to do this."))
    if request.status != ReversalStatus.PENDING:
        raise ValidationError({"status": _("Only a reversal awaiting confirmation can be rejected.")})
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise ValidationError({"note": _("Enter at most %(n)s characters.") % {"n": REASON_MAX}})
    withdrawn = request.requested_by_id == actor.pk
    if not withdrawn and not note:
        raise ValidationError({"note": _("Give the reason for rejecting the reversal.")})
    request.status = ReversalStatus.WITHDRAWN if withdrawn else ReversalStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    log_event(case=case, type="funds_reversal_rejected", actor=actor,
              summary=(_("Reversal request withdrawn") if withdrawn else _("Reversal request rejected: %(note)s")
                       % {"note": note}), entry_id=request.entry_id, request_id=request.pk)
    return request


def receipts_settle(*, case: Case, on: date) -> None:
    """Recompute which receipts have been paid out, first in first out: a receipt counts as paid out once the net
    disbursements cover it and every receipt before it. Reversed receipts are cleared on the reversal date. Only
    ``paid_out_on`` changes (the one column the immutability trigger allows). Call with the case row locked."""
    rows = list(LedgerEntry.objects.filter(case_id=case.pk).order_by("occurred_on", "id")
                .values("id", "kind", "amount", "reverses_id", "occurred_on", "paid_out_on"))
    kinds = {r["id"]: r["kind"] for r in rows}
    reversal_of = {r["reverses_id"]: r for r in rows if r["kind"] == EntryKind.REVERSAL}
    # Money out: payouts and transfers of the withheld enforcement fee (less those reversed).
    paid = sum((r["amount"] for r in rows if r["kind"] in OUTFLOW_KIND_VALUES), Decimal("0"))
    paid -= sum((r["amount"] for target, r in reversal_of.items() if kinds.get(target) in OUTFLOW_KIND_VALUES),
                Decimal("0"))
    set_paid: dict[date, list[int]] = {}
    clear: list[int] = []
    cumulative = Decimal("0")
    for row in rows:
        if row["kind"] not in RECEIPT_KIND_VALUES:
            continue
        if row["id"] in reversal_of:
            if row["paid_out_on"] is None:
                set_paid.setdefault(reversal_of[row["id"]]["occurred_on"], []).append(row["id"])
            continue
        cumulative += row["amount"]
        covered = cumulative <= paid
        if covered and row["paid_out_on"] is None:
            set_paid.setdefault(on, []).append(row["id"])
        elif not covered and row["paid_out_on"] is not None:
            clear.append(row["id"])
    for day, ids in set_paid.items():
        LedgerEntry.objects.filter(pk__in=ids).update(paid_out_on=day)
    if clear:
        LedgerEntry.objects.filter(pk__in=clear).update(paid_out_on=None)
