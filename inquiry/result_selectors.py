"""Reads of the result side, filtered by the policy in the query: an officer sees the rows of their team's cases, the
chief the court's; another court's file is a 404."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.policy import Perm, granted_scope, scope_q

from assets.models import Asset

from .models import AGENCY_ASSET_KIND, ResultFile, ResultRow


def row_scope(user, prefix: str = "request__case__") -> Q:
    return scope_q(user, Perm.INQUIRY_RUN, court=f"{prefix}court", team=f"{prefix}team", officer=f"{prefix}officer")


def result_file_list_for_user(*, user) -> QuerySet[ResultFile]:
    if granted_scope(user, Perm.INQUIRY_RUN) is None:
        return ResultFile.objects.none()
    reach = Exists(ResultRow.objects.filter(row_scope(user), result_file=OuterRef("pk")))
    qs = ResultFile.objects.all() if user.is_superuser else ResultFile.objects.filter(court_id=user.court_id)
    return (qs.filter(Q(imported_by=user) | reach).select_related("batch", "imported_by")
            .order_by("-imported_at", "-id"))


def result_file_get_for_user(*, user, pk: int) -> ResultFile:
    rf = result_file_list_for_user(user=user).filter(pk=pk).first()
    if rf is None:
        raise Http404("No such result file.")
    return rf


def result_file_summary(*, user, result_file: ResultFile) -> dict:
    """Counts by difference and status of the rows the user may see (one query)."""
    counts = (ResultRow.objects.filter(row_scope(user), result_file=result_file)
              .aggregate(total=Count("pk"), new=Count("pk", filter=Q(diff="new")),
                         changed=Count("pk", filter=Q(diff="changed")), same=Count("pk", filter=Q(diff="same")),
                         none=Count("pk", filter=Q(status="none")), error=Count("pk", filter=Q(status="error")),
                         control_done=Count("pk", filter=Q(control_status__in=["done", "partial"])),
                         control_refused=Count("pk", filter=Q(control_status="refused")),
                         accepted=Count("pk", filter=Q(accepted_at__isnull=False))))
    return counts


def result_file_debtors(*, user, result_file: ResultFile):
    """One line per debtor of the file the user may see, with counts (one query; paginate it)."""
    return (ResultRow.objects.filter(row_scope(user), result_file=result_file)
            .values("request__case_id", "request__case_number", "request__party_id", "request__subject_name")
            .annotate(rows=Count("pk"), new=Count("pk", filter=Q(diff="new")),
                      changed=Count("pk", filter=Q(diff="changed")),
                      accepted=Count("pk", filter=Q(accepted_at__isnull=False)))
            .order_by("request__case_number", "request__party_id"))


def debtor_rows_for_user(*, user, case, party_id: int) -> QuerySet[ResultRow]:
    """Every result row about one debtor of a case (newest file first), with what the page shows, in one query."""
    return (ResultRow.objects.filter(row_scope(user), request__case=case, request__party_id=party_id)
            .select_related("request", "result_file", "matched_asset", "accepted_asset")
            .order_by("-result_file_id", "line_no"))


def row_get_for_user(*, user, pk: int) -> ResultRow:
    row = (ResultRow.objects.filter(row_scope(user), pk=pk)
           .select_related("request__case", "request__party", "result_file").first())
    if row is None:
        raise Http404("No such result row.")
    return row


def gone_assets(*, case_id: int, owner_id: int | None, rows) -> list:
    """Register assets of the kinds the agencies answered for that their latest files no longer report."""
    if owner_id is None:
        return []
    # rows: ResultRow instances (with their request) or ``result_display.RowFacts``.
    facts = [(r.agency_kind if hasattr(r, "agency_kind") else r.request.agency_kind, r) for r in rows]
    latest: dict[str, int] = {}
    for kind, row in facts:
        latest[kind] = max(latest.get(kind, 0), row.result_file_id)
    kinds = {AGENCY_ASSET_KIND[k] for k in latest}
    reported = {row.matched_asset_id for kind, row in facts if row.result_file_id == latest.get(kind)}
    reported |= {row.accepted_asset_id for row in rows}
    return [a for a in Asset.objects.filter(case_id=case_id, owner_id=owner_id, kind__in=kinds).order_by("id")
            if a.pk not in reported]
