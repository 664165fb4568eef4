from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.distribution import (
    Claim,
    PriorityClass,
    allocate_fen,
    allocate_pro_rata,
    distribute,
)

from .helpers import PROPERTY, raises_code

D = Decimal


def paid(distribution):
    return {line.claim_id: (line.principal_paid, line.interest_paid) for line in distribution.lines}


def test_costs_then_secured_then_ordinary_pro_rata():
    result = distribute(
        total=D("200000"), sale_costs=D("5000"), enforcement_costs=D("1400"),
        claims=[
            Claim("O1", "甲", D("60000"), D("3000")),
            Claim("S1", "银行", D("80000"), D("2000"), PriorityClass.SECURED, rank=1),
            Claim("O2", "乙", D("90000"), D("1000")),
        ],
    )
    assert (result.sale_costs_paid, result.enforcement_costs_paid) == (D("5000.00"), D("1400.00"))
    assert paid(result) == {
        "S1": (D("80000.00"), D("2000.00")),
        "O1": (D("44640.00"), D("0.00")),
        "O2": (D("66960.00"), D("0.00")),
    }
    assert [line.claim_id for line in result.lines] == ["S1", "O1", "O2"]  # payment order
    assert [line.step for line in result.lines] == [1, 2, 2]
    o1 = result.lines[1]
    assert (o1.principal_shortfall, o1.interest_shortfall, o1.shortfall) == (D("15360.00"), D("3000.00"),
                                                                            D("18360.00"))
    assert result.surplus == D("0.00")


def test_pro_rata_parts_always_sum_to_the_amount_shared():
    result = distribute(
        total=D("100"), sale_costs=0, enforcement_costs=0,
        claims=[Claim(i, f"creditor {i}", D("100")) for i in range(3)],
    )
    assert [line.principal_paid for line in result.lines] == [D("33.34"), D("33.33"), D("33.33")]


def test_seizure_order_pays_the_first_seizure_in_full_first():
    result = distribute(
        total=D("100000"), sale_costs=0, enforcement_costs=0, mode="seizure_order",
        claims=[Claim("late", "甲", D("80000"), seizure_order=2),
                Claim("early", "乙", D("50000"), D("5000"), seizure_order=1)],
    )
    assert paid(result) == {"early": (D("50000.00"), D("5000.00")), "late": (D("45000.00"), D("0.00"))}
    assert [line.claim_id for line in result.lines] == ["early", "late"]


def test_secured_claims_rank_by_creation_and_equal_ranks_share():
    result = distribute(
        total=D("50000"), sale_costs=0, enforcement_costs=0,
        claims=[
            Claim("S3", "丙", D("10000"), priority_class="secured", rank=2),
            Claim("S1", "甲", D("60000"), priority_class="secured", rank=1),
            Claim("P2", "乙", D("40000"), priority_class="priority", rank=1),
        ],
    )
    assert paid(result) == {"S1": (D("30000.00"), D("0.00")), "P2": (D("20000.00"), D("0.00")),
                            "S3": (D("0.00"), D("0.00"))}


@pytest.mark.parametrize(("wage_priority", "wage", "ordinary"), [(True, D("10000.00"), D("0.00")),
                                                                   (False, D("5000.00"), D("5000.00"))])
def test_wage_priority_is_optional(wage_priority, wage, ordinary):
    result = distribute(
        total=D("10000"), sale_costs=0, enforcement_costs=0, wage_priority=wage_priority,
        claims=[Claim("O", "甲", D("10000")), Claim("W", "工人", D("10000"), priority_class="wage")],
    )
    assert paid(result)["W"][0] == wage
    assert paid(result)["O"][0] == ordinary


def test_all_principals_of_a_group_before_any_interest_and_surplus_to_debtor():
    claims = [Claim("A", "甲", D("100"), D("100")), Claim("B", "乙", D("100"))]
    short = distribute(total=D("250"), sale_costs=0, enforcement_costs=0, claims=claims)
    assert paid(short) == {"A": (D("100.00"), D("50.00")), "B": (D("100.00"), D("0.00"))}
    assert short.surplus == D("0.00")
    full = distribute(total=D("400"), sale_costs=0, enforcement_costs=0, claims=claims)
    assert full.surplus == D("100.00")
    assert full.paid_to_claims == D("300.00")


def test_costs_larger_than_the_proceeds():
    result = distribute(total=D("3000"), sale_costs=D("5000"), enforcement_costs=D("100"),
                        claims=[Claim("A", "甲", D("100"))])
    assert (result.sale_costs_paid, result.enforcement_costs_paid) == (D("3000.00"), D("0.00"))
    assert result.lines[0].paid == 0
    assert result.surplus == 0


def test_no_claims_everything_after_costs_is_surplus():
    result = distribute(total=D("1000"), sale_costs=D("100"), enforcement_costs=D("50"), claims=[])
    assert result.surplus == D("850.00")


def test_errors_name_the_claim():
    with raises_code("duplicate_claim", "A"):
        distribute(total=1, sale_costs=0, enforcement_costs=0, claims=[Claim("A", "x", 1), Claim("A", "y", 1)])
    with raises_code("seizure_order_missing", "B"):
        distribute(total=1, sale_costs=0, enforcement_costs=0, mode="seizure_order", claims=[Claim("B", "x", 1)])
    with raises_code("priority_class", "C"):
        distribute(total=1, sale_costs=0, enforcement_costs=0, claims=[Claim("C", "x", 1, priority_class="vip")])
    with raises_code("negative_amount", "principal of claim D"):
        distribute(total=1, sale_costs=0, enforcement_costs=0, claims=[Claim("D", "x", D("-1"))])
    with raises_code("distribution_mode", "lottery"):
        distribute(total=1, sale_costs=0, enforcement_costs=0, claims=[], mode="lottery")
    with raises_code("negative_amount", "total"):
        distribute(total=-1, sale_costs=0, enforcement_costs=0, claims=[])


def test_allocate_pro_rata():
    assert allocate_pro_rata(amount=D("1"), weights=[D("1"), D("1"), D("1")]) == [D("0.34"), D("0.33"), D("0.33")]
    assert allocate_pro_rata(amount=D("0"), weights=[D("0"), D("5")]) == [D("0.00"), D("0.00")]
    with raises_code("allocation_too_large"):
        allocate_pro_rata(amount=D("10.01"), weights=[D("10")])


# --- properties -------------------------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=D("1000000"), places=2, allow_nan=False, allow_infinity=False)


@st.composite
def claim_lists(draw):
    n = draw(st.integers(0, 8))
    return [
        Claim(
            id=i, creditor=f"creditor {i}", principal=draw(money), interest=draw(money),
            priority_class=draw(st.sampled_from(PriorityClass.values)),
            rank=draw(st.integers(0, 3)), seizure_order=draw(st.integers(0, 3)),
        )
        for i in range(n)
    ]


@PROPERTY
@given(st.integers(0, 10**8), st.lists(st.integers(0, 10**7), min_size=1, max_size=10))
def test_allocate_fen_sums_exactly_and_stays_close_to_the_exact_share(amount_seed, weights):
    whole = sum(weights)
    amount = amount_seed % (whole + 1)
    parts = allocate_fen(amount, weights)
    assert sum(parts) == amount
    for part, weight in zip(parts, weights):
        assert 0 <= part <= weight
        assert whole == 0 or abs(part * whole - amount * weight) < whole  # within one fen of the exact share


@PROPERTY
@given(money, money, money, claim_lists(), st.sampled_from(["pro_rata", "seizure_order"]), st.booleans())
def test_distribution_invariants(total, sale_costs, enforcement_costs, claims, mode, wage_priority):
    result = distribute(total=total, sale_costs=sale_costs, enforcement_costs=enforcement_costs, claims=claims,
                        mode=mode, wage_priority=wage_priority)
    # Everything is accounted for, to the fen.
    assert result.sale_costs_paid + result.enforcement_costs_paid + result.paid_to_claims + result.surplus == total
    # Nothing negative, nobody paid more than owed.
    for line in result.lines:
        assert 0 <= line.principal_paid <= line.principal_owed
        assert 0 <= line.interest_paid <= line.interest_owed
    assert result.surplus >= 0
    # Costs come first.
    if result.paid_to_claims or result.surplus:
        assert result.sale_costs_paid == sale_costs and result.enforcement_costs_paid == enforcement_costs
    # Later steps are paid only when every earlier step is paid in full.
    for line in result.lines:
        if line.paid:
            assert all(other.shortfall == 0 for other in result.lines if other.step < line.step)
    # Within a step, all principals before any interest.
    for line in result.lines:
        if line.interest_paid:
            assert all(other.principal_shortfall == 0 for other in result.lines if other.step == line.step)
    # A surplus means everyone was paid in full.
    if result.surplus:
        assert all(line.shortfall == 0 for line in result.lines)
    # Secured and priority claims are paid before the others, by rank.
    secured = [line for line in result.lines if line.priority_class in ("secured", "priority")]
    others = [line for line in result.lines if line not in secured]
    assert all(s.step < o.step for s in secured for o in others)
    ranks = {claim.id: claim.rank for claim in claims}
    assert [ranks[line.claim_id] for line in secured] == sorted(ranks[line.claim_id] for line in secured)


@PROPERTY
@given(money, claim_lists())
def test_pro_rata_shares_within_a_step_are_within_a_fen_of_exact(total, claims):
    result = distribute(total=total, sale_costs=0, enforcement_costs=0, claims=claims)
    for step in {line.step for line in result.lines}:
        group = [line for line in result.lines if line.step == step]
        owed = sum(line.principal_owed for line in group)
        shared = sum(line.principal_paid for line in group)
        for line in group:
            if owed:
                assert abs(line.principal_paid - shared * line.principal_owed / owed) < D("0.01")
