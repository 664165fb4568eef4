"""Reads of the assets app, scoped by the permission policy inside the query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.policy import Perm, Scope, granted_scope, has_perm, scope_q
from cases.models import OPEN_STAGES, Case
from core import court_settings
from core.rules.payout_limits import PayoutLimits

from .models import (
    RECEIPT_KIND_VALUES,
    Asset,
    AuctionRound,
    ControlMeasure,
    ControlStatus,
    Disposal,
    DistributionPlan,
    DistributionPlanLine,
    EntryKind,
    Handover,
    HandoverStatus,
    LedgerEntry,
    Objection,
    Payout,
    PayoutKind,
    PayoutStatus,
    PlanLineKind,
    PlanStatus,
    ReversalRequest,
    ReversalStatus,
)

CASE_PATHS = {"court": "court", "team": "case__team", "officer": "case__officer"}


def _case_scope(user, perm: Perm) -> Q:
    """Rows hanging off a case (with a denormalised ``court``) the user may reach with ``perm``."""
    return scope_q(user, perm, **CASE_PATHS)


# --- Assets and controls ---------------------------------------------------------------------------------------

@dataclass
class Window:
    """One page of a long list without a COUNT(*): ``size`` rows plus a look-ahead row to know if there is more.
    Court-wide lists can hold tens of thousands of rows; counting them on every view costs more than the page."""

    items: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_window(qs: QuerySet, page, size: int = 50) -> Window:
    try:
        number = max(1, min(int(page), 10_000))
    except (TypeError, ValueError):
        number = 1
    rows = list(qs[(number - 1) * size:number * size + 1])
    return Window(rows[:size], number, len(rows) > size)


def asset_list_for_case(*, case: Case) -> list[Asset]:
    """A case's assets with their measures, disposals and objections: a fixed number of queries."""
    return list(
        Asset.objects.filter(case=case).select_related("owner__party").prefetch_related(
            Prefetch("controls", queryset=ControlMeasure.objects.select_related("team", "controlled_by")
                     .order_by("queue_rank")),
            Prefetch("disposals", queryset=Disposal.objects.select_related("team").prefetch_related(
                Prefetch("rounds", queryset=AuctionRound.objects.order_by("round_no")))),
            Prefetch("objections", queryset=Objection.objects.order_by("filed_on", "id")),
        ).order_by("id")
    )


def asset_list_for_user(*, user) -> QuerySet[Asset]:
    return Asset.objects.filter(scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team",
                                        officer="case__officer"))


def asset_get_for_user(*, user, pk: int) -> Asset:
    asset = asset_list_for_user(user=user).select_related("case", "owner__party").filter(pk=pk).first()
    if asset is None:
        raise Http404("No such asset.")
    return asset


def control_list_for_user(*, user) -> QuerySet[ControlMeasure]:
    return ControlMeasure.objects.filter(_case_scope(user, Perm.CASE_VIEW))


def control_get_for_user(*, user, pk: int) -> ControlMeasure:
    control = control_list_for_user(user=user).select_related("asset", "case").filter(pk=pk).first()
    if control is None:
        raise Http404("No such control measure.")
    return control


def _expiring(*, within_days: int, today: date | None) -> QuerySet[ControlMeasure]:
    today = today or timezone.localdate()
    until = today + timedelta(days=within_days)
    return (ControlMeasure.objects.filter(status=ControlStatus.ACTIVE, expires_on__lte=until)
            .select_related("asset", "case", "team").order_by("expires_on", "id"))


def controls_expiring(*, user, within_days: int, today: date | None = None) -> QuerySet[ControlMeasure]:
    """Measures in force that expire within ``within_days`` (already-expired ones not yet lapsed included), soonest
    first, that the user may see. Court scope reads the partial index on (court, expires_on); team scope is the
    policy's filter on the measures' copies of their case's team and officer (``case_team``, ``case_officer``).
    The list page reads it through ``controls_expiring_window``."""
    return _expiring(within_days=within_days, today=today).filter(
        scope_q(user, Perm.CASE_VIEW, court="court", team="case_team", officer="case_officer"))


def controls_expiring_window(*, user, within_days: int, page=1, size: int = 50,
                             today: date | None = None) -> Window:
    """One page of ``controls_expiring`` as the list page shows it. For a team-scoped user (an officer) the two arms
    of the policy's filter (their teams' cases, and the cases they handle in other teams) are read separately,
    each in expiry order from its own index and cut at the page's end, then merged: a few dozen rows are touched
    whatever the size of the court. (One ``WHERE team OR officer`` query makes PostgreSQL walk the court's whole
    expiry index and drop the other teams' rows one by one, or join every match before sorting.)"""
    if user.is_superuser or granted_scope(user, Perm.CASE_VIEW) != Scope.TEAM:
        return page_window(controls_expiring(user=user, within_days=within_days, today=today), page, size)
    number = page_window([], page, size).number
    end = number * size + 1
    base = _expiring(within_days=within_days, today=today)
    teams = scope_q(user, Perm.CASE_VIEW, court="court", team="case_team", officer=None)
    own = scope_q(user, Perm.CASE_VIEW, court="court", team=None, officer="case_officer")
    merged = (base.filter(teams)[:end]
              .union(base.filter(own).exclude(teams)[:end], all=True)
              .order_by("expires_on", "id"))
    rows = list(merged[(number - 1) * size:end])
    return Window(rows[:size], number, len(rows) > size)


def expiring_window_default(user) -> int:
    return court_settings.get(user.court_id, "expiring_window_days")


# --- Disposals -------------------------------------------------------------------------------------------------

def disposal_list_for_user(*, user) -> QuerySet[Disposal]:
    """Disposals of cases the user may see, and those of assets handed over to the user's team (移交处置, 分段集约:
    the receiving team need not see the case). One WHERE: the handover is joined, not looked up per row; this is
    exactly ``has_perm(user, ASSET_DISPOSE, disposal)`` (``Disposal.policy_target``) or CASE_VIEW on its case."""
    handed_over = scope_q(user, Perm.ASSET_DISPOSE, court="court", team="handover__to_team", officer=None) \
        & Q(handover__status=HandoverStatus.APPROVED)
    return Disposal.objects.filter(_case_scope(user, Perm.CASE_VIEW) | handed_over)


def disposal_get_for_user(*, user, pk: int) -> Disposal:
    disposal = (disposal_list_for_user(user=user).select_related("asset__owner__party", "case", "team")
                .prefetch_related(Prefetch("rounds", queryset=AuctionRound.objects.order_by("round_no")))
                .filter(pk=pk).first())
    if disposal is None:
        raise Http404("No such disposal.")
    return disposal


# --- Handovers for disposal (移交处置) ----------------------------------------------------------------------------

def handover_list_for_user(*, user) -> QuerySet[Handover]:
    """Handovers of cases the user may see, and those to the user's own (disposal) team."""
    return Handover.objects.filter(
        _case_scope(user, Perm.CASE_VIEW)
        | scope_q(user, Perm.ASSET_DISPOSE, court="court", team="to_team", officer=None)
    )


def handover_queue_for_user(*, user) -> QuerySet[Handover]:
    """Handovers awaiting the user's approval (the division chief's queue), oldest first."""
    return (Handover.objects.filter(_case_scope(user, Perm.DISPOSAL_HANDOVER_APPROVE), status=HandoverStatus.PENDING)
            .exclude(requested_by=user).select_related("case", "to_team", "from_team", "requested_by")
            .prefetch_related("assets").order_by("requested_at", "id"))


def handover_get_for_user(*, user, pk: int) -> Handover:
    handover = (handover_list_for_user(user=user).select_related("case", "to_team", "from_team", "requested_by",
                                                                  "decided_by")
                .prefetch_related("assets").filter(pk=pk).first())
    if handover is None:
        raise Http404("No such handover.")
    return handover


def handovers_received(*, user, open_cases: bool | None = None) -> QuerySet[Handover]:
    """Approved handovers to the user's teams, with the assets to dispose of (the whole case's when so handed).
    ``open_cases``: True, only those of open cases; False, only those of closed or archived cases; None, all."""
    qs = Handover.objects.filter(scope_q(user, Perm.ASSET_DISPOSE, court="court", team="to_team", officer=None),
                                 status=HandoverStatus.APPROVED)
    qs = qs.exclude(from_team=F("to_team"))  # legacy rows: a team never hands over to itself
    if open_cases is not None:
        qs = qs.filter(case__stage__in=OPEN_STAGES) if open_cases else qs.exclude(case__stage__in=OPEN_STAGES)
    return (qs
            .select_related("case", "to_team", "from_team").prefetch_related("assets__disposals", "case__assets__disposals")
            .order_by("-decided_at", "-id"))


# --- Funds -----------------------------------------------------------------------------------------------------

def case_balance(*, case_id: int) -> Decimal:
    """The balance of the case's fund account: an index-only sum over its entries."""
    return LedgerEntry.objects.filter(case_id=case_id).aggregate(s=Sum("signed_amount"))["s"] or Decimal("0.00")


@dataclass(frozen=True)
class FundsSummary:
    """The funds tab's figures, every one from the ledger and ``payout_limits`` (one computation), so the cards and
    the payout-limit box agree."""

    balance: Decimal
    reserved: Decimal  # promised to payouts not yet paid (prepared or approved)
    received: Decimal
    paid_out: Decimal
    awaiting: Decimal  # received money not yet paid out (未发放到账款): never more than the balance
    overdue_receipts: int
    held: Decimal = Decimal("0.00")  # receipts whose reversal awaits a second person
    fee_withheld: Decimal = Decimal("0.00")  # enforcement fee withheld first, not yet transferred
    available: Decimal = Decimal("0.00")  # balance - reserved - held - fee withheld (floored at 0): PayoutLimits.free


def case_funds_summary(*, case: Case, today: date | None = None, limits: PayoutLimits | None = None) -> FundsSummary:
    """``limits``: the case's ``payout_limits`` if the caller already has them (computed here otherwise)."""
    today = today or timezone.localdate()
    limits = limits if limits is not None else payout_limits(case=case, today=today)
    entries = LedgerEntry.objects.filter(case=case)
    agg = entries.aggregate(
        balance=Sum("signed_amount"),
        received=Sum("signed_amount", filter=Q(kind__in=RECEIPT_KIND_VALUES)
                     | Q(kind="reversal", reverses__kind__in=RECEIPT_KIND_VALUES)),
        paid=Sum("amount", filter=Q(kind="disbursement")),
        returned=Sum("amount", filter=Q(kind="reversal", reverses__kind="disbursement")),
        unsettled=Sum("amount", filter=Q(kind__in=RECEIPT_KIND_VALUES, paid_out_on__isnull=True,
                                         reversed_by__isnull=True)),
    )
    overdue = entries.filter(kind__in=RECEIPT_KIND_VALUES, paid_out_on__isnull=True, payout_due_on__lt=today,
                             reversed_by__isnull=True).count()
    zero = Decimal("0.00")
    balance = agg["balance"] or zero
    # A receipt partly paid out stays unsettled (receipts_settle is first in, first out, whole receipts), so the
    # unsettled receipts' total can exceed what is left: what awaits payout is at most the balance.
    awaiting = max(min(agg["unsettled"] or zero, balance), zero)
    return FundsSummary(
        balance=balance, reserved=limits.promised, received=agg["received"] or zero,
        paid_out=(agg["paid"] or zero) - (agg["returned"] or zero), awaiting=awaiting,
        overdue_receipts=overdue, held=limits.held, fee_withheld=limits.fee, available=limits.free,
    )


def ledger_for_case(*, case: Case) -> QuerySet[LedgerEntry]:
    return (LedgerEntry.objects.filter(case=case).select_related("recorded_by", "payout__payee__party")
            .prefetch_related("reversed_by").order_by("occurred_on", "id"))


def ledger_list_for_user(*, user) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(_case_scope(user, Perm.CASE_VIEW))


def ledger_get_for_user(*, user, pk: int) -> LedgerEntry:
    entry = ledger_list_for_user(user=user).select_related("case").filter(pk=pk).first()
    if entry is None:
        raise Http404("No such ledger entry.")
    return entry


def funds_scope(user) -> Q:
    """Funds lists: who records receipts, prepares payouts (the officer, who must pay out in time) or approves
    payouts on a case's account."""
    return (_case_scope(user, Perm.FUNDS_RECORD) | _case_scope(user, Perm.PAYOUT_APPROVE)
            | _case_scope(user, Perm.PAYOUT_PREPARE))


def reversal_requests_for_case(*, case: Case) -> QuerySet[ReversalRequest]:
    return (ReversalRequest.objects.filter(case=case).select_related("entry", "requested_by", "decided_by")
            .order_by("-requested_at", "-id"))


def reversal_request_list_for_user(*, user) -> QuerySet[ReversalRequest]:
    return ReversalRequest.objects.filter(_case_scope(user, Perm.CASE_VIEW)).select_related("entry", "case")


def reversal_request_get_for_user(*, user, pk: int) -> ReversalRequest:
    request = reversal_request_list_for_user(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404("No such reversal request.")
    return request


def funds_awaiting(*, user) -> QuerySet[LedgerEntry]:
    """Receipts not yet paid out, by payout due date (overdue first): the 30-day rule (§2.1 node 11)."""
    return (LedgerEntry.objects.filter(funds_scope(user), payout_due_on__isnull=False, paid_out_on__isnull=True)
            .select_related("case").order_by("payout_due_on", "id"))


def payout_list_for_user(*, user) -> QuerySet[Payout]:
    return Payout.objects.filter(_case_scope(user, Perm.CASE_VIEW))


def payout_get_for_user(*, user, pk: int) -> Payout:
    payout = (payout_list_for_user(user=user).select_related("case", "payee__party", "prepared_by", "approved_by")
              .filter(pk=pk).first())
    if payout is None:
        raise Http404("No such payout.")
    return payout


QUEUE_SORTS = {
    "age": ("prepared_at", "id"), "-age": ("-prepared_at", "-id"),
    "amount": ("amount", "id"), "-amount": ("-amount", "-id"),
    "case": ("case__number", "prepared_at", "id"), "-case": ("-case__number", "prepared_at", "id"),
}


def payout_queue(*, user, court: int | None = None, team: int | None = None, amount_min: Decimal | None = None,
                 amount_max: Decimal | None = None, older_than_days: int | None = None, sort: str = "age",
                 now=None) -> QuerySet[Payout]:
    """Payouts awaiting approval or execution that the user may approve, every one of them (the pages cut it into
    pages), filtered by court, the case's team, amount range and age (days since prepared), sorted by ``sort``
    (one of ``QUEUE_SORTS``; oldest first by default)."""
    qs = Payout.objects.filter(_case_scope(user, Perm.PAYOUT_APPROVE),
                               status__in=[PayoutStatus.PREPARED, PayoutStatus.APPROVED])
    if court is not None:
        qs = qs.filter(court_id=court)
    if team is not None:
        qs = qs.filter(case__team_id=team)
    if amount_min is not None:
        qs = qs.filter(amount__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(amount__lte=amount_max)
    if older_than_days is not None:
        qs = qs.filter(prepared_at__lte=(now or timezone.now()) - timedelta(days=older_than_days))
    return (qs.select_related("case__team", "court", "payee__party", "prepared_by", "approved_by")
            .order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["age"])))


def payout_queue_courts(*, user) -> QuerySet:
    """The courts whose payouts the user may approve (the queue's court filter)."""
    from accounts.models import Court

    scope = granted_scope(user, Perm.PAYOUT_APPROVE)
    if scope is None:
        return Court.objects.none()
    if user.is_superuser:
        return Court.objects.order_by("code")
    if scope == Scope.TREE:
        return Court.objects.filter(pk__in=user.court.descendant_ids()).order_by("code")
    return Court.objects.filter(pk=user.court_id)


def payout_limits(*, case: Case, exclude: Payout | None = None, today: date | None = None) -> PayoutLimits:
    """What the case's account may pay out now (``core.rules.payout_limits``): the claim with the delayed-performance
    interest to ``today``, the enforcement fee withheld first where the court does so, the applicants' payouts and
    the surplus for the debtor. ``exclude``: a payout not to count as promised (the one being decided). Services call
    it with the case row locked; the funds page shows it ("可发放上限")."""
    from cases.models import CaseParty, PartyRole
    from core.rules.fees import enforcement_fee
    from core.rules.interest import delayed_interest
    from core.rules.payout_limits import ApplicantFigures
    from core.rules.payout_limits import payout_limits as limits_rule

    today = today or timezone.localdate()
    zero = Decimal("0.00")
    entries = list(LedgerEntry.objects.filter(case_id=case.pk).values_list("id", "kind", "amount", "signed_amount",
                                                                            "occurred_on", "reverses_id"))
    balance = sum((e[3] for e in entries), zero)
    reversed_ids = {e[5] for e in entries if e[5] is not None}
    receipts = [(e[4], e[2]) for e in entries if e[1] in RECEIPT_KIND_VALUES and e[0] not in reversed_ids]
    fee_transferred = sum((e[2] for e in entries if e[1] == EntryKind.FEE_TRANSFER and e[0] not in reversed_ids),
                          zero)
    # Receipts whose reversal awaits a second person: the money may have to leave, so nothing may be paid from it.
    held = (ReversalRequest.objects.filter(case_id=case.pk, status=ReversalStatus.PENDING)
            .aggregate(s=Sum("entry__amount"))["s"] or zero)
    payouts = Payout.objects.filter(case_id=case.pk, status__in=[PayoutStatus.PREPARED, PayoutStatus.APPROVED,
                                                                  PayoutStatus.EXECUTED])
    if exclude is not None:
        payouts = payouts.exclude(pk=exclude.pk)
    sums = payouts.values("payee_id", "kind", "status").annotate(s=Sum("amount")).order_by()
    promised = sum((r["s"] for r in sums if r["status"] != PayoutStatus.EXECUTED), zero)
    paid_by, promised_by = {}, {}
    for r in sums:
        if r["kind"] != PayoutKind.APPLICANT:
            continue
        target = paid_by if r["status"] == PayoutStatus.EXECUTED else promised_by
        target[r["payee_id"]] = target.get(r["payee_id"], zero) + r["s"]
    plan = distribution_plan_approved(case=case)
    allotted = {} if plan is None else {line.party_id: line.amount for line in plan.lines.all()
                                        if line.kind == PlanLineKind.APPLICANT}
    applicants = [ApplicantFigures(cp.pk, cp.party.name, paid_by.get(cp.pk, zero), promised_by.get(cp.pk, zero),
                                   allotted.get(cp.pk, zero) if plan is not None else None)
                  for cp in CaseParty.objects.filter(case_id=case.pk, role=PartyRole.APPLICANT)
                  .select_related("party").order_by("position", "id")]
    claimed = case.amount_claimed
    interest = zero
    start = case.basis_due_on or case.basis_effective_on
    interest_base = claimed - case.interest_awarded
    if interest_base > 0 and start is not None and start < today:
        try:
            interest = delayed_interest(
                principal=interest_base, start=start, end=today, payments=[r for r in receipts if r[0] <= today],
                count_start_day=court_settings.get(case.court_id, "interest_count_start_day")).total
        except ValidationError:  # implausible dates (a delay of over 50 years): no interest, the bound stays low
            interest = zero
    fee = zero
    if case.case_type != "执保":  # the preservation fee is prepaid
        if court_settings.get(case.court_id, "fee_base") == "claimed":
            base = claimed
        else:
            base = min(case.amount_recovered, claimed + interest)
        if base > 0:
            fee = enforcement_fee(amount=base, rounding=court_settings.get(case.court_id, "fee_rounding"),
                                  no_amount_fee=court_settings.get(case.court_id, "no_amount_fee"))
    # Withheld first: held back from every payout. Otherwise the debtor still owes it: not held back, but money
    # that may pay it is not over-collected either.
    withheld_first = court_settings.get(case.court_id, "fee_withheld_first")
    return limits_rule(claimed=claimed, delayed_interest=interest, fee=fee if withheld_first else zero,
                       balance=balance, promised=promised, applicants=applicants, fee_transferred=fee_transferred,
                       held=held, plan=plan is not None, fee_not_withheld=zero if withheld_first else fee)


def distribution_plan_approved(*, case: Case) -> DistributionPlan | None:
    """The case's approved distribution plan (分配方案), with its lines, if any."""
    return (DistributionPlan.objects.filter(case_id=case.pk, status=PlanStatus.APPROVED)
            .prefetch_related("lines").first())


def distribution_plans_for_case(*, case: Case) -> QuerySet[DistributionPlan]:
    return (DistributionPlan.objects.filter(case=case)
            .select_related("prepared_by", "approved_by", "closed_by")
            .prefetch_related(Prefetch("lines", queryset=DistributionPlanLine.objects.select_related("party__party")
                                       .order_by("kind", "id")))
            .order_by("-prepared_at", "-id"))


def distribution_plan_list_for_user(*, user) -> QuerySet[DistributionPlan]:
    return DistributionPlan.objects.filter(_case_scope(user, Perm.CASE_VIEW))


def distribution_plan_get_for_user(*, user, pk: int) -> DistributionPlan:
    plan = distribution_plan_list_for_user(user=user).select_related("case").filter(pk=pk).first()
    if plan is None:
        raise Http404("No such distribution plan.")
    return plan


def payouts_for_case(*, case: Case) -> QuerySet[Payout]:
    return Payout.objects.filter(case=case).select_related("payee__party", "prepared_by", "approved_by",
                                                           "executed_by").order_by("-prepared_at", "-id")


def can(user, perm: Perm, target) -> bool:
    return has_perm(user, perm, target)
