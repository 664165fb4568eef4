"""The distribution plan of a case's fund account (分配方案, domain.md §5.1; docs/money.md "Several applicants").

A plan allots the money of the case's account to its applicants (one line each, plus optionally the surplus going
back to a debtor). It is prepared by whoever may prepare payouts or record funds on the case (the handling officer,
finance), from typed amounts or from the distribution calculator's pro-rata result (``distribution_plan_pro_rata``),
and approved by the chief (the court's ``payout_high_approver_roles``, never the preparer). One approved plan per case
at a time: approving a new one supersedes the old. With an approved plan, each applicant's payouts are bounded by
their line (``core.rules.payout_limits``); with several applicants and none, no applicant may be paid.

What a plan may distribute: the money free in the account now (balance less payouts not yet paid, the fee withheld
and receipts held for a pending reversal) plus what the applicants were already paid or promised (those payouts are
part of the distribution). The total of the lines may not exceed it, checked when prepared and again when approved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm
from cases.models import Case, CaseParty, PartyRole
from core.fields import money_input
from core.formats import format_amount as fmt

from ..models import DistributionPlan, DistributionPlanLine, PlanLineKind, PlanStatus
from ._common import lock_case, log_event

MAX_LINES = 200
ZERO = Decimal("0.00")


def distributable(case: Case) -> Decimal:
    """What a plan may distribute now (module docstring)."""
    from ..selectors import payout_limits

    limits = payout_limits(case=case)
    return limits.free + limits.paid_applicants + limits.promised_applicants


def may_prepare(actor, case) -> bool:
    return has_perm(actor, Perm.PAYOUT_PREPARE, case) or has_perm(actor, Perm.FUNDS_RECORD, case)


def may_approve(actor, case) -> bool:
    from .payouts import _high_approver

    return has_perm(actor, Perm.PAYOUT_APPROVE, case) and _high_approver(actor, case)


def _clean_lines(case: Case, lines: Sequence[Mapping]) -> list[tuple[CaseParty, str, Decimal, Decimal | None]]:
    if not isinstance(lines, (list, tuple)) or not lines:
        raise ValidationError({"lines": _("Enter at least one line.")})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": _("Enter at most %(n)s rows.") % {"n": MAX_LINES}})
    parties = {cp.pk: cp for cp in CaseParty.objects.filter(case_id=case.pk).select_related("party")}
    out, seen, errors = [], set(), {}
    for i, line in enumerate(lines):
        if not isinstance(line, Mapping):
            errors[f"lines.{i}"] = _("Enter a party and an amount.")
            continue
        kind = line.get("kind") or PlanLineKind.APPLICANT
        party_id = line.get("party")
        party = parties.get(party_id) if isinstance(party_id, int) and not isinstance(party_id, bool) else None
        if kind not in PlanLineKind.values:
            errors[f"lines.{i}.kind"] = _("Choose an applicant's line or the debtor's surplus.")
            continue
        if party is None or party.role != (PartyRole.APPLICANT if kind == PlanLineKind.APPLICANT
                                           else PartyRole.RESPONDENT):
            errors[f"lines.{i}.party"] = (_("Choose an applicant of this case.") if kind == PlanLineKind.APPLICANT
                                          else _("The surplus goes back to a debtor (respondent) of this case."))
            continue
        if party.pk in seen:
            errors[f"lines.{i}.party"] = _("Each party may have one line only.")
            continue
        seen.add(party.pk)
        try:
            amount = money_input(line.get("amount"), field=f"lines.{i}.amount", positive=False)
            claim = money_input(line.get("claim"), field=f"lines.{i}.claim", positive=False, allow_none=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        out.append((party, kind, amount, claim))
    if errors:
        raise ValidationError(errors)
    return out


def _check_total(case: Case, total: Decimal) -> None:
    room = distributable(case)
    if total > room:
        raise ValidationError({"lines": _(
            "The plan distributes %(total)s yuan but the case can distribute %(room)s yuan (money free in the "
            "account plus what the applicants were already paid or promised).") % {
            "total": fmt(total), "room": fmt(room)}})


@transaction.atomic
def distribution_plan_prepare(*, actor, case: Case, lines: Sequence[Mapping], note: str = "") -> DistributionPlan:
    """Prepare a plan (draft) from ``lines``: ``{"party": <CaseParty id>, "amount": <money>, "kind": "applicant" |
    "surplus", "claim": <money, optional>}``."""
    case = lock_case(case)
    if not may_prepare(actor, case):
        raise PermissionDenied(_("You do not have permission to do this."))
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": _("Enter at most %(n)s characters.") % {"n": 300}})
    cleaned = _clean_lines(case, lines)
    if not any(kind == PlanLineKind.APPLICANT for _p, kind, _a, _c in cleaned):
        raise ValidationError({"lines": _("The plan needs a line for at least one applicant.")})
    total = sum((amount for _p, _k, amount, _c in cleaned), ZERO)
    _check_total(case, total)
    plan = DistributionPlan.objects.create(case=case, court_id=case.court_id, total=total, note=note,
                                           prepared_by=actor)
    DistributionPlanLine.objects.bulk_create([
        DistributionPlanLine(plan=plan, party=party, kind=kind, amount=amount, claim=claim)
        for party, kind, amount, claim in cleaned])
    log_event(case=case, type="distribution_plan_prepared", actor=actor,
              summary=_("Distribution plan of %(total)s prepared: %(lines)s") % {
                  "total": fmt(total), "lines": "; ".join(f"{party.party.name} {fmt(amount)}"
                                                     for party, _k, amount, _c in cleaned)},
              plan_id=plan.pk)
    return plan


def _lock_plan(plan: DistributionPlan) -> tuple[Case, DistributionPlan]:
    case = lock_case(plan.case_id)
    return case, DistributionPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


@transaction.atomic
def distribution_plan_approve(*, actor, plan: DistributionPlan) -> DistributionPlan:
    """The chief approves a draft plan (never its preparer); the total is checked again, and the case's approved
    plan, if any, is superseded."""
    case, plan = _lock_plan(plan)
    if not may_approve(actor, case):
        raise PermissionDenied(_("A distribution plan must be approved by the division chief."))
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"status": _("Only a plan awaiting approval can be approved.")})
    if plan.prepared_by_id == actor.pk:
        raise PermissionDenied(_("The person who prepared a distribution plan cannot approve it."))
    now = timezone.now()
    old = DistributionPlan.objects.filter(case_id=case.pk, status=PlanStatus.APPROVED).first()
    if old is not None:
        old.status, old.closed_by, old.closed_at = PlanStatus.SUPERSEDED, actor, now
        old.save(update_fields=["status", "closed_by", "closed_at"])
    _check_total(case, plan.total)
    plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, actor, now
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    log_event(case=case, type="distribution_plan_approved", actor=actor,
              summary=_("Distribution plan of %(total)s approved") % {"total": fmt(plan.total)}, plan_id=plan.pk,
              superseded_id=old.pk if old is not None else None)
    return plan


@transaction.atomic
def distribution_plan_withdraw(*, actor, plan: DistributionPlan, reason: str = "") -> DistributionPlan:
    """Withdraw a plan: a draft by whoever may prepare one or the chief; an approved plan by the chief only (payouts
    already made stay; with several applicants no more may be paid until a new plan is approved)."""
    case, plan = _lock_plan(plan)
    if plan.status == PlanStatus.DRAFT:
        allowed = may_prepare(actor, case) or may_approve(actor, case)
    elif plan.status == PlanStatus.APPROVED:
        allowed = may_approve(actor, case)
    else:
        raise ValidationError({"status": _("Only a plan awaiting approval or approved can be withdrawn.")})
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError({"reason": _("Enter at most %(n)s characters.") % {"n": 300}})
    plan.status, plan.closed_by, plan.closed_at, plan.closed_reason = (PlanStatus.WITHDRAWN, actor, timezone.now(),
                                                                       reason)
    plan.save(update_fields=["status", "closed_by", "closed_at", "closed_reason"])
    log_event(case=case, type="distribution_plan_withdrawn", actor=actor,
              summary=_("Distribution plan of %(total)s withdrawn") % {"total": fmt(plan.total)}, plan_id=plan.pk)
    return plan


def distribution_plan_pro_rata(*, case: Case, claims: Mapping[int, object]) -> dict[int, Decimal]:
    """Amounts for the applicants pro rata to the typed ``claims`` (CaseParty id -> claim), sharing what the case can
    distribute (or the claims' total if less), via the distribution calculator (§5.1, one instrument). Writes
    nothing."""
    from .calculators import ClaimInput, distribution_calculate

    ids = [pk for pk, claim in claims.items() if claim not in (None, "")]
    if not ids:
        raise ValidationError({"lines": _("Enter the claim of at least one applicant.")})
    values = {pk: money_input(claims[pk], field=f"claim_{pk}", positive=False) for pk in ids}
    total = min(distributable(case), sum(values.values(), ZERO))
    result = distribution_calculate(court=case.court_id, total=total,
                                    claims=[ClaimInput(creditor=str(pk), principal=values[pk]) for pk in ids])
    return {int(line.creditor): line.paid for line in result.lines}
