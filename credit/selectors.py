"""Reads of the credit app, filtered by the access policy in the query."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.policy import Perm, scope_q

from .models import IN_FORCE, CorrectionRequest, CorrectionStatus, CreditMeasure, MeasureKind, MeasureStatus


def _scope(user, perm=Perm.CASE_VIEW, prefix: str = "case__") -> Q:
    return scope_q(user, perm, court=f"{prefix}court", team=f"{prefix}team", officer=f"{prefix}officer")


def measure_list_for_user(*, user, status: str | None = None, kind: str | None = None) -> QuerySet[CreditMeasure]:
    qs = (CreditMeasure.objects.filter(_scope(user))
          .select_related("case", "case__court", "case_party__party", "proposed_by", "approved_by"))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-proposed_at", "-id")


def measure_get_for_user(*, user, pk: int) -> CreditMeasure:
    try:
        return measure_list_for_user(user=user).prefetch_related("persons").get(pk=pk)
    except (CreditMeasure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def measures_for_party(*, case, case_party=None) -> QuerySet[CreditMeasure]:
    """Every measure of a case (or of one debtor of it), newest first, unscoped: for the portal, which has
    checked the requester itself, and for the case tab (the case page has checked the user)."""
    qs = CreditMeasure.objects.filter(case=case).select_related("case_party__party").prefetch_related("persons")
    if case_party is not None:
        qs = qs.filter(case_party=case_party)
    return qs.order_by("-proposed_at", "-id")


def measures_correctable(*, case, case_party=None) -> QuerySet[CreditMeasure]:
    """The measures a correction request may be made against (in force)."""
    return measures_for_party(case=case, case_party=case_party).filter(status__in=IN_FORCE)


def approvals_waiting(*, user) -> QuerySet[CreditMeasure]:
    """Proposals the user may decide as the second person (never their own)."""
    return (measure_list_for_user(user=user).filter(_scope(user, Perm.CREDIT_DECIDE), status=MeasureStatus.PROPOSED)
            .exclude(proposed_by=user))


def removals_overdue(*, user, today: date | None = None) -> QuerySet[CreditMeasure]:
    """Removals the user oversees (CREDIT_DECIDE) not done by their due day (3 working days from the ground)."""
    today = today or timezone.localdate()
    return (measure_list_for_user(user=user).filter(_scope(user, Perm.CREDIT_DECIDE),
                                                    status=MeasureStatus.REMOVAL_OPEN, removal_due_on__lt=today)
            .order_by("removal_due_on", "id"))


def removals_open(*, user) -> QuerySet[CreditMeasure]:
    return (measure_list_for_user(user=user).filter(status=MeasureStatus.REMOVAL_OPEN)
            .order_by("removal_due_on", "id"))


def publication_register(*, user, court=None, since: date | None = None) -> QuerySet[CreditMeasure]:
    """Published listings of the courts the user may publish for (CREDIT_PUBLISH), removed ones included (the
    register records the removal date)."""
    qs = (CreditMeasure.objects.filter(_scope(user, Perm.CREDIT_PUBLISH), kind=MeasureKind.DISHONEST,
                                       published_on__isnull=False)
          .select_related("case", "case__court", "case_party__party").order_by("published_on", "id"))
    if court is not None:
        qs = qs.filter(case__court=court)
    if since:
        qs = qs.filter(Q(published_on__gte=since) | Q(removed_on__gte=since))
    return qs


def public_listed(*, court=None, name: str = "") -> QuerySet[CreditMeasure]:
    """The 曝光台: published, not removed 失信 listings (no login; fields limited in the template/serializer)."""
    qs = (CreditMeasure.objects.filter(kind=MeasureKind.DISHONEST, published_on__isnull=False,
                                       removed_on__isnull=True,
                                       status__in=[MeasureStatus.PUBLISHED, MeasureStatus.REMOVAL_OPEN])
          .select_related("case", "case__court", "case_party__party").order_by("-published_on", "-id"))
    if court is not None:
        qs = qs.filter(case__court=court)
    if name:
        qs = qs.filter(case_party__party__name__startswith=name)
    return qs


def correction_list_for_user(*, user, status: str | None = None) -> QuerySet[CorrectionRequest]:
    qs = (CorrectionRequest.objects.filter(_scope(user, prefix="measure__case__"))
          .select_related("measure", "measure__case", "measure__case_party__party"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_on", "-id")


def correction_get_for_user(*, user, pk: int) -> CorrectionRequest:
    try:
        return correction_list_for_user(user=user).prefetch_related("attachments").get(pk=pk)
    except (CorrectionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def corrections_pending(*, user) -> QuerySet[CorrectionRequest]:
    return correction_list_for_user(user=user).filter(
        status__in=[CorrectionStatus.PENDING, CorrectionStatus.WELL_FOUNDED])
