"""The case-fund ledger (案款, 一案一账号): receipts and reversing entries.

Entries are never edited or deleted (database triggers refuse it); a mistake is corrected by a reversing entry. The
balance is the sum of ``signed_amount``; every write locks the case row first, checks, then inserts, and a database
trigger refuses any insert that would leave the balance negative. ``Case.amount_recovered`` is kept in step in the
same transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from cases.models import Case
from core import court_settings

from ..models import RECEIPT_KIND_VALUES, Disposal, DisposalStatus, EntryKind, LedgerEntry, Payout, PayoutStatus
from ._common import lock_case, log_event, money


def balance_locked(case: Case) -> Decimal:
    """The balance; call with the case row locked."""
    return LedgerEntry.objects.filter(case_id=case.pk).aggregate(s=Sum("signed_amount"))["s"] or Decimal("0.00")


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
) -> LedgerEntry:
    """Money received into the case's account (debtor payment, bank deduction, auction proceeds, field collection).
    Starts the receipt's payout clock (``payout_days``, §2.1 node 11)."""
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
    if errors:
        raise ValidationError(errors)
    value = money(amount, field="amount")
    entry = LedgerEntry.objects.create(
        case=case, court_id=case.court_id, kind=kind, amount=value, signed_amount=value, occurred_on=occurred_on,
        recorded_by=actor, payer=(payer or "")[:200], reference=(reference or "")[:80], memo=(memo or "")[:300],
        disposal=disposal,
        payout_due_on=occurred_on + timedelta(days=court_settings.get(case.court_id, "payout_days")),
    )
    Case.objects.filter(pk=case.pk).update(amount_recovered=F("amount_recovered") + value)
    log_event(case=case, type="funds_received", actor=actor,
              summary=_("%(kind)s received: %(amount)s") % {"kind": entry.get_kind_display(), "amount": value},
              entry_id=entry.pk)
    return entry


@transaction.atomic
def entry_reverse(*, actor, entry: LedgerEntry, reason: str, occurred_on: date | None = None) -> LedgerEntry:
    """Correct an entry by a reversing one. Reversing a receipt takes the money back out (refused if it has already
    been paid out); reversing a disbursement (the bank returned the payment) puts it back and marks the payout
    returned."""
    case = lock_case(entry.case_id)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    is_disbursement = entry.kind == EntryKind.DISBURSEMENT
    require(actor, Perm.PAYOUT_APPROVE if is_disbursement else Perm.FUNDS_RECORD, case)
    occurred_on = occurred_on or timezone.localdate()
    if entry.kind == EntryKind.REVERSAL:
        raise ValidationError({"entry": _("A reversal cannot itself be reversed; record a new entry instead.")})
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": _("This entry has already been reversed.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("This field is required.")})
    if occurred_on < entry.occurred_on or occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date must lie between the entry's date and today.")})
    signed = entry.amount if is_disbursement else -entry.amount
    if signed < 0 and balance_locked(case) + signed < 0:
        raise ValidationError({"entry": _("The money has already been paid out; the balance cannot go negative.")})
    reversal = LedgerEntry.objects.create(
        case=case, court_id=case.court_id, kind=EntryKind.REVERSAL, amount=entry.amount, signed_amount=signed,
        occurred_on=occurred_on, recorded_by=actor, reverses=entry, memo=reason.strip()[:300],
    )
    if is_disbursement:
        Payout.objects.filter(pk=entry.payout_id).update(status=PayoutStatus.RETURNED, returned_reason=reason[:300])
    else:
        Case.objects.filter(pk=case.pk).update(amount_recovered=F("amount_recovered") - entry.amount)
    receipts_settle(case=case, on=occurred_on)
    log_event(case=case, type="funds_reversed", actor=actor,
              summary=_("Entry reversed (%(kind)s %(amount)s): %(reason)s") % {
                  "kind": entry.get_kind_display(), "amount": entry.amount, "reason": reason.strip()},
              entry_id=reversal.pk)
    return reversal


def receipts_settle(*, case: Case, on: date) -> None:
    """Recompute which receipts have been paid out, first in first out: a receipt counts as paid out once the net
    disbursements cover it and every receipt before it. Reversed receipts are cleared on the reversal date. Only
    ``paid_out_on`` changes (the one column the immutability trigger allows). Call with the case row locked."""
    rows = list(LedgerEntry.objects.filter(case_id=case.pk).order_by("occurred_on", "id")
                .values("id", "kind", "amount", "reverses_id", "occurred_on", "paid_out_on"))
    kinds = {r["id"]: r["kind"] for r in rows}
    reversal_of = {r["reverses_id"]: r for r in rows if r["kind"] == EntryKind.REVERSAL}
    paid = sum((r["amount"] for r in rows if r["kind"] == EntryKind.DISBURSEMENT), Decimal("0"))
    paid -= sum((r["amount"] for target, r in reversal_of.items() if kinds.get(target) == EntryKind.DISBURSEMENT),
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
