"""Helpers shared by the credit services."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.term import court_calendars

from ..models import CreditMeasure


def lock_measure(measure: CreditMeasure) -> CreditMeasure:
    """Re-read the measure under a row lock (its case and party joined, not locked)."""
    return (CreditMeasure.objects.select_for_update(of=("self",))
            .select_related("case", "case__court", "case_party", "case_party__party").get(pk=measure.pk))


def day(value, *, field: str, not_before: date | None = None, today: date | None = None) -> date:
    """A date a user gave: not in the future, not before ``not_before``."""
    today = today or timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: [_("Enter a valid date.")]}) from None
    if value > today:
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    if not_before and value < not_before:
        raise ValidationError({field: [_("The date cannot be before %(date)s.") % {"date": not_before}]})
    return value


def working_days_after(court_id: int, start: date, n: int) -> date:
    return court_calendars([court_id])[court_id].add_working_days(start, n)


PUBLIC_GENERATION_KEY = "credit:public:generation"


def public_changed() -> None:
    """The public page's cached answers are stale once this transaction commits (a listing published, removed or
    corrected): a new generation makes every cached page a miss."""
    transaction.on_commit(lambda: cache.set(PUBLIC_GENERATION_KEY, uuid.uuid4().hex, None))


def public_generation() -> str:
    return cache.get(PUBLIC_GENERATION_KEY) or "0"
