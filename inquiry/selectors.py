"""Reads of the inquiry app, filtered by the policy in the query.

A batch is seen by the users of its court who may run inquiries on at least one of its cases (the officer: their
team's cases; the chief: the court's), and by its creator. Another court's batch is a 404.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.policy import Perm, granted_scope, scope_q

from .models import AccessLog, InquiryBatch, InquiryRequest


def request_scope(user) -> Q:
    return scope_q(user, Perm.INQUIRY_RUN, court="case__court", team="case__team", officer="case__officer")


def batch_list_for_user(*, user, status: str = "") -> QuerySet[InquiryBatch]:
    if granted_scope(user, Perm.INQUIRY_RUN) is None:
        return InquiryBatch.objects.none()
    reach = Exists(InquiryRequest.objects.filter(request_scope(user), batch=OuterRef("pk")))
    qs = InquiryBatch.objects.defer("export_zip")
    if not user.is_superuser:
        qs = qs.filter(court_id=user.court_id)
    qs = qs.filter(Q(created_by=user) | reach)
    if status:
        qs = qs.filter(status=status)
    return (qs.select_related("created_by", "exported_by")
            .annotate(request_count=Count("requests", distinct=True),
                      case_count=Count("requests__case", distinct=True))
            .order_by("-created_at", "-id"))


def batch_get_for_user(*, user, pk: int) -> InquiryBatch:
    batch = batch_list_for_user(user=user).select_related("court").filter(pk=pk).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch


def batch_requests_for_user(*, user, batch: InquiryBatch) -> QuerySet[InquiryRequest]:
    """The batch's requests the user may see (a chief all; an officer those of their team's cases)."""
    qs = InquiryRequest.objects.filter(batch=batch)
    if batch.created_by_id != user.pk:
        qs = qs.filter(request_scope(user))
    return qs.select_related("case", "party", "batch").order_by("agency_kind", "seq")


def access_log_for_user(*, user, username: str = "", case_number: str = "", date_from: date | None = None,
                        date_to: date | None = None, action: str = "") -> QuerySet[AccessLog]:
    """The access log the user may audit (INQUIRY_AUDIT: the chief, their court and the courts below)."""
    qs = AccessLog.objects.filter(scope_q(user, Perm.INQUIRY_AUDIT, court="court", team=None, officer=None))
    if username:
        qs = qs.filter(Q(user__username=username) | Q(user_name=username))
    if case_number:
        qs = qs.filter(case_number__contains=case_number)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=datetime.combine(date_to, time.max, tzinfo=tz))
    if action:
        qs = qs.filter(action=action)
    return qs.select_related("court").order_by("-at", "-id")
