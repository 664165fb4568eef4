"""The calculators through the service layer and the API: the worked examples of domain.md §4.3 and §5.2, the tier
breakpoints, court settings, and property tests."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from assets import services
from assets.services.calculators import ClaimInput
from core.models import CourtSetting

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
fen = st.integers(min_value=0, max_value=50_000_000_000).map(lambda n: Decimal(n) / 100)


@pytest.mark.parametrize(("amount", "fee"), [
    ("8000", "50.00"), ("100000", "1400.00"), ("1200000", "14400.00"), ("25000000", "92400.00"),
    ("10000", "50.00"), ("500000", "7400.00"), ("5000000", "52400.00"), ("10000000", "77400.00"),
])
def test_enforcement_fee_worked_examples_and_breakpoints(org, amount, fee):
    assert services.enforcement_fee_calculate(court=org.court, amount=amount).total == Decimal(fee)


def test_fee_breakdown_lists_each_tier(org):
    result = services.enforcement_fee_calculate(court=org.court, amount="1200000")
    assert [line.fee for line in result.lines] == [Decimal("50"), Decimal("7350.000"), Decimal("7000.00")]


def test_preservation_fee_is_capped_at_5000(org):
    assert services.enforcement_fee_calculate(court=org.court, amount="100000", preservation=True).total == \
        Decimal("1020.00")
    assert services.enforcement_fee_calculate(court=org.court, amount="50000000", preservation=True).total == \
        Decimal("5000.00")


def test_no_amount_fee_and_rounding_follow_court_settings(org):
    assert services.enforcement_fee_calculate(court=org.court, amount=None).total == Decimal("50.00")
    CourtSetting.objects.create(court=org.court, key="no_amount_fee", value="300")
    CourtSetting.objects.create(court=org.court, key="fee_rounding", value="yuan")
    assert services.enforcement_fee_calculate(court=org.court, amount=None).total == Decimal("300.00")
    assert services.enforcement_fee_calculate(court=org.court, amount="10033.33").total == Decimal("50.00")
    assert services.enforcement_fee_calculate(court=org.court, amount="10066.67").total == Decimal("51.00")


def test_case_fee_uses_the_court_fee_base(org, case):
    from assets.services import case_fee_calculate

    from .conftest import fund

    fund(case, org.finance, "50000.00")
    case.refresh_from_db()
    assert case_fee_calculate(actor=org.officer, case=case).amount == Decimal("50000.00")
    CourtSetting.objects.create(court=org.court, key="fee_base", value="claimed")
    assert case_fee_calculate(actor=org.officer, case=case).breakdown.total == Decimal("1400.00")


@SETTINGS
@given(a=fen, b=fen)
def test_fee_is_monotonic(org, a, b):
    low, high = sorted([a, b])
    assert services.enforcement_fee_calculate(court=org.court, amount=low).total <= \
        services.enforcement_fee_calculate(court=org.court, amount=high).total


@pytest.mark.parametrize("breakpoint", ["500000", "5000000", "10000000"])
def test_fee_is_continuous_at_breakpoints(org, breakpoint):
    at = services.enforcement_fee_calculate(court=org.court, amount=breakpoint).total
    above = services.enforcement_fee_calculate(court=org.court, amount=Decimal(breakpoint) + Decimal("0.01")).total
    assert Decimal("0") <= above - at <= Decimal("0.01")


def test_interest_worked_examples(org):
    start = date(2026, 1, 1)
    full = services.interest_calculate(court=org.court, principal="100000", start=start,
                                       end=start + timedelta(days=100))
    assert full.total == Decimal("1750.00") and full.days == 100
    part = services.interest_calculate(court=org.court, principal="100000", start=start,
                                       end=start + timedelta(days=100),
                                       payments=[(start + timedelta(days=30), "40000")])
    assert part.total == Decimal("1260.00")


def test_interest_day_count_is_a_court_setting(org):
    CourtSetting.objects.create(court=org.court, key="interest_count_start_day", value=True)
    start = date(2026, 1, 1)
    result = services.interest_calculate(court=org.court, principal="100000", start=start,
                                         end=start + timedelta(days=100))
    assert result.days == 101 and result.total == Decimal("1767.50")


def test_interest_payment_after_the_end_names_the_payment(org):
    with pytest.raises(Exception) as exc:
        services.interest_calculate(court=org.court, principal="100", start=date(2026, 1, 1), end=date(2026, 2, 1),
                                    payments=[(date(2026, 3, 1), "10")])
    assert "payments.0.date" in exc.value.message_dict


def test_distribution_pays_costs_secured_then_ordinary_pro_rata(org):
    result = services.distribution_calculate(
        court=org.court, total="1000000", sale_costs="20000", enforcement_costs="13800", claims=[
            ClaimInput("工商银行（抵押）", "600000", "0", "secured", 1),
            ClaimInput("张三", "300000", "20000"),
            ClaimInput("李四", "200000")])
    lines = {line.creditor: line for line in result.lines}
    assert lines["工商银行（抵押）"].paid == Decimal("600000.00")
    assert lines["张三"].principal_paid + lines["李四"].principal_paid == Decimal("366200.00")
    assert lines["张三"].interest_paid == Decimal("0.00")  # principal before interest
    assert result.sale_costs_paid + result.enforcement_costs_paid + result.paid_to_claims + result.surplus == \
        Decimal("1000000.00")


def test_wage_priority_is_off_by_default_and_a_court_setting(org):
    claims = [ClaimInput("工人", "100"), ClaimInput("供应商", "100")]
    assert [line.paid for line in services.distribution_calculate(court=org.court, total="100", claims=claims).lines] \
        == [Decimal("50.00"), Decimal("50.00")]
    CourtSetting.objects.create(court=org.court, key="wage_priority", value=True)
    claims[0] = ClaimInput("工人", "100", priority_class="wage")
    paid = {line.creditor: line.paid for line in
            services.distribution_calculate(court=org.court, total="100", claims=claims).lines}
    assert paid == {"工人": Decimal("100.00"), "供应商": Decimal("0.00")}


@SETTINGS
@given(total=fen, claims=st.lists(st.tuples(fen, fen, st.sampled_from(["secured", "priority", "wage", "ordinary"]),
                                            st.integers(min_value=0, max_value=3)), min_size=1, max_size=6),
       sale=fen, costs=fen)
def test_distribution_never_pays_more_than_it_has_and_sums_exactly(org, total, claims, sale, costs):
    result = services.distribution_calculate(
        court=org.court, total=total, sale_costs=sale, enforcement_costs=costs,
        claims=[ClaimInput(f"债权人{i}", p, q, k, r) for i, (p, q, k, r) in enumerate(claims)])
    assert result.sale_costs_paid + result.enforcement_costs_paid + result.paid_to_claims + result.surplus == total
    for line in result.lines:
        assert Decimal("0") <= line.principal_paid <= line.principal_owed
        assert Decimal("0") <= line.interest_paid <= line.interest_owed
        assert line.interest_paid == 0 or line.principal_paid == line.principal_owed


def test_calculator_api_returns_money_as_strings_and_names_fields(org):
    api = APIClient()
    api.force_authenticate(org.clerk)
    r = api.post("/api/v1/calculators/enforcement-fee/", {"amount": "100000.00"}, format="json")
    assert r.status_code == 200 and r.json()["total"] == "1400.00"
    r = api.post("/api/v1/calculators/interest/", {"principal": "100000.00", "start": "2026-01-01",
                                                   "end": "2026-04-11",
                                                   "payments": [{"date": "2026-01-31", "amount": "40000.00"}]},
                 format="json")
    assert r.status_code == 200 and r.json()["total"] == "1260.00"
    r = api.post("/api/v1/calculators/distribution/", {"total": "100.00", "claims": [
        {"creditor": "甲", "principal": "100.00"}, {"creditor": "乙", "principal": "200.00"}]}, format="json")
    assert [line["paid"] for line in r.json()["lines"]] == ["33.33", "66.67"]
    r = api.post("/api/v1/calculators/interest/", {"principal": "100.00", "start": "2026-02-01",
                                                   "end": "2026-01-01"}, format="json")
    assert r.status_code == 400 and "end" in r.json()
    api.force_authenticate(None)
    assert api.post("/api/v1/calculators/enforcement-fee/", {"amount": "1"}, format="json").status_code in (401, 403)
