"""Helpers shared by the services: row locks in the fixed order and the case timeline (money input is
``core.fields.money_input``)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Case

from ..models import Asset


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
