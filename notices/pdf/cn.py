"""Chinese formatting helpers for court documents (dates, amounts).

Court documents write the date of issue in Chinese numerals with 〇 for zero (二〇二六年十一月二十三日);
dates inside the body text (deadlines, filing dates) and money amounts use Arabic numerals.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_DIGITS = "〇一二三四五六七八九"


def _cn_under_100(n: int) -> str:
    """1–99 the way dates are read: 十, 十一, 二十, 二十三."""
    if not 0 < n < 100:
        raise ValueError(f"{n} out of range 1..99")
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[units] if units else "")


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip()[:10])
    raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")


def cn_date(value: dt.date | dt.datetime | str) -> str:
    """Date in Chinese numerals as printed on court documents: 2026-11-23 → 二〇二六年十一月二十三日."""
    day = _as_date(value)
    year = "".join(_DIGITS[int(ch)] for ch in f"{day.year:04d}")
    return f"{year}年{_cn_under_100(day.month)}月{_cn_under_100(day.day)}日"


def zh_date(value: dt.date | dt.datetime | str) -> str:
    """Date with Arabic numerals for body text: 2026-11-23 → 2026年11月23日 (``core.formats.zh_date``)."""
    from core.formats import zh_date as _zh_date

    return _zh_date(value)


def yuan(value: Decimal | int | float | str | None) -> str:
    """Money amount with thousands separators and two decimals: 100000 → 100,000.00 (the unit 元 is not added)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    return f"{amount:,.2f}"
