"""How much a new freeze/seize delegation may ask for (超标的查封, SEIZE art 19): the case's claim bounds it.

    available = outstanding claim (claimed − recovered)
              − freeze/seize amounts of the case's other delegations still open (draft, sent, accepted, in progress),
                or answered as done (or partly) and not yet closed by the sender (who closes it once the measure is
                in the asset register)
              − control measures in force on the case with an amount (assets, status active, not past expiry)
              − freeze/seize amounts requested in open network-inquiry batches and not yet answered (inquiry, read
                by label: a sibling app)

The caller holds the case's row lock, so two delegations of one case are bounded one after the other.
"""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.db.models import Q, Sum
from django.utils import timezone

from .models import CONTROL_KINDS, OPEN_STATUSES, Delegation, Outcome, Status

ZERO = Decimal("0.00")


def _sum(qs, field: str) -> Decimal:
    return qs.aggregate(s=Sum(field))["s"] or ZERO


def committed(case, *, exclude_pk: int | None = None) -> dict[str, Decimal]:
    delegations = Delegation.objects.filter(case_id=case.pk, kind__in=CONTROL_KINDS).filter(
        Q(status__in=OPEN_STATUSES) | Q(status=Status.ANSWERED, outcome__in=(Outcome.DONE, Outcome.PARTLY)))
    if exclude_pk:
        delegations = delegations.exclude(pk=exclude_pk)
    out = {"delegated": _sum(delegations, "amount"), "held": ZERO, "inquiry": ZERO}
    try:
        ControlMeasure = apps.get_model("assets", "ControlMeasure")
    except LookupError:  # pragma: no cover - assets is always installed with cases
        ControlMeasure = None
    if ControlMeasure is not None:
        today = timezone.localdate()
        held = ControlMeasure.objects.filter(case_id=case.pk, status="active", amount__isnull=False)
        held = held.exclude(expires_on__lt=today)
        out["held"] = _sum(held, "amount")
    try:
        InquiryRequest = apps.get_model("inquiry", "InquiryRequest")
    except LookupError:
        InquiryRequest = None
    if InquiryRequest is not None:
        pending = InquiryRequest.objects.filter(case_id=case.pk, measure__in=["freeze", "seize"],
                                                answered_at__isnull=True,
                                                batch__status__in=["draft", "exported", "partly_answered"])
        out["inquiry"] = _sum(pending, "amount")
    return out


def available_for_control(case, *, exclude_pk: int | None = None) -> Decimal:
    outstanding = case.amount_claimed - case.amount_recovered
    c = committed(case, exclude_pk=exclude_pk)
    return max(outstanding - c["delegated"] - c["held"] - c["inquiry"], ZERO)
