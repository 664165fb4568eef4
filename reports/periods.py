"""Reporting periods: ISO weeks (Monday to Sunday), months, quarters and years; previous and year-ago periods.

(core.rules.periods is about seizure and listing terms, not reporting periods, hence this small module.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = ("week", "month", "quarter", "year")


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @classmethod
    def containing(cls, kind: str, day: date) -> "Period":
        if kind == "week":
            start = day - timedelta(days=day.weekday())
            return cls(kind, start, start + timedelta(days=6))
        if kind == "month":
            start = _month_start(day)
        elif kind == "quarter":
            start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        elif kind == "year":
            start = date(day.year, 1, 1)
        else:
            raise ValidationError({"period": _("Unknown period kind %(kind)s.") % {"kind": kind}})
        months = {"month": 1, "quarter": 3, "year": 12}[kind]
        return cls(kind, start, _add_months(start, months) - timedelta(days=1))

    def previous(self) -> "Period":
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> "Period":
        return Period.containing(self.kind, self.end + timedelta(days=1))

    def year_ago(self) -> "Period":
        if self.kind == "week":
            # The same ISO week number a year earlier (week 53 falls back to week 52).
            year, week, _weekday = self.start.isocalendar()
            try:
                start = date.fromisocalendar(year - 1, week, 1)
            except ValueError:
                start = date.fromisocalendar(year - 1, 52, 1)
            return Period("week", start, start + timedelta(days=6))
        return Period.containing(self.kind, self.start.replace(year=self.start.year - 1))

    def label(self) -> str:
        if self.kind == "week":
            year, week, _weekday = self.start.isocalendar()
            return _("%(year)s week %(week)s (%(start)s – %(end)s)") % {
                "year": year, "week": week, "start": self.start.strftime("%m-%d"), "end": self.end.strftime("%m-%d")}
        if self.kind == "month":
            return _("%(year)s-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("%(year)s Q%(quarter)s") % {"year": self.start.year, "quarter": (self.start.month - 1) // 3 + 1}
        return _("Year %(year)s") % {"year": self.start.year}

    def key(self) -> str:
        return f"{self.kind}:{self.start.isoformat()}"

    @classmethod
    def parse(cls, kind: str | None, start: str | None, *, default: date) -> "Period":
        kind = kind or "week"
        if kind not in KINDS:
            raise ValidationError({"period": _("Unknown period kind %(kind)s.") % {"kind": kind}})
        if start:
            try:
                day = date.fromisoformat(start)
            except ValueError:
                raise ValidationError({"start": _("Enter a date as YYYY-MM-DD.")}) from None
        else:
            day = default
        return cls.containing(kind, day)


def window_years_back(period: Period, years: int) -> Period:
    """The ``years``-year window ending with ``period`` (for 三年整体执结率)."""
    end = period.end
    following = end + timedelta(days=1)
    try:
        start = following.replace(year=following.year - years)
    except ValueError:  # 29 February
        start = following.replace(year=following.year - years, day=28)
    return Period("window", start, end)


def last_weeks(end_day: date, n: int) -> list[Period]:
    """The ``n`` full weeks ending with the week containing ``end_day``, oldest first."""
    last = Period.containing("week", end_day)
    weeks = [last]
    for _i in range(n - 1):
        weeks.append(weeks[-1].previous())
    return list(reversed(weeks))
