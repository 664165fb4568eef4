from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.fees import (
    enforcement_fee,
    enforcement_fee_breakdown,
    preservation_fee,
    preservation_fee_breakdown,
)

from .helpers import PROPERTY, raises_code

D = Decimal


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        (D("8000"), D("50.00")),  # §4.3 example 1
        (D("100000"), D("1400.00")),  # example 2
        (D("1200000"), D("14400.00")),  # example 3
        (D("25000000"), D("92400.00")),  # example 4
        (D("10000"), D("50.00")),
        (D("500000"), D("7400.00")),  # §4.1 breakpoints
        (D("5000000"), D("52400.00")),
        (D("10000000"), D("77400.00")),
        (D("0"), D("50.00")),
        (10000, D("50.00")),  # ints are fine
    ],
)
def test_enforcement_fee_worked_examples_and_breakpoints(amount, fee):
    assert enforcement_fee(amount=amount) == fee


def test_enforcement_fee_breakdown_lists_each_tier_reached():
    breakdown = enforcement_fee_breakdown(amount=D("1200000"))
    assert [(line.portion, line.fee) for line in breakdown.lines] == [
        (D("10000"), D("50")), (D("490000"), D("7350.000")), (D("700000"), D("7000.00"))
    ]
    assert [line.rate for line in breakdown.lines] == [None, D("0.015"), D("0.01")]
    assert breakdown.total == D("14400.00")
    assert breakdown.cap is None


def test_enforcement_fee_without_an_amount_is_configurable_between_50_and_500():
    assert enforcement_fee(amount=None) == D("50.00")
    assert enforcement_fee(amount=None, no_amount_fee=D("300")) == D("300.00")
    assert enforcement_fee_breakdown(amount=None, no_amount_fee=500).lines[0].fee == D("500.00")


@pytest.mark.parametrize("fixed", [D("49.99"), D("500.01")])
def test_no_amount_fee_outside_the_statutory_range_is_refused(fixed):
    with raises_code("fee_out_of_range", "50", "500"):
        enforcement_fee(amount=None, no_amount_fee=fixed)


def test_negative_amounts_are_refused_naming_the_field():
    with raises_code("negative_amount", "amount"):
        enforcement_fee(amount=D("-0.01"))
    with raises_code("negative_amount", "amount"):
        preservation_fee(amount=D("-1"))


def test_floats_are_refused():
    with pytest.raises(TypeError):
        enforcement_fee(amount=100000.0)


def test_yuan_rounding_is_half_up_on_the_total():
    assert enforcement_fee(amount=D("10100")) == D("51.50")
    assert enforcement_fee(amount=D("10100"), rounding="yuan") == D("52.00")
    assert enforcement_fee(amount=D("10033.33")) == D("50.50")  # 50 + 33.33 x 1.5% = 50.49995
    assert enforcement_fee(amount=D("10033.33"), rounding="yuan") == D("50.00")


def test_unknown_rounding_is_refused():
    with raises_code("invalid_rounding", "jiao"):
        enforcement_fee(amount=D("1"), rounding="jiao")


def test_amounts_are_quantized_to_the_fen_first():
    assert enforcement_fee_breakdown(amount=D("10000.005")).amount == D("10000.01")


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        (None, D("30.00")),
        (D("1000"), D("30.00")),
        (D("1500"), D("35.00")),
        (D("100000"), D("1020.00")),
        (D("500000"), D("3020.00")),
        (D("896000"), D("5000.00")),  # the cap is reached exactly here
        (D("10000000"), D("5000.00")),
    ],
)
def test_preservation_fee(amount, fee):
    assert preservation_fee(amount=amount) == fee


def test_preservation_fee_breakdown_reports_the_cap():
    breakdown = preservation_fee_breakdown(amount=D("10000000"))
    assert breakdown.subtotal == D("50520.000")
    assert breakdown.cap == D("5000")
    assert breakdown.total == D("5000.00")
    assert preservation_fee_breakdown(amount=D("100000")).cap is None


# --- properties -------------------------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=D("100000000000"), places=2, allow_nan=False, allow_infinity=False)


def closed_form(x: Decimal) -> Decimal:
    """FEE-LL shortcut formulas (§4.1), an independent oracle for the cumulative tiers."""
    if x <= 10000:
        fee = D("50")
    elif x <= 500000:
        fee = x * D("0.015") - 100
    elif x <= 5000000:
        fee = x * D("0.01") + 2400
    elif x <= 10000000:
        fee = x * D("0.005") + 27400
    else:
        fee = x * D("0.001") + 67400
    return fee.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@PROPERTY
@given(amounts)
def test_closed_forms_agree_with_the_cumulative_tiers(amount):
    assert enforcement_fee(amount=amount) == closed_form(amount)


@PROPERTY
@given(amounts, amounts)
def test_enforcement_fee_is_monotonic(a, b):
    low, high = sorted([a, b])
    assert enforcement_fee(amount=low) <= enforcement_fee(amount=high)
    assert preservation_fee(amount=low) <= preservation_fee(amount=high)


@pytest.mark.parametrize("breakpoint", [D("10000"), D("500000"), D("5000000"), D("10000000")])
def test_enforcement_fee_is_continuous_at_breakpoints(breakpoint):
    below, at, above = (enforcement_fee(amount=breakpoint + delta) for delta in (D("-0.01"), 0, D("0.01")))
    assert at - below <= D("0.02") and above - at <= D("0.02")


@PROPERTY
@given(amounts)
def test_rounded_breakdown_lines_add_up_to_the_total(amount):
    breakdown = enforcement_fee_breakdown(amount=amount)
    rounded = sum(line.fee.quantize(D("0.01"), rounding=ROUND_HALF_UP) for line in breakdown.lines)
    assert rounded == breakdown.total
    assert sum(line.portion for line in breakdown.lines[1:]) == max(amount - 10000, 0)


@PROPERTY
@given(amounts)
def test_preservation_fee_stays_between_30_and_5000(amount):
    assert D("30") <= preservation_fee(amount=amount) <= D("5000")
