"""中止执行 (suspension, domain.md §2.2) on the chief's approval.

The officer asks (ground, facts, proposal); the chief approves or returns it. Only the approval suspends the case,
opens its term pause (the period is not counted in the term, EXEC-98 art 63) and remembers the stage to resume at,
all in one transaction under the case's row lock. The approver is never the requester. Resumption (恢复执行) stays a
stage change (``case_transition`` back to the stage the case left).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm, require
from core.text import clean_text

from .. import events
from ..models import Case, ClosureStatus, Stage, SuspensionGround, SuspensionRequest
from ._common import audited, lock_case
from .workflow import WORK_STAGES, pause_start

SUSPENSION_TEXT_MAX = 1000


def _require_may_request(actor, case: Case) -> None:
    """The case's own officers (team scope) or a chief of the court, as for a closure request."""
    if not has_perm(actor, Perm.CASE_CLOSE_REQUEST, case):
        require(actor, Perm.CASE_CLOSE_APPROVE, case)


@audited
def suspension_request(*, actor, case: Case, ground: str, reason: str, proposal: str = "") -> SuspensionRequest:
    """Ask the chief to suspend enforcement of ``case``."""
    case = lock_case(case)
    _require_may_request(actor, case)
    errors = {}
    if ground not in SuspensionGround.values:
        errors["ground"] = [_("Choose the ground for suspension.")]
    if case.stage not in WORK_STAGES:
        errors["ground"] = [_("Only a case being enforced can be suspended (it is %(stage)s).") % {
            "stage": case.get_stage_display()}]
    elif SuspensionRequest.objects.filter(case=case, status=ClosureStatus.PENDING).exists():
        errors["ground"] = [_("A 中止 request for this case is already waiting for approval.")]
    texts = {}
    for name, value, required in (("reason", reason, True), ("proposal", proposal, False)):
        try:
            texts[name] = clean_text(value, field=name, max_length=SUSPENSION_TEXT_MAX, multiline=True,
                                     required=required, required_message=_("Give the facts and the reason."))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    request = SuspensionRequest.objects.create(case=case, ground=ground, reason=texts["reason"],
                                               proposal=texts["proposal"], requested_by=actor)
    events.suspension_requested(case=case, actor=actor, request=request)
    return request


def _lock_request(request: SuspensionRequest) -> tuple[Case, SuspensionRequest]:
    case = lock_case(request.case)
    request = SuspensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ClosureStatus.PENDING:
        raise ValidationError({"status": [_("This request has already been decided.")]})
    return case, request


@audited
def suspension_approve(*, actor, request: SuspensionRequest, on: date | None = None) -> SuspensionRequest:
    """The chief approves: the case becomes 中止 and its term pause starts ``on`` (default today), in this
    transaction. A second approval of the same request (double click, two tabs) is refused, changing nothing."""
    case, request = _lock_request(request)
    require(actor, Perm.CASE_CLOSE_APPROVE, case)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(_("A 中止 cannot be approved by the person who requested it."))
    if case.stage not in WORK_STAGES:
        raise ValidationError({"status": [_("Only a case being enforced can be suspended (it is %(stage)s).") % {
            "stage": case.get_stage_display()}]})
    today = timezone.localdate()
    on = on or today
    if on < case.filed_on or on > today:
        raise ValidationError({"on": [_("The date must be between filing and today.")]})
    reason = f"{request.get_ground_display()}: {request.reason}"
    pause = pause_start(actor=actor, case=case, to_stage=Stage.SUSPENDED, reason=reason, on=on)
    request.status, request.decided_by, request.decided_at = ClosureStatus.APPROVED, actor, timezone.now()
    request.pause = pause
    request.save(update_fields=["status", "decided_by", "decided_at", "pause"])
    events.suspension_approved(case=case, actor=actor, request=request)
    return request


@audited
def suspension_return(*, actor, request: SuspensionRequest, return_reason: str) -> SuspensionRequest:
    """The chief sends the request back to the officer with the reason; the case goes on as it was."""
    case, request = _lock_request(request)
    require(actor, Perm.CASE_CLOSE_APPROVE, case)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(_("A 中止 cannot be decided by the person who requested it."))
    return_reason = clean_text(return_reason, field="return_reason", max_length=SUSPENSION_TEXT_MAX, multiline=True,
                               required=True, required_message=_("Say why the request is returned."))
    request.status, request.decided_by, request.decided_at = ClosureStatus.RETURNED, actor, timezone.now()
    request.return_reason = return_reason
    request.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
    events.suspension_returned(case=case, actor=actor, request=request)
    return request
