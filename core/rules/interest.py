"""Doubled-part interest for delayed performance (加倍部分债务利息), domain.md §5.2 (CPL art 264, INT arts 1-4).

    interest = unpaid money debt (excluding ordinary interest) x 0.000175 per day x days of delay   [INT art 1]

Day-count convention (§5.2 and §9 item 7 say it is UNCONFIRMED; a per-court setting): by default the number of
days is ``end - start``, i.e. the start day (the day the performance period expires, INT art 2) is not counted
and the end day (the payment date, INT art 3) is. ``count_start_day=True`` counts the start day too, adding one
day. A day is charged on the debt still unpaid at the start of that day, so a part payment stops its own part's
interest on the payment date (INT art 3): 40,000 of 100,000 paid on day 30 and the rest on day 100 gives
100,000 x 30 days + 60,000 x 70 days at 0.000175 = 525.00 + 735.00 = 1,260.00 (§5.2 worked example).

Excluded periods (中止/暂缓 not caused by the debtor, INT art 3) are inclusive date ranges; their days are not
charged. Overlapping ranges are counted once. Segment interest is exact; only the total is rounded to the fen,
so the total never depends on how the period happens to be split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .money import MoneyInput, quantize_money, to_decimal, to_money

DEFAULT_DAILY_RATE = Decimal("0.000175")  # 日万分之一点七五, INT art 1
RATE_IN_FORCE_FROM = date(2014, 8, 1)  # INT art 7 transition; the exact date is UNCONFIRMED (§5.2)
MAX_SPAN_DAYS = 366 * 50  # a sanity bound against mistyped years, not a legal rule


@dataclass(frozen=True)
class InterestSegment:
    first_day: date  # first day in the segment (inclusive)
    last_day: date  # last day in the segment (inclusive)
    days: int
    principal: Decimal  # debt outstanding during the segment
    excluded: bool  # True: a 中止/暂缓 period, not charged
    interest: Decimal  # exact, not rounded


@dataclass(frozen=True)
class InterestResult:
    principal: Decimal
    daily_rate: Decimal
    days: int  # days charged (excluded days not included)
    excluded_days: int
    segments: list[InterestSegment]
    total: Decimal  # rounded to the fen
    warnings: list[str] = field(default_factory=list)


def _fail(message, code: str, **params) -> NoReturn:
    raise ValidationError(message, code=code, params=params)


def _check_inputs(start: date, end: date, daily_rate: Decimal, excluded_periods) -> None:
    if end < start:
        _fail(_("The end date %(end)s is before the start date %(start)s."), "interest_dates", start=start, end=end)
    if (end - start).days > MAX_SPAN_DAYS:
        _fail(_("The delay from %(start)s to %(end)s is longer than 50 years; check the dates."),
              "interest_dates", start=start, end=end)
    if daily_rate < 0:
        _fail(_("The daily rate must not be negative (given %(value)s)."), "negative_rate", value=daily_rate)
    for first, last in excluded_periods:
        if last < first:
            _fail(_("Excluded period %(first)s to %(last)s ends before it starts."),
                  "excluded_period", first=first, last=last)


def _clean_payments(payments: Sequence[tuple[date, MoneyInput]], end: date) -> list[tuple[date, Decimal]]:
    cleaned = []
    for paid_on, amount in payments:
        value = to_money(amount, field="payment amount")
        if value <= 0:
            _fail(_("The payment of %(date)s must be a positive amount (given %(value)s)."),
                  "payment_amount", date=paid_on, value=value)
        if paid_on > end:
            _fail(_("The payment of %(date)s is after the end date %(end)s."), "payment_date", date=paid_on, end=end)
        cleaned.append((paid_on, value))
    return sorted(cleaned, key=lambda item: item[0])


def delayed_interest(
    *,
    principal: MoneyInput,
    start: date,
    end: date,
    payments: Sequence[tuple[date, MoneyInput]] = (),
    daily_rate: Decimal = DEFAULT_DAILY_RATE,
    count_start_day: bool = False,
    excluded_periods: Sequence[tuple[date, date]] = (),
) -> InterestResult:
    """Doubled-part interest on ``principal`` from ``start`` (expiry of the performance period) to ``end``.

    ``payments`` are (date, amount) part payments; each reduces the debt from the day after it is paid.
    Payments beyond the debt are ignored here (they go to interest, INT art 4) and produce a warning.
    """
    debt = to_money(principal, field="principal")
    rate = to_decimal(daily_rate, field="daily_rate")
    _check_inputs(start, end, rate, excluded_periods)
    paid = _clean_payments(payments, end)
    warnings = []
    if sum((amount for _day, amount in paid), Decimal("0")) > debt:
        warnings.append(str(_("The payments exceed the principal; the excess is not part of this calculation.")))
    first_day = start if count_start_day else start + timedelta(days=1)
    if first_day < RATE_IN_FORCE_FROM <= end:
        warnings.append(str(_("Part of the delay is before 2014-08-01, when older interest rules applied.")))

    segments: list[InterestSegment] = []
    outstanding, next_payment = debt, 0
    day = first_day
    while day <= end:
        while next_payment < len(paid) and paid[next_payment][0] < day:
            outstanding = max(outstanding - paid[next_payment][1], Decimal("0"))
            next_payment += 1
        excluded = any(first <= day <= last for first, last in excluded_periods)
        last = segments[-1] if segments else None
        if last and last.principal == outstanding and last.excluded == excluded:
            segments[-1] = _segment(last.first_day, day, outstanding, excluded, rate)
        else:
            segments.append(_segment(day, day, outstanding, excluded, rate))
        day += timedelta(days=1)

    charged = [s for s in segments if not s.excluded]
    return InterestResult(
        principal=debt,
        daily_rate=rate,
        days=sum(s.days for s in charged),
        excluded_days=sum(s.days for s in segments if s.excluded),
        segments=segments,
        total=quantize_money(sum((s.interest for s in charged), Decimal("0"))),
        warnings=warnings,
    )


def _segment(first_day: date, last_day: date, principal: Decimal, excluded: bool, rate: Decimal) -> InterestSegment:
    days = (last_day - first_day).days + 1
    interest = Decimal("0") if excluded else principal * rate * days
    return InterestSegment(first_day, last_day, days, principal, excluded, interest)
