"""What a case's fund account may pay out, and to whom (domain.md §4.2, §5.1, §5.2; docs/money.md).

The applicants together may receive the claim, less what they have already been paid and what is promised to them by
payouts not yet executed:

    claim            = amount in the instrument (principal + interest awarded + litigation costs + other amounts)
                       + doubled-part interest for delayed performance (INT art 1, §5.2)
    still owed       = max(claim - paid to applicants - promised to applicants, 0)

The money they can be paid from is the balance, less the payouts already promised, less the enforcement fee where the
court withholds it from the proceeds first (先执行后收费, §4.2; §5.1 step 2):

    free             = max(balance - promised (all payouts) - fee withheld, 0)
    applicant limit  = min(still owed, free)

What is left when every applicant is satisfied (余款) goes back to the debtor (EXEC-98 art 34, §5.1 step 7):

    surplus          = max(free - still owed, 0)

Without a stored distribution plan or per-applicant claims, the applicants of a case share the one claim: the limit of
each is the case's ``still owed`` in total across them. Pure arithmetic on Decimals; the caller reads the figures.
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


@dataclass(frozen=True)
class ApplicantLimit:
    party_id: int
    name: str
    paid: Decimal
    promised: Decimal
    limit: Decimal  # what this applicant may still be promised on the claim (shared by the case's applicants)


@dataclass(frozen=True)
class PayoutLimits:
    claimed: Decimal  # the amount in the instrument
    delayed_interest: Decimal  # doubled-part interest to date
    claim: Decimal  # claimed + delayed_interest
    fee: Decimal  # enforcement fee withheld first (0 where the court does not collect it from the proceeds)
    balance: Decimal
    promised: Decimal  # every payout not yet executed (applicants and surplus)
    paid_applicants: Decimal
    promised_applicants: Decimal
    still_owed: Decimal  # what the applicants may still be promised in total
    free: Decimal  # money in the account not promised and not withheld for the fee
    applicant_limit: Decimal  # min(still_owed, free)
    surplus: Decimal  # what may go back to the debtor now (余款)
    applicants: tuple[ApplicantLimit, ...]


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
) -> PayoutLimits:
    """The bounds of the next payout on a case (see the module docstring for the formulas)."""
    claim = _money(claimed + delayed_interest)
    paid = _money(sum((a.paid for a in applicants), ZERO))
    promised_applicants = _money(sum((a.promised for a in applicants), ZERO))
    still_owed = max(claim - paid - promised_applicants, ZERO)
    free = max(_money(balance) - _money(promised) - _money(fee), ZERO)
    limit = min(still_owed, free)
    return PayoutLimits(
        claimed=_money(claimed), delayed_interest=_money(delayed_interest), claim=claim, fee=_money(fee),
        balance=_money(balance), promised=_money(promised), paid_applicants=paid,
        promised_applicants=promised_applicants, still_owed=still_owed, free=free, applicant_limit=limit,
        surplus=max(free - still_owed, ZERO),
        applicants=tuple(ApplicantLimit(a.party_id, a.name, _money(a.paid), _money(a.promised), still_owed)
                         for a in applicants),
    )
