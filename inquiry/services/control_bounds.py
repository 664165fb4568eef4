"""How much of a case's claim may still be frozen or seized by new control lines (超标的查封, SEIZE art 19).

The bound is per case, not per debtor: the claim is the case's, and jointly liable debtors owe it once, so freezing
the whole claim from each of them (or from one of them in several batches) would exceed "the debt plus costs"
several times over. For each case the amount still available to new control lines is

    outstanding claim (claimed − recovered)
    − freeze/seize amounts requested in OTHER open batches and not yet answered (draft, exported or partly
      answered batches; a cancelled batch's requests no longer count, an answered request counts through what it
      became: see below)
    − freeze/seize results an agency reported done (or partly done) that are not yet accepted into the register
      nor dismissed (the amount the agency reports, else the amount requested)
    − control measures (freeze, seizure, detention) in force on the case with an amount (status "active" and not
      past their expiry date: the lapse scan may not have run yet).

Queued measures (轮候) are not in force and do not count; measures without an amount (a vehicle seized as a thing)
hold no stated value and do not count either.

Callers lock the cases' rows first (``lock_cases``): two batch creations for one case then run one after the
other and the second reads the first's requests. The three amounts are read in the order a request moves through
them (pending → reported → in force), each a fresh statement under READ COMMITTED, so a concurrent import or
acceptance can make a reading count an amount twice (refusing too much, never too little), never miss it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from assets.models import ControlMeasure, ControlStatus as AssetControlStatus
from cases.models import Case

from ..models import BatchStatus, InquiryRequest, Measure, ResultRow

ZERO = Decimal("0.00")
CONTROL_MEASURES = (Measure.FREEZE, Measure.SEIZE)
OPEN_BATCH = (BatchStatus.DRAFT, BatchStatus.EXPORTED, BatchStatus.PARTLY_ANSWERED)


def lock_cases(case_ids) -> dict[int, Case]:
    """The cases re-read under a row lock, taken in ascending id order (as ``cases.services`` lock one case) so two
    services locking overlapping sets cannot deadlock."""
    ids = sorted({int(i) for i in case_ids})
    if not ids:
        return {}
    qs = (Case.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
          .only("id", "number", "amount_claimed", "amount_recovered"))
    return {c.pk: c for c in qs}


def _sums(qs, amount) -> dict[int, Decimal]:
    return {row["case_id"]: row["total"] or ZERO
            for row in qs.values("case_id").order_by("case_id").annotate(total=Sum(amount))}


def committed_amounts(case_ids, *, exclude_batch_id: int | None = None) -> dict[int, dict[str, Decimal]]:
    """Per case: ``pending`` (requested in open batches, unanswered), ``reported`` (done, not yet in the register)
    and ``held`` (in force in the register)."""
    ids = list(case_ids)
    out: dict[int, dict[str, Decimal]] = defaultdict(lambda: {"pending": ZERO, "reported": ZERO, "held": ZERO})
    if not ids:
        return out
    pending = InquiryRequest.objects.filter(case_id__in=ids, measure__in=CONTROL_MEASURES, answered_at__isnull=True,
                                            batch__status__in=OPEN_BATCH)
    if exclude_batch_id:
        pending = pending.exclude(batch_id=exclude_batch_id)
    for case_id, total in _sums(pending, "amount").items():
        out[case_id]["pending"] = total
    reported = (ResultRow.objects.filter(request__case_id__in=ids, control_measure__in=CONTROL_MEASURES,
                                         control_status__in=["done", "partial"], accepted_at__isnull=True,
                                         dismissed_at__isnull=True)
                .values("request__case_id").order_by("request__case_id")
                .annotate(total=Sum(Coalesce("control_amount", "request__amount"))))
    for row in reported:
        out[row["request__case_id"]]["reported"] = row["total"] or ZERO
    held = ControlMeasure.objects.filter(case_id__in=ids, status=AssetControlStatus.ACTIVE, amount__isnull=False,
                                         expires_on__gte=timezone.localdate())
    for case_id, total in _sums(held, "amount").items():
        out[case_id]["held"] = total
    return out


def available_for_control(case: Case, committed: dict[str, Decimal]) -> Decimal:
    """What new control lines of ``case`` may still total (never below zero)."""
    claim = max(case.amount_claimed - case.amount_recovered, ZERO)
    return max(claim - committed["pending"] - committed["reported"] - committed["held"], ZERO)
