"""Over-collection (超额到账): money on a case's account beyond what the case can absorb, to go back to the debtor.

The figure is ``PayoutLimits.over_collected`` (``core.rules.payout_limits.over_collection``, docs/money.md). Finance's
list of funds awaiting payout flags the cases that have some and can show only them ("超额到账" filter); the case's
funds tab flags it and offers the surplus payout (余款退还被执行人) for that amount.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cases.models import Case

from .models import LedgerEntry, Payout, PayoutKind, PayoutStatus

ZERO = Decimal("0.00")


def _candidates(case_ids: Iterable[int]) -> list[Case]:
    """The cases that may hold over-collected money, by a cheap necessary condition in one query: balance plus the
    applicants' executed payouts above the amount claimed (the claim with interest, the fee and every open payout
    only raise what the case absorbs)."""
    balance = (LedgerEntry.objects.filter(case_id=OuterRef("pk")).order_by().values("case_id")
               .annotate(s=Sum("signed_amount")).values("s"))
    paid = (Payout.objects.filter(case_id=OuterRef("pk"), kind=PayoutKind.APPLICANT, status=PayoutStatus.EXECUTED)
            .order_by().values("case_id").annotate(s=Sum("amount")).values("s"))
    money = Coalesce(Subquery(balance), Value(ZERO)) + Coalesce(Subquery(paid), Value(ZERO))
    return list(Case.objects.filter(pk__in=list(case_ids)).annotate(_reach=money)
                .filter(Q(_reach__gt=0) & Q(_reach__gt=F("amount_claimed"))).select_related("court"))


def over_collected(case_ids: Iterable[int]) -> dict[int, Decimal]:
    """{case id: amount over-collected} for the given cases that have some (the others are left out)."""
    from .selectors import payout_limits

    found = {}
    for case in _candidates(case_ids):
        amount = payout_limits(case=case).over_collected
        if amount > 0:
            found[case.pk] = amount
    return found


def over_collected_in_scope(entries) -> dict[int, Decimal]:
    """Over-collection for the cases of a queryset of ledger entries (finance's list, already scoped)."""
    return over_collected(entries.order_by().values_list("case_id", flat=True).distinct())
