"""Helpers shared by the services: row locks in the fixed order, the case timeline and the money promised to open
payouts (read by the ledger and the payouts alike; money input is ``core.fields.money_input``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from cases.models import Case

from ..models import Asset, Payout, PayoutStatus

OPEN_STATUSES = (PayoutStatus.PREPARED, PayoutStatus.APPROVED)


def lock_case(case_or_id) -> Case:
    """Lock the case row (first in the lock order) and return it fresh."""
    pk = getattr(case_or_id, "pk", case_or_id)
    return Case.objects.select_for_update(of=("self",)).select_related("court", "team", "officer").get(pk=pk)


def lock_asset(asset_or_id) -> Asset:
    pk = getattr(asset_or_id, "pk", asset_or_id)
    return Asset.objects.select_for_update(of=("self",)).get(pk=pk)




def require_date(value, *, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationError({field: _("Enter a valid date.")})
    return value


def rule_error(exc: ValidationError, field: str) -> ValidationError:
    """Re-raise a rule function's ValidationError (no field) against ``field``, with its message rendered."""
    if hasattr(exc, "error_dict"):
        return exc
    return ValidationError({field: [m for m in exc.messages]})


def log_event(*, case: Case, type: str, actor, summary: str, **parameters) -> None:
    from cases.events import event_log

    event_log(case=case, type=type, actor=actor, summary=summary, **parameters)


def stage_advance(*, actor, case: Case, event: str, step_label) -> None:
    """Move the (locked) case forward after a step recorded here, in the step's transaction (core.rules.stages)."""
    from cases.services.workflow import stage_advance as advance

    advance(actor=actor, case=case, event=event, step_label=step_label)


def reserved_locked(case: Case, *, exclude: Payout | None = None) -> Decimal:
    """Money promised to payouts not yet executed; call with the case row locked."""
    qs = Payout.objects.filter(case_id=case.pk, status__in=OPEN_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
