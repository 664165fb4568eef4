from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.rules.interest import delayed_interest

from .helpers import PROPERTY, raises_code

D = Decimal
START = date(2024, 1, 1)


def day(n: int) -> date:
    return START + timedelta(days=n)


def test_worked_example_100_days():
    result = delayed_interest(principal=D("100000"), start=START, end=day(100))
    assert result.total == D("1750.00")
    assert result.days == 100
    assert len(result.segments) == 1
    assert result.segments[0].first_day == day(1)  # default: the start day is not counted
    assert result.segments[0].last_day == day(100)


def test_counting_the_start_day_adds_one_day():
    result = delayed_interest(principal=D("100000"), start=START, end=day(100), count_start_day=True)
    assert result.days == 101
    assert result.total == D("1767.50")


def test_worked_example_with_a_part_payment():
    result = delayed_interest(
        principal=D("100000"), start=START, end=day(100), payments=[(day(30), D("40000"))]
    )
    assert [(s.days, s.principal, s.interest) for s in result.segments] == [
        (30, D("100000.00"), D("525.0000000")),
        (70, D("60000.00"), D("735.0000000")),
    ]
    assert result.total == D("1260.00")


def test_payments_in_any_order_and_on_the_same_day():
    result = delayed_interest(
        principal=D("100000"), start=START, end=day(100),
        payments=[(day(30), D("30000")), (day(30), 10000)],
    )
    assert result.total == D("1260.00")


def test_excluded_periods_are_not_charged_and_overlaps_count_once():
    result = delayed_interest(
        principal=D("100000"), start=START, end=day(100),
        excluded_periods=[(day(41), day(50)), (day(45), day(48))],
    )
    assert result.days == 90
    assert result.excluded_days == 10
    assert result.total == D("1575.00")
    assert [s.excluded for s in result.segments] == [False, True, False]


def test_excluded_periods_outside_the_delay_change_nothing():
    result = delayed_interest(
        principal=D("100000"), start=START, end=day(100), excluded_periods=[(day(-30), START), (day(101), day(200))]
    )
    assert result.total == D("1750.00")


def test_no_delay_no_interest():
    result = delayed_interest(principal=D("100000"), start=START, end=START)
    assert (result.days, result.total, result.segments) == (0, D("0.00"), [])


def test_a_payment_before_the_start_reduces_the_debt_from_the_start():
    result = delayed_interest(principal=D("100000"), start=START, end=day(100), payments=[(day(-5), D("50000"))])
    assert result.total == D("875.00")


def test_overpayment_stops_the_interest_and_warns():
    result = delayed_interest(principal=D("1000"), start=START, end=day(10), payments=[(day(4), D("5000"))])
    assert result.total == (D("1000") * D("0.000175") * 4).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert "exceed" in result.warnings[0]


def test_delay_before_august_2014_gets_a_warning():
    result = delayed_interest(principal=D("1000"), start=date(2014, 7, 1), end=date(2014, 9, 1))
    assert "2014-08-01" in result.warnings[0]


def test_a_custom_rate_is_used():
    assert delayed_interest(principal=D("1000"), start=START, end=day(10), daily_rate=D("0.0005")).total == D("5.00")


def test_end_before_start_is_refused():
    with raises_code("interest_dates", "2023-12-31"):
        delayed_interest(principal=D("1"), start=START, end=day(-1))


def test_payment_after_the_end_is_refused():
    with raises_code("payment_date", str(day(11))):
        delayed_interest(principal=D("1000"), start=START, end=day(10), payments=[(day(11), D("1"))])


@pytest.mark.parametrize("amount", [D("0"), D("-5")])
def test_non_positive_payments_are_refused(amount):
    with pytest.raises(ValidationError) as info:
        delayed_interest(principal=D("1000"), start=START, end=day(10), payments=[(day(5), amount)])
    assert info.value.code in {"payment_amount", "negative_amount"}


def test_negative_principal_and_rate_are_refused():
    with raises_code("negative_amount", "principal"):
        delayed_interest(principal=D("-1"), start=START, end=day(10))
    with raises_code("negative_rate"):
        delayed_interest(principal=D("1"), start=START, end=day(10), daily_rate=D("-0.1"))


def test_reversed_excluded_period_is_refused():
    with raises_code("excluded_period"):
        delayed_interest(principal=D("1"), start=START, end=day(10), excluded_periods=[(day(5), day(4))])


def test_mistyped_far_future_end_is_refused():
    with raises_code("interest_dates", "50 years"):
        delayed_interest(principal=D("1"), start=START, end=date(2204, 1, 1))


# --- properties -------------------------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=D("10000000"), places=2, allow_nan=False, allow_infinity=False)
offsets = st.integers(0, 800)
payment_lists = st.lists(st.tuples(offsets, st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)),
                         max_size=5)
exclusions = st.lists(st.tuples(offsets, st.integers(0, 60)), max_size=3)


def build(principal, length, payments, excluded, count_start_day=False):
    return delayed_interest(
        principal=principal, start=START, end=day(length),
        payments=[(day(min(offset, length)), amount) for offset, amount in payments],
        excluded_periods=[(day(first), day(first + span)) for first, span in excluded],
        count_start_day=count_start_day,
    )


@PROPERTY
@given(money, offsets, payment_lists, exclusions, st.booleans())
def test_interest_is_non_negative_and_bounded(principal, length, payments, excluded, count_start_day):
    result = build(principal, length, payments, excluded, count_start_day)
    assert result.total >= 0
    all_days = length + (1 if count_start_day else 0)
    assert result.days + result.excluded_days == all_days
    assert sum(s.days for s in result.segments) == all_days
    upper = (principal * D("0.000175") * result.days).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert result.total <= upper


@PROPERTY
@given(money, offsets, offsets)
def test_without_payments_interest_is_principal_times_rate_times_days(principal, a, b):
    result = build(principal, a, [], [])
    assert result.total == (principal * D("0.000175") * a).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert build(principal, min(a, b), [], []).total <= build(principal, max(a, b), [], []).total


@PROPERTY
@given(money, offsets, offsets, payment_lists, exclusions)
def test_interest_is_monotone_in_days(principal, a, b, payments, excluded):
    short, long = sorted([a, b])
    payments = [(min(offset, short), amount) for offset, amount in payments]
    assert build(principal, short, payments, excluded).total <= build(principal, long, payments, excluded).total


@PROPERTY
@given(money, offsets, payment_lists, exclusions, offsets, st.decimals(min_value=D("0.01"), max_value=D("1e6"),
                                                                        places=2))
def test_a_further_payment_never_increases_interest(principal, length, payments, excluded, paid_at, amount):
    before = build(principal, length, payments, excluded)
    after = build(principal, length, payments + [(paid_at, amount)], excluded)
    assert after.total <= before.total


@PROPERTY
@given(money, offsets, payment_lists, exclusions)
def test_more_excluded_days_never_increase_interest(principal, length, payments, excluded):
    with_exclusions = build(principal, length, payments, excluded)
    assert with_exclusions.total <= build(principal, length, payments, []).total
