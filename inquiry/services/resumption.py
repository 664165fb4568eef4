"""Resumption proposals (恢复执行建议): a post-终本 query found assets, so enforcement may resume as a new 执恢 case.

The system proposes (``proposal_propose``, from the results); the handling officer puts the proposal to the chief
(``proposal_submit``: Perm.CASE_ACT) or dismisses it with a reason; the chief accepts (``proposal_accept``:
Perm.CASE_CLOSE_APPROVE, the chief's approval, and Perm.CASE_REGISTER through ``cases.services.case_resume``, which
registers the 执恢 case) or dismisses it. Accepting twice registers one case: the proposal is locked (after its case,
the order every case service locks in) and an accepted proposal returns its case; ``case_resume`` itself refuses a
second open resumed case.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from cases.events import event_log
from cases.models import Case
from cases.services._common import audited, lock_case
from core.text import clean_text

from ..models import OPEN_PROPOSAL, InquiryBatch, ProposalStatus, ResultRow, ResumptionProposal


def _found_text(rows) -> str:
    from cases.actions import mask_number

    parts = [f"{row.institution} {mask_number(row.account)}" + (f" ¥{row.balance:,.2f}" if row.balance else "")
             for row in rows[:3]]
    more = len(rows) - 3
    return "；".join(parts) + (_(" and %(n)s more") % {"n": more} if more > 0 else "")


@transaction.atomic
def proposal_propose(*, case: Case, batch: InquiryBatch, rows: list[ResultRow]) -> ResumptionProposal:
    """The system's proposal for ``case`` (locked by the caller): the open one gets the new rows, else a new one."""
    proposal = (ResumptionProposal.objects.select_for_update().filter(case=case, status__in=OPEN_PROPOSAL).first()
                or ResumptionProposal.objects.filter(case=case, batch=batch).first())
    created = proposal is None
    if created:
        proposal = ResumptionProposal.objects.create(case=case, batch=batch)
    proposal.rows.add(*rows)
    if created:
        event_log(case=case, type="resumption_proposed", actor=None,
                  summary=_("Post-终本 query found assets: resumption proposed (%(found)s)") % {
                      "found": _found_text(rows)}, proposal_id=proposal.pk, batch=batch.number)
    return proposal


def _locked(proposal: ResumptionProposal) -> tuple[Case, ResumptionProposal]:
    case = lock_case(proposal.case)
    return case, ResumptionProposal.objects.select_for_update().get(pk=proposal.pk)


@audited
def proposal_submit(*, actor, proposal: ResumptionProposal, note: str = "") -> ResumptionProposal:
    """The handling officer puts the proposal to the chief."""
    case, proposal = _locked(proposal)
    require(actor, Perm.CASE_ACT, case)
    note = clean_text(note, field="note", max_length=300, multiline=True)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError({"status": [_("This proposal is no longer waiting for the officer.")]})
    proposal.status, proposal.submitted_by, proposal.submitted_at, proposal.note = (
        ProposalStatus.SUBMITTED, actor, timezone.now(), note)
    proposal.save(update_fields=["status", "submitted_by", "submitted_at", "note"])
    event_log(case=case, type="resumption_submitted", actor=actor,
              summary=_("Resumption put to the chief") + (f": {note}" if note else ""), proposal_id=proposal.pk)
    return proposal


@audited
def proposal_accept(*, actor, proposal: ResumptionProposal, reason: str = "") -> Case:
    """The chief resumes enforcement: a new 执恢 case (cases.services.case_resume). Accepting again returns the
    case already registered."""
    from cases.services.closures import case_resume

    case, proposal = _locked(proposal)
    require(actor, Perm.CASE_CLOSE_APPROVE, case)
    if proposal.status == ProposalStatus.ACCEPTED:
        return proposal.resumed_case
    if proposal.status not in OPEN_PROPOSAL:
        raise ValidationError({"status": [_("This proposal was dismissed.")]})
    reason = clean_text(reason, field="reason", max_length=200, multiline=True)
    rows = list(proposal.rows.select_related("request").order_by("id"))
    ground = _("Post-终本 network query (batch %(batch)s) found: %(found)s") % {
        "batch": proposal.batch.number, "found": _found_text(rows)}
    new = case_resume(actor=actor, case=case, reason=(ground + (f"。{reason}" if reason else ""))[:300])
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.ACCEPTED, actor, timezone.now()
    proposal.reason, proposal.resumed_case = reason, new
    proposal.save(update_fields=["status", "decided_by", "decided_at", "reason", "resumed_case"])
    return new


@audited
def proposal_dismiss(*, actor, proposal: ResumptionProposal, reason: str) -> ResumptionProposal:
    """The officer (while it waits for them) or the chief dismisses the proposal, saying why."""
    case, proposal = _locked(proposal)
    if proposal.status == ProposalStatus.SUBMITTED:
        require(actor, Perm.CASE_CLOSE_APPROVE, case)
    else:
        require(actor, Perm.CASE_ACT, case)
    if proposal.status not in OPEN_PROPOSAL:
        raise ValidationError({"status": [_("This proposal was already decided.")]})
    reason = clean_text(reason, field="reason", max_length=300, multiline=True, required=True,
                        required_message=_("Say why enforcement is not resumed."))
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.reason = (
        ProposalStatus.DISMISSED, actor, timezone.now(), reason)
    proposal.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    event_log(case=case, type="resumption_dismissed", actor=actor,
              summary=_("Resumption proposal dismissed: %(reason)s") % {"reason": reason}, proposal_id=proposal.pk)
    return proposal
