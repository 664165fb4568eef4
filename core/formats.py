"""How money, dates and times are shown: the one place every page, document and report formats them.

* Pages: ``format_money`` → ``¥1,234,567.89`` (``-¥1,234.00`` when negative); the ``money`` template filter.
  Inside a translated sentence that already writes ``¥{{ amount }}``, ``format_amount`` (the ``yuan`` filter) gives
  the figure alone (``1,234,567.89``).
* Documents: ``document_amount`` → ``人民币1,234,567.89元（大写：壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）``;
  ``zh_date`` → ``2026年12月6日`` (no zero padding; GB/T 9704 writes dates in Arabic numerals).
* Times: ``local_datetime`` → ``2026年12月6日 08:05`` in the court's time zone (settings.TIME_ZONE, Asia/Shanghai),
  never a raw UTC ISO timestamp; it accepts the ISO strings a report snapshot froze.

The API is exempt (it keeps plain decimal strings) and exports keep numbers as numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from core.rules.money import amount_in_capitals

CENT = Decimal("0.01")


def _amount(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(value) -> str:
    """1234567.891 → 1,234,567.89 (thousands separators, two decimals, half up); "" for None/""; anything not an
    amount is returned as text unchanged."""
    amount = _amount(value)
    if amount is None:
        return "" if value is None or value == "" else str(value)
    return f"{amount:,.2f}"


def format_money(value) -> str:
    """1234567.891 → ¥1,234,567.89; -1234 → -¥1,234.00; "" for None/""."""
    amount = _amount(value)
    if amount is None:
        return "" if value is None or value == "" else str(value)
    if amount < 0:
        return f"-¥{-amount:,.2f}"
    return f"¥{amount:,.2f}"


def document_amount(value) -> str:
    """An amount as a court document writes it where the capitals are required:
    人民币1,234,567.89元（大写：壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）. A negative amount is refused (ValueError)."""
    amount = _amount(value)
    if amount is None:
        raise ValueError(f"not an amount: {value!r}")
    return f"人民币{amount:,.2f}元（大写：{amount_in_capitals(amount)}）"


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 10:
            return _as_date(dt.datetime.fromisoformat(text))
        return dt.date.fromisoformat(text)
    raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")


def zh_date(value) -> str:
    """2026-12-06 → 2026年12月6日 (an aware datetime is read in the court's time zone first)."""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


def local_datetime(value) -> str:
    """An instant in the court's time zone: 2026-12-06T00:05:00+00:00 → 2026年12月6日 08:05. Accepts an aware datetime
    or an ISO string (a naive one is taken as UTC, as the database stores it); "" for None/""."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return zh_date(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.timezone.utc)
    local = timezone.localtime(value)
    return f"{zh_date(local)} {local:%H:%M}"
