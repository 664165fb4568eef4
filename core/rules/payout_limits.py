"""What a case's fund account may pay out, and to whom (domain.md §4.2, §5.1, §5.2; docs/money.md).

The applicants together may receive the claim, less what they have already been paid and what is promised to them by
payouts not yet executed:

    claim            = amount in the instrument (principal + interest awarded + litigation costs + other amounts)
                       + doubled-part interest for delayed performance (INT art 1, §5.2)
    still owed       = max(claim - paid to applicants - promised to applicants, 0)

The money they can be paid from is the balance, less the payouts already promised, less the enforcement fee where the
court withholds it from the proceeds first (先执行后收费, §4.2; §5.1 step 2) and has not yet transferred it to the
court's fee account, less the receipts whose reversal (冲正) awaits a second person (that money may have to leave):

    fee withheld     = max(fee - fee transferred, 0)
    free             = max(balance - promised (all payouts) - fee withheld - held for reversals, 0)
    applicant limit  = min(still owed, free)

What is left when every applicant is satisfied (余款) goes back to the debtor (EXEC-98 art 34, §5.1 step 7):

    surplus          = max(free - still owed, 0)

Several applicants (``plan``): with an approved distribution plan (分配方案) each applicant has an allotment, and

    own room         = max(allotted - paid to them - promised to them, 0)
    their limit      = min(own room, still owed)            (what they may still receive)
    paid to them now ≤ min(their limit, free)

(the plan divides the claim, it never raises it). With more than one applicant and no approved plan, no applicant
may be paid (``plan_required``; their limit is 0). With one applicant and no plan, their limit is ``still owed``.

Over-collection (超额到账): money in the account beyond everything the case can absorb (the claim still owed, the
enforcement fee withheld or, where the court does not withhold it first, still owed by the debtor
(``fee_not_withheld``), the payouts promised and the receipts held for a reversal) must go back to the debtor:

    over collected   = max(surplus - fee_not_withheld, 0)

The case's funds tab and finance's list flag it ("超额到账¥X，应退还被执行人") and offer the surplus payout.
Pure arithmetic on Decimals; the caller reads the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ApplicantFigures:
    party_id: int
    name: str
    paid: Decimal  # executed payouts to this applicant (returned ones excluded)
    promised: Decimal  # payouts to this applicant prepared or approved, not yet executed
    allotted: Decimal | None = None  # their line in the approved distribution plan, if there is one


@dataclass(frozen=True)
class ApplicantLimit:
    party_id: int
    name: str
    paid: Decimal
    promised: Decimal
    limit: Decimal  # what this applicant may still receive: their line (with a plan) within the claim still owed
    allotted: Decimal | None = None
    now: Decimal = ZERO  # what may be paid to them now: min(limit, free)


@dataclass(frozen=True)
class PayoutLimits:
    claimed: Decimal  # the amount in the instrument
    delayed_interest: Decimal  # doubled-part interest to date
    claim: Decimal  # claimed + delayed_interest
    fee: Decimal  # enforcement fee still withheld in the account (fee due less transferred; 0 if not withheld)
    balance: Decimal
    promised: Decimal  # every payout not yet executed (applicants and surplus)
    paid_applicants: Decimal
    promised_applicants: Decimal
    still_owed: Decimal  # what the applicants may still be promised in total
    free: Decimal  # money in the account not promised and not withheld for the fee
    applicant_limit: Decimal  # min(still_owed, free)
    surplus: Decimal  # what may go back to the debtor now (余款)
    applicants: tuple[ApplicantLimit, ...]
    fee_due: Decimal = ZERO  # the enforcement fee withheld first, before any transfer
    fee_transferred: Decimal = ZERO  # already transferred to the court's fee account (执行费划转)
    held: Decimal = ZERO  # receipts whose reversal awaits a second person
    has_plan: bool = False  # an approved distribution plan bounds each applicant
    plan_required: bool = False  # several applicants and no approved plan: no applicant may be paid
    over_collected: Decimal = ZERO  # beyond the claim, the fee and the promised payouts: to go back to the debtor

    def applicant(self, party_id: int) -> ApplicantLimit | None:
        return next((a for a in self.applicants if a.party_id == party_id), None)


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def payout_limits(
    *,
    claimed: Decimal,
    delayed_interest: Decimal,
    fee: Decimal,
    balance: Decimal,
    promised: Decimal,
    applicants: Sequence[ApplicantFigures],
    fee_transferred: Decimal = ZERO,
    held: Decimal = ZERO,
    plan: bool = False,
    fee_not_withheld: Decimal = ZERO,
) -> PayoutLimits:
    """The bounds of the next payout on a case (see the module docstring for the formulas). ``plan``: an approved
    distribution plan exists (each applicant's ``allotted`` is their line; an applicant without a line has 0).
    ``fee_not_withheld``: the enforcement fee the debtor still owes where the court does not withhold it first (it
    is not held back from payouts, but money that may pay it is not over-collected)."""
    claim = _money(claimed + delayed_interest)
    paid = _money(sum((a.paid for a in applicants), ZERO))
    promised_applicants = _money(sum((a.promised for a in applicants), ZERO))
    still_owed = max(claim - paid - promised_applicants, ZERO)
    withheld = max(_money(fee) - _money(fee_transferred), ZERO)
    free = max(_money(balance) - _money(promised) - withheld - _money(held), ZERO)
    plan_required = not plan and len(applicants) > 1
    limit = ZERO if plan_required else min(still_owed, free)

    def own(a: ApplicantFigures) -> tuple[Decimal, Decimal | None]:
        if plan_required:
            return ZERO, None
        if not plan:
            return still_owed, None
        allotted = _money(a.allotted or ZERO)
        room = max(allotted - _money(a.paid) - _money(a.promised), ZERO)
        return min(room, still_owed), allotted

    rows = []
    for a in applicants:
        their, allotted = own(a)
        rows.append(ApplicantLimit(a.party_id, a.name, _money(a.paid), _money(a.promised), their, allotted,
                                   min(their, free)))
    surplus = max(free - still_owed, ZERO)
    return PayoutLimits(
        claimed=_money(claimed), delayed_interest=_money(delayed_interest), claim=claim, fee=withheld,
        balance=_money(balance), promised=_money(promised), paid_applicants=paid,
        promised_applicants=promised_applicants, still_owed=still_owed, free=free, applicant_limit=limit,
        surplus=surplus, applicants=tuple(rows), fee_due=_money(fee),
        fee_transferred=_money(fee_transferred), held=_money(held), has_plan=plan, plan_required=plan_required,
        over_collected=over_collection(surplus=surplus, fee_not_withheld=fee_not_withheld),
    )


def over_collection(*, surplus: Decimal, fee_not_withheld: Decimal = ZERO) -> Decimal:
    """The money on the account that the case cannot absorb (超额到账): the surplus (what is left once the claim still
    owed, the fee withheld, the promised payouts and the held receipts are set aside), less the enforcement fee the
    debtor still owes where the court does not withhold it first. Never negative."""
    return max(_money(surplus) - max(_money(fee_not_withheld), ZERO), ZERO)
