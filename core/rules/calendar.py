"""Working days, calendar months and statutory deadlines (domain.md §2-3).

CPL art 85 (2023 text): the day (or hour) a period starts is not counted; a period ending on a statutory rest day
(法定休假日) ends on the first day after it. Weekends count as rest days here, and a make-up working day
(调休上班日) counts as a working day, so a deadline falling on one does not move.

Month and year periods end on the corresponding day of the final month, or on its last day when there is no
corresponding day (Civil Code arts 201-202): Aug 31 + 6 months = Feb 28 (Feb 29 in a leap year).

Dates outside the years loaded into a calendar fall back to Monday-Friday; load each new year's State Council
notice when it is published (usually in Oct-Nov of the year before).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# State Council notices on public holidays (国务院办公厅关于××年部分节假日安排的通知). "holidays" lists each
# holiday block (first day, last day), weekends included; "makeup_workdays" are the weekend days worked instead.
CHINA_OFFICIAL_HOLIDAYS: dict[int, dict] = {
    2024: {
        "source": "国办发明电〔2023〕7号 (2023-10-25)",
        "holidays": {
            "元旦": (date(2024, 1, 1), date(2024, 1, 1)),  # with the weekend of 2023-12-30/31
            "春节": (date(2024, 2, 10), date(2024, 2, 17)),
            "清明节": (date(2024, 4, 4), date(2024, 4, 6)),
            "劳动节": (date(2024, 5, 1), date(2024, 5, 5)),
            "端午节": (date(2024, 6, 8), date(2024, 6, 10)),  # 6-10 off, joined with the weekend
            "中秋节": (date(2024, 9, 15), date(2024, 9, 17)),
            "国庆节": (date(2024, 10, 1), date(2024, 10, 7)),
        },
        "makeup_workdays": (
            date(2024, 2, 4), date(2024, 2, 18), date(2024, 4, 7), date(2024, 4, 28),
            date(2024, 5, 11), date(2024, 9, 14), date(2024, 9, 29), date(2024, 10, 12),
        ),
    },
    2025: {
        # First year under the 2024 amendment of 全国年节及纪念日放假办法: 除夕 and 5月2日 added (+2 days).
        "source": "国办发明电〔2024〕12号 (2024-11-12)",
        "holidays": {
            "元旦": (date(2025, 1, 1), date(2025, 1, 1)),
            "春节": (date(2025, 1, 28), date(2025, 2, 4)),
            "清明节": (date(2025, 4, 4), date(2025, 4, 6)),
            "劳动节": (date(2025, 5, 1), date(2025, 5, 5)),
            "端午节": (date(2025, 5, 31), date(2025, 6, 2)),
            "国庆节、中秋节": (date(2025, 10, 1), date(2025, 10, 8)),
        },
        "makeup_workdays": (date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28),
                            date(2025, 10, 11)),
    },
    2026: {
        # Notice dated 2025-11-04 (document number not confirmed here); dates checked against its published text.
        "source": "国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)",
        "holidays": {
            "元旦": (date(2026, 1, 1), date(2026, 1, 3)),
            "春节": (date(2026, 2, 15), date(2026, 2, 23)),
            "清明节": (date(2026, 4, 4), date(2026, 4, 6)),
            "劳动节": (date(2026, 5, 1), date(2026, 5, 5)),
            "端午节": (date(2026, 6, 19), date(2026, 6, 21)),
            "中秋节": (date(2026, 9, 25), date(2026, 9, 27)),
            "国庆节": (date(2026, 10, 1), date(2026, 10, 7)),
        },
        "makeup_workdays": (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                            date(2026, 9, 20), date(2026, 10, 10)),
    },
}


def add_months(start: date, n: int) -> date:
    """``start`` plus ``n`` calendar months (negative: back), clamped to the month's end (Civil Code art 202)."""
    index = start.year * 12 + start.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def add_years(start: date, n: int) -> date:
    """``start`` plus ``n`` years; Feb 29 becomes Feb 28 in a common year."""
    return add_months(start, 12 * n)


def merge_periods(periods: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Sort inclusive (first, last) date ranges and merge those that overlap or touch."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(periods):
        if last < first:
            raise ValidationError(_("Period %(first)s to %(last)s ends before it starts."),
                                  code="period_order", params={"first": first, "last": last})
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def period_days(periods: Iterable[tuple[date, date]]) -> int:
    """Days covered by inclusive date ranges, overlaps counted once."""
    return sum((last - first).days + 1 for first, last in merge_periods(periods))


def extend_by_excluded(
    deadline: date, excluded_periods: Sequence[tuple[date, date]], *, term_start: date | None = None
) -> date:
    """Push a term deadline out by the days of excluded periods (中止, 暂缓, appraisal ...; TERM-2000 art 9,
    EXEC-98 art 63). Periods are inclusive and merged first. A period counts if it starts on or before the
    deadline as extended so far; one starting after that came when the term had already run out. With
    ``term_start``, days before the term began are not counted."""
    result = deadline
    for first, last in merge_periods(excluded_periods):
        if term_start is not None:
            if last < term_start:
                continue
            first = max(first, term_start)
        if first > result:
            break
        result += timedelta(days=(last - first).days + 1)
    return result


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "makeup_workdays", frozenset(self.makeup_workdays))

    add_months = staticmethod(add_months)
    add_years = staticmethod(add_years)
    extend_by_excluded = staticmethod(extend_by_excluded)

    def is_working_day(self, day: date) -> bool:
        """Make-up working days work; holidays and other weekend days do not."""
        if day in self.makeup_workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself not counted); negative ``n`` counts back."""
        step = timedelta(days=1 if n >= 0 else -1)
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def add_days(self, start: date, n: int, working: bool) -> date:
        """``n`` working days or ``n`` calendar days after ``start`` (no roll-over; see ``statutory_deadline``)."""
        return self.add_working_days(start, n) if working else start + timedelta(days=n)

    def roll_to_working_day(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it (CPL art 85)."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def statutory_deadline(self, start: date, *, days: int = 0, months: int = 0, working: bool = False) -> date:
        """Last day of a period of ``months`` then ``days`` counted from the day after ``start``, moved to the next
        working day if it falls on a rest day (CPL art 85). E.g. 15 days from 2025-09-16 end 2025-10-01, a
        holiday, so the deadline is 2025-10-09."""
        return self.roll_to_working_day(self.add_days(add_months(start, months), days, working))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def china_calendar(years: Iterable[int] | None = None) -> WorkCalendar:
    """A WorkCalendar with the official holidays and make-up working days of ``years`` (default: all known)."""
    holidays, makeup = set(), set()
    for year in CHINA_OFFICIAL_HOLIDAYS if years is None else years:
        if year not in CHINA_OFFICIAL_HOLIDAYS:
            raise ValueError(f"no official holiday data for {year}; add the State Council notice first")
        notice = CHINA_OFFICIAL_HOLIDAYS[year]
        for first, last in notice["holidays"].values():
            holidays.update(first + timedelta(days=i) for i in range((last - first).days + 1))
        makeup.update(notice["makeup_workdays"])
    return WorkCalendar(frozenset(holidays), frozenset(makeup))


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The official Chinese calendar for every year in CHINA_OFFICIAL_HOLIDAYS, built once."""
    return china_calendar()


def roll_to_working_day(day: date, calendar: WorkCalendar | None = None) -> date:
    """Module-level shortcut for ``WorkCalendar.roll_to_working_day`` (default: the official Chinese calendar)."""
    return (calendar or default_calendar()).roll_to_working_day(day)
