"""The bounds of a payout (core.rules.payout_limits, docs/money.md): property tests over random figures."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.rules.payout_limits import ApplicantFigures, payout_limits

money = st.integers(min_value=0, max_value=10**11).map(lambda fen: Decimal(fen) / 100)


@given(claimed=money, interest=money, fee=money, balance=money, promised_other=money,
       shares=st.lists(st.tuples(money, money), min_size=0, max_size=4))
def test_never_more_than_the_claim_the_money_or_the_surplus(claimed, interest, fee, balance, promised_other, shares):
    applicants = [ApplicantFigures(i, f"A{i}", paid, promised) for i, (paid, promised) in enumerate(shares)]
    promised = promised_other + sum((p for _paid, p in shares), Decimal("0"))
    limits = payout_limits(claimed=claimed, delayed_interest=interest, fee=fee, balance=balance, promised=promised,
                           applicants=applicants)
    paid = sum((p for p, _promised in shares), Decimal("0"))
    promised_applicants = sum((p for _paid, p in shares), Decimal("0"))
    for value in (limits.still_owed, limits.free, limits.applicant_limit, limits.surplus):
        assert value >= 0 and value == value.quantize(Decimal("0.01"))
    # The applicants never get more than the claim, counting what they were paid and promised.
    assert paid + promised_applicants + limits.still_owed <= max(claimed + interest, paid + promised_applicants)
    # Nothing is paid from money promised elsewhere or withheld for the fee.
    assert limits.applicant_limit <= limits.free <= max(balance - promised - fee, Decimal("0"))
    assert limits.applicant_limit <= limits.still_owed
    # The debtor gets only what is left once the applicants are covered.
    assert limits.surplus + limits.still_owed <= limits.free or limits.surplus == 0
    # Without a plan: one applicant may take the whole limit; several may take nothing (a plan is required).
    if len(applicants) > 1:
        assert limits.plan_required and all(a.limit == 0 for a in limits.applicants)
    else:
        assert all(a.limit == limits.still_owed and a.now == limits.applicant_limit for a in limits.applicants)


def test_worked_example_claim_interest_and_fee():
    """100,000 principal, 100 days late (1,750.00, domain.md §5.2), fee 1,400.00 (§4.3), 120,000 on the account."""
    limits = payout_limits(claimed=Decimal("100000"), delayed_interest=Decimal("1750"), fee=Decimal("1400"),
                           balance=Decimal("120000"), promised=Decimal("0"),
                           applicants=[ApplicantFigures(1, "张三", Decimal("0"), Decimal("0"))])
    assert limits.applicant_limit == Decimal("101750.00")
    assert limits.surplus == Decimal("16850.00")  # 120,000 - 1,400 - 101,750


@given(claimed=money, fee=money, transferred=money, held=money, balance=money, promised=money)
def test_the_fee_transferred_and_money_held_for_reversals(claimed, fee, transferred, held, balance, promised):
    limits = payout_limits(claimed=claimed, delayed_interest=Decimal("0"), fee=fee, balance=balance,
                           promised=promised, applicants=[ApplicantFigures(1, "张三", Decimal("0"), Decimal("0"))],
                           fee_transferred=transferred, held=held)
    # Only the part of the fee not yet transferred is still withheld; nothing is paid from money held back.
    assert limits.fee == max(fee - transferred, Decimal("0"))
    assert limits.free == max(balance - promised - limits.fee - held, Decimal("0"))
    assert limits.applicant_limit <= limits.free and limits.held == held


@given(claimed=money, balance=money, promised_other=money,
       shares=st.lists(st.tuples(money, money, money), min_size=1, max_size=5))
def test_with_a_plan_each_applicant_gets_at_most_their_line(claimed, balance, promised_other, shares):
    applicants = [ApplicantFigures(i, f"A{i}", paid, promised, allotted)
                  for i, (paid, promised, allotted) in enumerate(shares)]
    promised = promised_other + sum((p for _paid, p, _a in shares), Decimal("0"))
    limits = payout_limits(claimed=claimed, delayed_interest=Decimal("0"), fee=Decimal("0"), balance=balance,
                           promised=promised, applicants=applicants, plan=True)
    assert not limits.plan_required and limits.has_plan
    for a, (paid, promised_a, allotted) in zip(limits.applicants, shares):
        assert a.limit >= 0 and a.limit == a.limit.quantize(Decimal("0.01"))
        # Never beyond their line (counting what they were paid and promised), the claim or the free money.
        assert paid + promised_a + a.limit <= max(allotted, paid + promised_a)
        assert a.limit <= limits.still_owed and a.now == min(a.limit, limits.free)
        assert a.allotted == allotted


def test_several_applicants_without_a_plan_get_nothing_one_gets_the_limit():
    two = payout_limits(claimed=Decimal("1000"), delayed_interest=Decimal("0"), fee=Decimal("0"),
                        balance=Decimal("1000"), promised=Decimal("0"),
                        applicants=[ApplicantFigures(1, "张三", Decimal("0"), Decimal("0")),
                                    ApplicantFigures(2, "李四", Decimal("0"), Decimal("0"))])
    assert two.plan_required and two.applicant_limit == 0 and [a.limit for a in two.applicants] == [0, 0]
    one = payout_limits(claimed=Decimal("1000"), delayed_interest=Decimal("0"), fee=Decimal("0"),
                        balance=Decimal("600"), promised=Decimal("0"),
                        applicants=[ApplicantFigures(1, "张三", Decimal("0"), Decimal("0"))])
    assert not one.plan_required and one.applicants[0].now == Decimal("600.00")
    assert one.applicants[0].limit == Decimal("1000.00")
