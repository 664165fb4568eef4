"""Reads for the matching, unidentified-money and claims pages (each filtered by the policy, in the query)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts.policy import Perm, has_perm, scope_q

from .models import Claim, ClaimStatus, LineStatus, Statement, StatementLine


def _court_lines(user, *perms) -> QuerySet[StatementLine]:
    if not user.court_id or not any(has_perm(user, p) for p in perms):
        return StatementLine.objects.none()
    return StatementLine.objects.filter(court_id=user.court_id)


def statements_recent(*, user) -> QuerySet[Statement]:
    if not has_perm(user, Perm.FUNDS_RECORD):
        return Statement.objects.none()
    return Statement.objects.filter(court_id=user.court_id).order_by("-imported_at", "-id")


def proposed_lines(*, user, statement_id: int | None = None) -> QuerySet[StatementLine]:
    """Matches waiting for finance's confirmation, most confident first."""
    qs = _court_lines(user, Perm.FUNDS_RECORD).filter(status=LineStatus.PROPOSED)
    if statement_id:
        qs = qs.filter(statement_id=statement_id)
    return qs.select_related("case").order_by("-confidence", "booked_on", "id")


def posted_lines(*, user, statement_id: int) -> QuerySet[StatementLine]:
    return (_court_lines(user, Perm.FUNDS_RECORD).filter(status=LineStatus.POSTED, statement_id=statement_id)
            .select_related("case", "ledger_entry").order_by("booked_on", "id"))


def unidentified_lines(*, user) -> QuerySet[StatementLine]:
    """The unidentified queue (不明款): credits nobody could match, and those claimed awaiting finance."""
    pending = Claim.objects.filter(line=OuterRef("pk"), status=ClaimStatus.PENDING)
    return (_court_lines(user, Perm.FUNDS_RECORD, Perm.FUNDS_CLAIM)
            .filter(direction="credit", status__in=(LineStatus.UNMATCHED, LineStatus.CLAIMED))
            .annotate(has_claim=Exists(pending)).order_by("waiting_since", "booked_on", "id"))


def pending_claims(*, user) -> QuerySet[Claim]:
    """Claims waiting for finance (FUNDS_RECORD on the case), oldest first."""
    return (Claim.objects.filter(scope_q(user, Perm.FUNDS_RECORD, court="case__court", team="case__team",
                                         officer="case__officer"), status=ClaimStatus.PENDING)
            .select_related("line", "case", "claimed_by").order_by("claimed_at", "id"))


def my_claims(*, user) -> QuerySet[Claim]:
    return (Claim.objects.filter(claimed_by=user).select_related("line", "case", "decided_by")
            .order_by("-claimed_at", "-id"))
