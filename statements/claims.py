"""Claims of unidentified money (不明款认领): an officer says whose money it is, finance (someone else) decides.

* ``claim_create``: a holder of ``FUNDS_CLAIM`` on the case (the officer and their team; the chief court-wide)
  claims an unidentified credit line of the same court for the case, with a reason (required). One pending claim
  per line (service check under the line's row lock, and a partial unique index); the line reads ``claimed``.
* ``claim_confirm``: a holder of ``FUNDS_RECORD`` (finance), never the claimer (service check and the
  ``claim_decider_not_claimer`` constraint), posts the line to the case as a receipt (``statements.posting``).
* ``claim_reject``: the same decider refuses it with a reason (required); the line goes back to the queue, still
  waiting since the day it first became unidentified.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from cases.models import Case
from core.formats import format_amount
from core.text import clean_text

from .models import Claim, ClaimStatus, Direction, LineStatus, MatchRule, StatementLine
from .posting import lock_line, post_locked


def _log(*, case: Case, type: str, actor, summary: str, **parameters) -> None:
    from cases.events import event_log

    event_log(case=case, type=type, actor=actor, summary=summary, **parameters)


@transaction.atomic
def claim_create(*, actor, line: StatementLine, case: Case, reason: str) -> Claim:
    reason = clean_text(reason, field="reason", max_length=300, required=True,
                        required_message=_("Say why this money belongs to the case."))
    require(actor, Perm.FUNDS_CLAIM, case)
    line = lock_line(line)
    if line.court_id != case.court_id:
        raise ValidationError({"case": _("The money arrived on another court's account.")})
    if line.direction != Direction.CREDIT or line.status != LineStatus.UNMATCHED:
        raise ValidationError({"line": _("Only unidentified money can be claimed; this line is %(status)s.")
                               % {"status": line.get_status_display()}})
    if Claim.objects.filter(line=line, status=ClaimStatus.PENDING).exists():
        raise ValidationError({"line": _("This money is already claimed and waits for finance.")})
    try:
        with transaction.atomic():
            claim = Claim.objects.create(court_id=line.court_id, line=line, case=case, claimed_by=actor,
                                         reason=reason)
    except IntegrityError:  # pragma: no cover - the row lock above serialises claims of one line
        raise ValidationError({"line": _("This money is already claimed and waits for finance.")}) from None
    StatementLine.objects.filter(pk=line.pk).update(status=LineStatus.CLAIMED)
    _log(case=case, type="funds_claimed", actor=actor,
         summary=_("Unidentified money claimed: %(amount)s from %(payer)s (%(reference)s)") % {
             "amount": format_amount(line.amount), "payer": line.payer_name or "-", "reference": line.bank_reference},
         claim_id=claim.pk, line_id=line.pk)
    return claim


def _lock_claim(claim: Claim) -> Claim:
    return Claim.objects.select_for_update(of=("self",)).select_related("case").get(pk=claim.pk)


def _may_decide(actor, claim: Claim) -> None:
    require(actor, Perm.FUNDS_RECORD, claim.case)
    if claim.claimed_by_id == actor.pk:
        raise PermissionDenied(_("Someone other than the claimer must decide the claim."))
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError({"claim": _("This claim has already been decided.")})


@transaction.atomic
def claim_confirm(*, actor, claim: Claim):
    """Post the claimed line to the claim's case. Returns the ledger entry."""
    claim = _lock_claim(claim)
    _may_decide(actor, claim)
    line = lock_line(claim.line_id)
    if line.status != LineStatus.CLAIMED:
        raise ValidationError({"claim": _("The line is no longer waiting for this claim.")})
    entry = post_locked(actor=actor, line=line, case=claim.case, rule=MatchRule.CLAIM, confidence=100)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.CONFIRMED, decided_by=actor,
                                             decided_at=timezone.now())
    return entry


@transaction.atomic
def claim_reject(*, actor, claim: Claim, reason: str) -> Claim:
    reason = clean_text(reason, field="reason", max_length=300, required=True,
                        required_message=_("Say why the claim is rejected."))
    claim = _lock_claim(claim)
    _may_decide(actor, claim)
    line = lock_line(claim.line_id)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.REJECTED, decided_by=actor,
                                             decided_at=timezone.now(), reject_reason=reason)
    if line.status == LineStatus.CLAIMED:
        StatementLine.objects.filter(pk=line.pk).update(status=LineStatus.UNMATCHED)
    _log(case=claim.case, type="funds_claim_rejected", actor=actor,
         summary=_("Claim of unidentified money rejected: %(reason)s") % {"reason": reason}, claim_id=claim.pk)
    claim.refresh_from_db()
    return claim
