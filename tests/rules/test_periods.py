from datetime import date
from decimal import ROUND_UP, Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.rules.calendar import china_calendar
from core.rules.periods import (
    AssetKind,
    BlacklistGround,
    auction_notice_days,
    blacklist_deletion_deadline,
    blacklist_term_expiry,
    check_auction_deposit,
    check_auction_price,
    check_auction_schedule,
    check_blacklist_allowed,
    control_expiry,
    preservation_renewal_apply_by,
    reauction_deadline,
    reference_price_valid_until,
    renewal_expiry,
)

from .helpers import PROPERTY, raises_code

D = Decimal
START = date(2024, 3, 15)

# --- §3.3 seizure and freeze terms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expiry"),
    [
        (AssetKind.BANK_DEPOSIT, date(2025, 3, 15)),
        (AssetKind.MOVABLE, date(2026, 3, 15)),
        (AssetKind.REAL_ESTATE, date(2027, 3, 15)),
        ("other_property_right", date(2027, 3, 15)),
    ],
)
def test_control_expiry_maximum_by_asset_kind(kind, expiry):
    assert control_expiry(kind=kind, start=START) == expiry


def test_control_expiry_counting_the_first_day_and_month_ends():
    assert control_expiry(kind=AssetKind.BANK_DEPOSIT, start=START, count_start_day=True) == date(2025, 3, 14)
    assert control_expiry(kind=AssetKind.BANK_DEPOSIT, start=date(2024, 2, 29)) == date(2025, 2, 28)


def test_control_expiry_may_be_shorter_but_not_longer():
    assert control_expiry(kind=AssetKind.BANK_DEPOSIT, start=START, requested_until=date(2024, 9, 15)) == date(
        2024, 9, 15)
    with raises_code("control_term_too_long", "2025-03-15", "2025-03-16"):
        control_expiry(kind=AssetKind.BANK_DEPOSIT, start=START, requested_until=date(2025, 3, 16))


def test_renewal_runs_at_most_the_maximum_from_the_old_expiry():
    old = date(2025, 3, 15)
    assert renewal_expiry(kind=AssetKind.BANK_DEPOSIT, current_expiry=old, renewed_on=date(2025, 3, 1)) == date(
        2026, 3, 15)
    assert renewal_expiry(kind=AssetKind.REAL_ESTATE, current_expiry=old, renewed_on=old) == date(2028, 3, 15)
    assert renewal_expiry(kind=AssetKind.MOVABLE, current_expiry=old, renewed_on=old,
                          requested_until=date(2025, 9, 15)) == date(2025, 9, 15)
    with raises_code("renewal_term_too_long", "2026-03-15"):
        renewal_expiry(kind=AssetKind.BANK_DEPOSIT, current_expiry=old, renewed_on=old,
                       requested_until=date(2026, 3, 16))
    with raises_code("renewal_term_too_long"):
        renewal_expiry(kind=AssetKind.BANK_DEPOSIT, current_expiry=old, renewed_on=old, requested_until=old)


def test_renewal_after_expiry_is_refused():
    with raises_code("renewal_after_expiry", "2025-03-15", "2025-03-16"):
        renewal_expiry(kind=AssetKind.BANK_DEPOSIT, current_expiry=date(2025, 3, 15), renewed_on=date(2025, 3, 16))


@time_machine.travel(date(2025, 3, 16), tick=False)
def test_renewal_date_defaults_to_today():
    with raises_code("renewal_after_expiry"):
        renewal_expiry(kind=AssetKind.BANK_DEPOSIT, current_expiry=date(2025, 3, 15))
    assert renewal_expiry(kind=AssetKind.BANK_DEPOSIT, current_expiry=date(2025, 3, 16)) == date(2026, 3, 16)


def test_preservation_renewal_application_is_due_7_days_before_expiry():
    assert preservation_renewal_apply_by(expiry=date(2025, 3, 15)) == date(2025, 3, 8)


def test_unknown_asset_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        control_expiry(kind="spaceship", start=START)


# --- §3.5 dishonest-debtor list ---------------------------------------------------------------------------------

def test_blacklist_terms():
    decided = date(2024, 5, 10)
    assert blacklist_term_expiry(ground=BlacklistGround.ABLE_BUT_REFUSES, decided_on=decided) is None
    assert blacklist_term_expiry(ground=BlacklistGround.OBSTRUCTION, decided_on=decided) == date(2026, 5, 10)
    assert blacklist_term_expiry(ground="evasion", decided_on=decided, extension_years=3) == date(2029, 5, 10)


@pytest.mark.parametrize(("ground", "years"), [(BlacklistGround.OBSTRUCTION, 4),
                                               (BlacklistGround.ABLE_BUT_REFUSES, 1),
                                               (BlacklistGround.SETTLEMENT_REFUSAL, -1)])
def test_blacklist_extension_limits(ground, years):
    with raises_code("blacklist_extension", str(years)):
        blacklist_term_expiry(ground=ground, decided_on=START, extension_years=years)


def test_minors_are_never_listed():
    with raises_code("blacklist_minor", "2010-05-01"):
        check_blacklist_allowed(decided_on=date(2028, 4, 30), birth_date=date(2010, 5, 1))
    check_blacklist_allowed(decided_on=date(2028, 5, 1), birth_date=date(2010, 5, 1))
    check_blacklist_allowed(decided_on=date(2028, 5, 1), birth_date=None)  # units have no birth date


def test_blacklist_deletion_within_3_working_days():
    calendar = china_calendar([2025])
    assert blacklist_deletion_deadline(ground_arose_on=date(2025, 9, 30), calendar=calendar) == date(2025, 10, 11)


# --- §2.1 nodes 7-8: reference price and online auction ---------------------------------------------------------

def test_first_auction_opening_price_at_least_70_percent():
    check_auction_price(round_no=1, reference_price=D("1000000"), opening_price=D("700000"))
    with raises_code("auction_price_too_low", "700000.00"):
        check_auction_price(round_no=1, reference_price=D("1000000"), opening_price=D("699999.99"))


def test_minimum_shown_is_rounded_up_to_a_valid_price():
    with raises_code("auction_price_too_low", "700.01"):
        check_auction_price(round_no=1, reference_price=D("1000.01"), opening_price=D("700"))


def test_second_auction_cut_at_most_20_percent_of_previous_opening_price():
    check_auction_price(round_no=2, reference_price=D("1000000"), previous_opening_price=D("700000"),
                        opening_price=D("560000"))
    with raises_code("auction_price_cut_too_large", "560000.00", "700000.00"):
        check_auction_price(round_no=2, reference_price=D("1000000"), previous_opening_price=D("700000"),
                            opening_price=D("559999.99"))
    with raises_code("auction_previous_price"):
        check_auction_price(round_no=2, reference_price=D("1000000"), opening_price=D("600000"))


@pytest.mark.parametrize("round_no", [0, 3])
def test_online_auctions_have_two_rounds(round_no):
    with raises_code("auction_round", str(round_no)):
        check_auction_price(round_no=round_no, reference_price=D("1"), opening_price=D("1"))


def test_prices_must_be_positive():
    with raises_code("auction_price_positive"):
        check_auction_price(round_no=1, reference_price=D("0"), opening_price=D("0"))


def test_deposit_between_5_and_20_percent():
    check_auction_deposit(opening_price=D("100000"), deposit=D("5000"))
    check_auction_deposit(opening_price=D("100000"), deposit=D("20000"))
    with raises_code("auction_deposit", "5000.00", "20000.00"):
        check_auction_deposit(opening_price=D("100000"), deposit=D("20000.01"))


def test_reference_price_validity_and_reauction_deadline():
    assert reference_price_valid_until(report_date=date(2024, 6, 30)) == date(2025, 6, 30)
    assert reference_price_valid_until(report_date=date(2024, 6, 30), valid_months=6) == date(2024, 12, 30)
    with raises_code("reference_validity"):
        reference_price_valid_until(report_date=date(2024, 6, 30), valid_months=13)
    assert reauction_deadline(failed_on=date(2025, 1, 10)) == date(2025, 2, 9)


@pytest.mark.parametrize(
    ("round_no", "kind", "days"),
    [(1, AssetKind.MOVABLE, 15), (1, AssetKind.REAL_ESTATE, 30), (1, AssetKind.OTHER_PROPERTY_RIGHT, 30),
     (2, AssetKind.MOVABLE, 7), (2, AssetKind.REAL_ESTATE, 15)],
)
def test_auction_notice_days(round_no, kind, days):
    assert auction_notice_days(round_no=round_no, kind=kind) == days


def test_bank_deposits_are_not_auctioned():
    with raises_code("auction_kind"):
        auction_notice_days(round_no=1, kind=AssetKind.BANK_DEPOSIT)


def test_auction_schedule_checks():
    valid_until = date(2025, 6, 30)
    check_auction_schedule(round_no=1, notice_on=date(2025, 5, 1), auction_on=date(2025, 5, 31),
                           kind=AssetKind.REAL_ESTATE, reference_valid_until=valid_until)
    with raises_code("reference_expired", "2025-06-30"):
        check_auction_schedule(round_no=1, notice_on=date(2025, 7, 1), auction_on=date(2025, 8, 1),
                               kind=AssetKind.REAL_ESTATE, reference_valid_until=valid_until)
    with raises_code("auction_notice_short", "30"):
        check_auction_schedule(round_no=1, notice_on=date(2025, 5, 1), auction_on=date(2025, 5, 30),
                               kind=AssetKind.REAL_ESTATE, reference_valid_until=valid_until)
    check_auction_schedule(round_no=2, notice_on=date(2025, 6, 2), auction_on=date(2025, 6, 17),
                           kind=AssetKind.REAL_ESTATE, reference_valid_until=valid_until,
                           previous_failed_on=date(2025, 6, 1))
    with raises_code("reauction_late", "2025-07-01"):
        check_auction_schedule(round_no=2, notice_on=date(2025, 6, 20), auction_on=date(2025, 7, 5),
                               kind=AssetKind.REAL_ESTATE, reference_valid_until=valid_until,
                               previous_failed_on=date(2025, 6, 1))
    with raises_code("auction_previous_date"):
        check_auction_schedule(round_no=2, notice_on=date(2025, 6, 2), auction_on=date(2025, 6, 17),
                               kind=AssetKind.REAL_ESTATE, reference_valid_until=valid_until)


# --- properties -------------------------------------------------------------------------------------------------

prices = st.decimals(min_value=D("0.01"), max_value=D("1e9"), places=2, allow_nan=False, allow_infinity=False)


@PROPERTY
@given(prices, prices)
def test_first_auction_accepts_exactly_the_prices_at_or_above_70_percent(reference, opening):
    minimum = (reference * D("0.7")).quantize(D("0.01"), rounding=ROUND_UP)
    if opening >= minimum:
        check_auction_price(round_no=1, reference_price=reference, opening_price=opening)
    else:
        with pytest.raises(ValidationError):
            check_auction_price(round_no=1, reference_price=reference, opening_price=opening)


@PROPERTY
@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.sampled_from(AssetKind.values))
def test_renewal_from_the_expiry_day_never_exceeds_twice_the_maximum_from_the_start(start, kind):
    first = control_expiry(kind=kind, start=start)
    renewed = renewal_expiry(kind=kind, current_expiry=first, renewed_on=first)
    assert first < renewed
    assert renewed <= control_expiry(kind=kind, start=first)
