"""Reads of resumption proposals (恢复执行建议), filtered by the permission policy in the query."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.policy import Perm, scope_q

from .models import ProposalStatus, ResultRow, ResumptionProposal

# Who a proposal waits for: the handling officer (proposed) or the chief (put to the chief).
WAITING_FOR = {"officer": (ProposalStatus.PROPOSED, Perm.CASE_ACT),
               "chief": (ProposalStatus.SUBMITTED, Perm.CASE_CLOSE_APPROVE)}


def _case_scope(user, perm: Perm) -> Q:
    return scope_q(user, perm, court="case__court", team="case__team", officer="case__officer")


def proposals_waiting(*, user, show: str) -> QuerySet[ResumptionProposal]:
    """The open proposals waiting for ``user``: ``show`` "officer" (proposed, on cases the user may act on) or
    "chief" (put to the chief, at courts where the user approves). The to-do tiles count exactly these."""
    status, perm = WAITING_FOR[show]
    return (ResumptionProposal.objects.filter(_case_scope(user, perm), status=status)
            .select_related("case", "batch", "submitted_by").order_by("created_at", "id"))


def proposals_for_page(qs: QuerySet[ResumptionProposal]) -> QuerySet[ResumptionProposal]:
    """With the rows that found assets (one more query)."""
    return qs.prefetch_related(Prefetch("rows", queryset=ResultRow.objects.select_related("request")
                                        .order_by("result_file_id", "line_no")))


def proposals_of_case(*, case) -> QuerySet[ResumptionProposal]:
    """Every proposal of a case the caller already may see (the case page fetched it through the policy)."""
    return proposals_for_page(ResumptionProposal.objects.filter(case=case)
                              .select_related("batch", "submitted_by", "decided_by", "resumed_case")
                              .order_by("-created_at", "-id"))


def proposal_get_for_user(*, user, pk: int) -> ResumptionProposal:
    """404 unless the user may see the proposal's case (the services check the permission to act)."""
    from cases.selectors import related_get_for_user

    return related_get_for_user(user=user, model=ResumptionProposal, pk=pk)
