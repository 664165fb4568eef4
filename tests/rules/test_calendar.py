from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.calendar import (
    CHINA_OFFICIAL_HOLIDAYS,
    WorkCalendar,
    add_months,
    add_years,
    china_calendar,
    extend_by_excluded,
    merge_periods,
    period_days,
    roll_to_working_day,
)

from .helpers import PROPERTY, raises_code

CAL = china_calendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2025, 10, 1), date(2025, 10, 8)),
        (date(2025, 1, 28), date(2025, 2, 4)),
        (date(2025, 5, 1), date(2025, 5, 5)),
        (date(2024, 2, 10), date(2024, 2, 17)),
        (date(2026, 2, 15), date(2026, 2, 23)),
        (date(2026, 1, 1), date(2026, 1, 3)),
    ],
)
def test_official_holidays_are_not_working_days(first, last):
    assert not any(CAL.is_working_day(d) for d in days(first, last))


@pytest.mark.parametrize(
    "makeup",
    [date(2025, 9, 28), date(2025, 10, 11), date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27),
     date(2024, 2, 4), date(2024, 2, 18), date(2024, 5, 11), date(2026, 1, 4), date(2026, 2, 14),
     date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)],
)
def test_make_up_working_days_are_working_days(makeup):
    assert makeup.weekday() >= 5
    assert CAL.is_working_day(makeup)


def test_ordinary_weekdays_and_weekends():
    assert CAL.is_working_day(date(2025, 6, 3))  # a Tuesday
    assert not CAL.is_working_day(date(2025, 6, 7))  # a Saturday


def test_holiday_data_is_consistent():
    for year, notice in CHINA_OFFICIAL_HOLIDAYS.items():
        holiday_days = [d for first, last in notice["holidays"].values() for d in days(first, last)]
        assert all(d.year == year for d in holiday_days)
        assert all(d.weekday() >= 5 for d in notice["makeup_workdays"]), year
        assert not set(holiday_days) & set(notice["makeup_workdays"])
    # Weekday days off minus make-up days = statutory holidays: 11 a year, 13 from 2025 (除夕 and May 2 added).
    for year, statutory in {2024: 11, 2025: 13, 2026: 13}.items():
        notice = CHINA_OFFICIAL_HOLIDAYS[year]
        weekday_off = [d for first, last in notice["holidays"].values() for d in days(first, last) if d.weekday() < 5]
        assert len(weekday_off) - len(notice["makeup_workdays"]) == statutory, year


def test_unknown_year_is_refused():
    with pytest.raises(ValueError):
        china_calendar([2019])


def test_add_working_days_skips_the_golden_week_and_counts_make_up_days():
    assert CAL.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CAL.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)  # Sunday make-up day
    assert CAL.add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert CAL.add_working_days(date(2025, 10, 1), 0) == date(2025, 10, 1)
    assert CAL.add_days(date(2025, 9, 30), 3, working=True) == date(2025, 10, 11)
    assert CAL.add_days(date(2025, 9, 30), 3, working=False) == date(2025, 10, 3)


def test_roll_to_working_day_follows_cpl_art_85():
    assert CAL.roll_to_working_day(date(2025, 10, 1)) == date(2025, 10, 9)
    assert CAL.roll_to_working_day(date(2025, 10, 11)) == date(2025, 10, 11)  # make-up Saturday: no move
    assert CAL.roll_to_working_day(date(2025, 10, 12)) == date(2025, 10, 13)
    assert roll_to_working_day(date(2024, 2, 10)) == date(2024, 2, 18)  # module-level, official calendar


def test_statutory_deadline():
    assert CAL.statutory_deadline(date(2025, 9, 16), days=15) == date(2025, 10, 9)
    assert CAL.statutory_deadline(date(2025, 3, 1), months=6) == date(2025, 9, 1)
    assert CAL.statutory_deadline(date(2025, 9, 25), days=3, working=True) == date(2025, 9, 29)  # via Sun 9-28


def test_working_days_between():
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3  # 10-9, 10-10, Sat 10-11
    assert CAL.working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 15), 12, date(2025, 3, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected
    assert WorkCalendar().add_months(start, months) == expected


def test_add_years_from_february_29():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_merge_periods_and_period_days():
    periods = [(date(2025, 3, 10), date(2025, 3, 20)), (date(2025, 3, 1), date(2025, 3, 12)),
               (date(2025, 3, 21), date(2025, 3, 21)), (date(2025, 5, 1), date(2025, 5, 2))]
    assert merge_periods(periods) == [(date(2025, 3, 1), date(2025, 3, 21)), (date(2025, 5, 1), date(2025, 5, 2))]
    assert period_days(periods) == 23
    with raises_code("period_order"):
        merge_periods([(date(2025, 3, 2), date(2025, 3, 1))])


def test_extend_by_excluded():
    deadline = date(2024, 7, 10)
    suspension = (date(2024, 3, 1), date(2024, 3, 31))  # 31 days
    assert extend_by_excluded(deadline, [suspension]) == date(2024, 8, 10)
    overlapping = [suspension, (date(2024, 3, 20), date(2024, 4, 9))]  # merged: 3-1 .. 4-9 = 40 days
    assert extend_by_excluded(deadline, overlapping) == date(2024, 8, 19)
    # A stay that starts after the original deadline but within the extended term also counts.
    assert extend_by_excluded(deadline, [suspension, (date(2024, 7, 20), date(2024, 7, 25))]) == date(2024, 8, 16)
    # One that starts after the (extended) term ran out does not.
    assert extend_by_excluded(deadline, [(date(2024, 9, 1), date(2024, 9, 30))]) == deadline
    # Days before the term began are not counted.
    assert extend_by_excluded(deadline, [suspension], term_start=date(2024, 3, 22)) == date(2024, 7, 20)
    assert extend_by_excluded(deadline, [suspension], term_start=date(2024, 4, 1)) == deadline
    assert CAL.extend_by_excluded(deadline, []) == deadline


# --- properties -------------------------------------------------------------------------------------------------

dates = st.dates(date(2023, 12, 1), date(2026, 12, 31))


@PROPERTY
@given(dates, st.integers(1, 60))
def test_add_working_days_lands_on_the_nth_working_day(start, n):
    result = CAL.add_working_days(start, n)
    assert CAL.is_working_day(result)
    assert CAL.working_days_between(start, result) == n
    assert CAL.add_working_days(result, -n) <= start


@PROPERTY
@given(dates, st.integers(-60, 60))
def test_add_months_keeps_the_day_or_clamps(start, n):
    result = add_months(start, n)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == n
    assert result.day == start.day or (result.day < start.day and (result + timedelta(days=1)).day == 1)


@PROPERTY
@given(dates)
def test_roll_to_working_day_is_the_first_working_day_on_or_after(day):
    rolled = CAL.roll_to_working_day(day)
    assert CAL.is_working_day(rolled)
    assert all(not CAL.is_working_day(d) for d in days(day, rolled - timedelta(days=1)))


@PROPERTY
@given(dates, st.lists(st.tuples(dates, st.integers(0, 40)), max_size=4))
def test_extend_by_excluded_moves_out_by_at_most_the_excluded_days(deadline, raw):
    periods = [(first, first + timedelta(days=span)) for first, span in raw]
    extended = extend_by_excluded(deadline, periods)
    assert deadline <= extended <= deadline + timedelta(days=period_days(periods))
    if all(first <= deadline for first, _last in periods):
        assert extended == deadline + timedelta(days=period_days(periods))
