"""Closure (结案) in one of the six statutory modes (domain.md §2.3), the 终本 conditions (§2.4), and resumption.

``closure_checklist(case, mode, ground)`` lists each condition the system can check, whether it is met, and what is
missing; a request whose required conditions are not all met is refused with that list. Closures that need
approval wait for the chief, who approves (the case closes) or returns them with a reason.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policy import Perm, has_perm, require
from core import court_settings
from core.text import clean_text

from .. import events, signals
from ..models import (
    IMPLEMENTATION_TYPES, REVIEW_TYPES, BasisKind, Case, CaseParty, CaseType, ClosureMode,
    ClosureRequest, ClosureStatus, ObligationKind, PartyRole, SettlementStatus, Stage, TermPause,
)
from ._common import audited, lock_case
from .zhongben import Check, zhongben_checks

# Grounds a closure in these modes must name (CPL arts 248-249, 268; EXEC-PROC arts 2-3; CPL-I art 481).
GROUNDS = {
    ClosureMode.TERMINATED: (
        ("applicant_withdrew", gettext_lazy("The applicant withdrew the application")),
        ("instrument_revoked", gettext_lazy("The basis instrument was revoked")),
        ("debtor_died_no_estate", gettext_lazy("The debtor died with no estate and no successor")),
        ("maintenance_creditor_died", gettext_lazy("The maintenance or alimony creditor died")),
        ("debtor_destitute", gettext_lazy("The debtor is destitute, without income and unable to work")),
        ("bankruptcy", gettext_lazy("The debtor was declared bankrupt")),
        ("object_destroyed", gettext_lazy("The specific object was destroyed")),
        ("other", gettext_lazy("Other ground")),
    ),
    ClosureMode.WITHDRAWN: (
        ("jurisdiction_upheld", gettext_lazy("Jurisdiction objection upheld")),
        ("filed_elsewhere_first", gettext_lazy("Another competent court filed first")),
        ("entrustment_returned", gettext_lazy("Entrustment returned")),
        ("other", gettext_lazy("Other ground")),
    ),
    ClosureMode.REFUSED: (
        ("arbitral_award_defect", gettext_lazy("Arbitral award with a ground under CPL art 248")),
        ("notarised_debt_wrong", gettext_lazy("Notarised debt instrument wrong (CPL art 249)")),
        ("limitation_upheld", gettext_lazy("Limitation objection upheld (CPL-I art 481)")),
    ),
    ClosureMode.REJECTED: (
        ("filing_conditions_unmet", gettext_lazy("The filing conditions were not met (EXEC-98 art 16)")),
    ),
    ClosureMode.REVIEW_DECIDED: (
        ("upheld", gettext_lazy("Upheld")),
        ("rejected", gettext_lazy("Rejected")),
        ("not_accepted", gettext_lazy("Not accepted")),
        ("withdrawn", gettext_lazy("Withdrawn")),
    ),
}

# The reasons are printed in the 终本 ruling and the closure notice: a page at most.
CLOSURE_REASON_MAX = 1000



def _outstanding(case: Case):
    return case.amount_claimed - case.amount_recovered


def _ledger_balance(case: Case):
    """Money held on the case's account, if the assets app's ledger is installed."""
    try:
        LedgerEntry = apps.get_model("assets", "LedgerEntry")
    except LookupError:
        return None
    return LedgerEntry.objects.filter(case=case).aggregate(s=Sum("signed_amount"))["s"] or 0


def closure_checklist(case: Case, mode: str, ground: str = "", *, today: date | None = None) -> list[Check]:
    """The conditions of ``mode`` for ``case`` and whether each is met."""
    today = today or timezone.localdate()
    checks: list[Check] = []
    review = case.case_type in REVIEW_TYPES
    if review != (mode == ClosureMode.REVIEW_DECIDED):
        return [Check("mode_fits_type", _("Closure mode fits the case type"), False,
                      detail=_("Review cases close by ruling or decision; enforcement cases in one of the six "
                               "modes."))]
    if mode in GROUNDS:
        valid = {key for key, _label in GROUNDS[mode]}
        checks.append(Check("ground", _("Ground stated"), ground in valid,
                            detail="" if ground in valid else _("Choose the ground.")))
    if mode == ClosureMode.FULFILLED:
        performed = case.settlements.filter(status=SettlementStatus.PERFORMED).exists()
        if case.obligation_kind in (ObligationKind.MONEY, ObligationKind.BOTH):
            paid = _outstanding(case) <= 0
            checks.append(Check("paid_in_full", _("Everything owed recovered, or a settlement fully performed"),
                                paid or performed,
                                detail="" if paid or performed else _("¥%(amount)s still outstanding") % {
                                    "amount": f"{_outstanding(case):,.2f}"}))
        balance = _ledger_balance(case)
        if balance is not None:
            checks.append(Check("funds_paid_out", _("No money left undistributed on the case account"),
                                balance == 0, detail="" if balance == 0 else _("¥%(amount)s held") % {
                                    "amount": f"{balance:,.2f}"}))
        active = case.settlements.filter(status=SettlementStatus.ACTIVE).exists()
        checks.append(Check("no_active_settlement", _("No settlement still being performed"), not active,
                            detail=_("A settlement is still being performed.") if active else ""))
    elif mode == ClosureMode.TERMINATED_ROUND:
        if case.case_type not in (CaseType.FIRST, CaseType.RESUMED):
            checks.append(Check("type", _("终本 applies to first and resumed enforcement"), False))
        checks.extend(zhongben_checks(case, today))
    elif mode == ClosureMode.REFUSED:
        needs = {"arbitral_award_defect": BasisKind.ARBITRAL_AWARD, "notarised_debt_wrong": BasisKind.NOTARISED_DEBT}
        if ground in needs:
            ok = case.basis_kind == needs[ground]
            checks.append(Check("basis_fits_ground", _("The basis instrument is of the kind the ground concerns"), ok,
                                detail="" if ok else _("The basis is a %(kind)s.") % {
                                    "kind": case.get_basis_kind_display()}))
    if case.case_type == CaseType.PRESERVATION and mode == ClosureMode.TERMINATED_ROUND:
        checks.append(Check("preservation", _("Preservation cases do not end in 终本"), False))
    return checks


def missing_conditions(checks: list[Check]) -> list[str]:
    return [f"{c.label}: {c.detail}" if c.detail else str(c.label) for c in checks if c.required and not c.ok]


def _close_case(*, actor, case: Case, mode: str, on: date) -> None:
    old = case.stage
    TermPause.objects.filter(case=case, ended_on__isnull=True).update(ended_on=on)
    case.stage, case.closure_mode, case.closed_on, case.resume_stage = Stage.CLOSED, mode, max(on, case.filed_on), ""
    case.save(update_fields=["stage", "closure_mode", "closed_on", "resume_stage", "updated_at"])
    if mode == ClosureMode.FULFILLED:
        # Full performance: restrictions must be lifted promptly (XGXF-2010 art 9) and the listing deleted (§3.5).
        # Parties whose measures the credit app manages are left to it (it opens their removal: case_closed).
        managed = _credit_managed(case)
        for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).exclude(
                pk__in=managed).select_related("party"):
            changed = []
            if cp.restricted_on and not cp.restriction_lifted_on:
                cp.restriction_lifted_on = on
                changed.append("restriction_lifted_on")
            if cp.dishonest_listed_on and not cp.dishonest_removed_on:
                cp.dishonest_removed_on = on
                changed.append("dishonest_removed_on")
            if changed:
                cp.save(update_fields=changed)
                events.party_status_changed(case=case, actor=actor, case_party=cp,
                                            text=_("restrictions lifted on full performance"))
    events.stage_changed(case=case, actor=actor, old=old, new=Stage.CLOSED)
    signals.case_closed.send(sender=Case, case=case, mode=mode, on=case.closed_on, actor=actor)


def _credit_managed(case: Case) -> list[int]:
    """Case parties with a measure of the credit app (read by label: credit is on a higher floor)."""
    try:
        measure = apps.get_model("credit", "CreditMeasure")
    except LookupError:
        return []
    return list(measure.objects.filter(case=case).values_list("case_party_id", flat=True))


@audited
def closure_request(*, actor, case: Case, mode: str, reason: str, ground: str = "") -> ClosureRequest:
    """Ask to close the case. Refused, with the list of what is missing, unless every required condition is met.
    Modes the court closes without approval close at once."""
    case = lock_case(case)
    if not has_perm(actor, Perm.CASE_CLOSE_REQUEST, case):
        require(actor, Perm.CASE_CLOSE_APPROVE, case)
    if mode not in ClosureMode.values:
        raise ValidationError({"mode": [_("Unknown closure mode.")]})
    if not case.is_open:
        raise ValidationError({"mode": [_("The case is already closed.")]})
    reason = clean_text(reason, field="reason", max_length=CLOSURE_REASON_MAX, multiline=True, required=True,
                        required_message=_("Give the reasons for closing."))
    if ClosureRequest.objects.filter(case=case, status=ClosureStatus.PENDING).exists():
        raise ValidationError({"mode": [_("A closure request for this case is already waiting for approval.")]})
    checks = closure_checklist(case, mode, ground)
    missing = missing_conditions(checks)
    if missing:
        raise ValidationError({"mode": missing})
    request = ClosureRequest.objects.create(case=case, mode=mode, ground=ground, requested_by=actor,
                                            reason=reason, checklist=[asdict(c) for c in checks])
    events.closure_requested(case=case, actor=actor, request=request)
    if mode in court_settings.get(case.court_id, "closure_modes_without_approval"):
        request.status, request.decided_by, request.decided_at = ClosureStatus.APPROVED, actor, timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        _close_case(actor=actor, case=case, mode=mode, on=timezone.localdate())
        events.closure_approved(case=case, actor=actor, request=request)
    return request


def _lock_request(request: ClosureRequest) -> tuple[Case, ClosureRequest]:
    case = lock_case(request.case)
    request = ClosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ClosureStatus.PENDING:
        raise ValidationError({"status": [_("This request has already been decided.")]})
    return case, request


@audited
def closure_approve(*, actor, request: ClosureRequest) -> ClosureRequest:
    """The chief approves: the conditions are checked again (they may have changed) and the case closes."""
    case, request = _lock_request(request)
    require(actor, Perm.CASE_CLOSE_APPROVE, case)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(_("A closure cannot be approved by the person who requested it."))
    checks = closure_checklist(case, request.mode, request.ground)
    missing = missing_conditions(checks)
    if missing:
        raise ValidationError({"mode": missing})
    request.status, request.decided_by, request.decided_at = ClosureStatus.APPROVED, actor, timezone.now()
    request.checklist = [asdict(c) for c in checks]
    request.save(update_fields=["status", "decided_by", "decided_at", "checklist"])
    _close_case(actor=actor, case=case, mode=request.mode, on=timezone.localdate())
    events.closure_approved(case=case, actor=actor, request=request)
    return request


@audited
def closure_return(*, actor, request: ClosureRequest, return_reason: str) -> ClosureRequest:
    case, request = _lock_request(request)
    require(actor, Perm.CASE_CLOSE_APPROVE, case)
    return_reason = clean_text(return_reason, field="return_reason", max_length=CLOSURE_REASON_MAX, multiline=True,
                               required=True, required_message=_("Say why the request is returned."))
    request.status, request.decided_by, request.decided_at = ClosureStatus.RETURNED, actor, timezone.now()
    request.return_reason = return_reason
    request.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
    events.closure_returned(case=case, actor=actor, request=request)
    return request


@audited
def case_resume(*, actor, case: Case, reason: str, received_on: date | None = None) -> Case:
    """Resume enforcement of a 终本 case (or of a case closed on a settlement that was then breached) as a new,
    linked 执恢 case (§2.4; no time limit, no new fee)."""
    from .registration import case_register, party_input_from

    case = lock_case(case)
    require(actor, Perm.CASE_REGISTER, case)
    breached = case.settlements.filter(status=SettlementStatus.BREACHED).exists()
    if case.stage not in (Stage.CLOSED, Stage.ARCHIVED) or not (
            case.closure_mode == ClosureMode.TERMINATED_ROUND or breached):
        raise ValidationError({"case": [_("Only a case closed by 终本, or whose settlement was breached, can be "
                                          "resumed.")]})
    if case.case_type not in IMPLEMENTATION_TYPES:
        raise ValidationError({"case": [_("Only enforcement cases can be resumed.")]})
    reason = clean_text(reason, field="reason", max_length=300, multiline=True, required=True,
                        required_message=_("Give the ground for resuming (new assets found, breach...)."))
    if Case.objects.filter(origin_case=case, stage__in=[s for s in Stage.values if s not in ("closed", "archived")]
                           ).exists():
        raise ValidationError({"case": [_("An open resumed case already exists.")]})
    parties = [party_input_from(cp) for cp in case.case_parties.select_related("party").order_by("role", "position")]
    outstanding = max(_outstanding(case), 0)
    new = case_register(
        actor=actor, court=case.court, case_type=CaseType.RESUMED, received_on=received_on or timezone.localdate(),
        basis_kind=case.basis_kind, basis_issuer=case.basis_issuer, basis_number=case.basis_number,
        basis_effective_on=case.basis_effective_on, basis_due_on=case.basis_due_on, cause=case.cause,
        obligation_kind=case.obligation_kind, act_description=case.act_description, principal=outstanding,
        non_litigation=case.non_litigation, parties=parties, team=case.team, officer=case.officer, origin_case=case,
        tags=list(case.tags),
    )
    events.case_resumed(case=case, actor=actor, new_case=new)
    return new
