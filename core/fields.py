"""Strict input fields for money and dates, for forms and the API.

Python's ``Decimal`` and ``int`` accept full-width and other Unicode digits ("１２３"), exponents ("1e5"), "NaN" and
"Infinity"; date parsing accepts Unicode digits too. A court's amounts and dates are typed in plain digits, so
anything else is refused with a message on the field instead of being silently reinterpreted.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MONEY_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z")
# The largest amount any money input accepts: one trillion yuan (10^12). Far above any real case, far below the
# columns' 10^14, so a sum of a few inputs (a case's running total) still fits and an absurd value is a field error.
MONEY_MAX = Decimal("1000000000000")
CENT = Decimal("0.01")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z")
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)

MONEY_MESSAGE = _("Enter the amount in plain digits with an optional decimal point, e.g. 12000.50.")
MONEY_FLOAT_MESSAGE = _("Send the amount as a string (e.g. \"12000.50\") or a whole number, not a floating-point "
                        "number.")
MONEY_NEGATIVE_MESSAGE = _("The amount cannot be negative.")
MONEY_PLACES_MESSAGE = _("Enter an amount with at most 2 decimal places.")
MONEY_MAX_MESSAGE = _("The amount cannot be more than 1000000000000 yuan.")
DATE_MESSAGE = _("Enter the date as YYYY-MM-DD in plain digits.")
RANGE_MESSAGE = _("Enter a date between 1900 and 2199.")


def parse_money(value) -> Decimal:
    """The one money parser of every input (API fields, form fields, services): a ``Decimal`` with 2 places, or a
    ``ValidationError`` (no field; the caller names it).

    Accepted: a string of plain ASCII digits with an optional decimal point and at most 2 decimals ("12000",
    "12000.5", " 12000.50 "), a Python/JSON integer, or a ``Decimal`` (from code). Refused, each with a message:
    floats (JSON ``100.1``: binary fractions are not money), booleans, signs ("-5", "-0", "+5"), exponents ("1e400"),
    "NaN", "Infinity", thousands separators ("1,000"), full-width or other non-ASCII digits ("１００"), more than 2
    decimals, and anything above ``MONEY_MAX``.
    """
    if isinstance(value, bool) or value is None:
        raise ValidationError(MONEY_MESSAGE, code="invalid")
    if isinstance(value, float):
        raise ValidationError(MONEY_FLOAT_MESSAGE, code="float")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(MONEY_MESSAGE, code="invalid")
        amount = value
    elif isinstance(value, str):
        text = value.strip(" \t\r\n")
        if text.startswith("-") and MONEY_RE.match(text[1:]):
            raise ValidationError(MONEY_NEGATIVE_MESSAGE, code="negative")
        if not MONEY_RE.match(text) or len(text) > 40:
            raise ValidationError(MONEY_MESSAGE, code="invalid")
        amount = Decimal(text)
    else:
        raise ValidationError(MONEY_MESSAGE, code="invalid")
    if amount < 0:
        raise ValidationError(MONEY_NEGATIVE_MESSAGE, code="negative")
    # The size first: quantizing 1e400 to the fen overflows the decimal context (InvalidOperation, a 500).
    if amount > MONEY_MAX:
        raise ValidationError(MONEY_MAX_MESSAGE, code="max_value")
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise ValidationError(MONEY_PLACES_MESSAGE, code="max_decimal_places")
    return amount.quantize(CENT)


def money_input(value, *, field: str, positive: bool = False, allow_none: bool = False) -> Decimal | None:
    """A service's money argument under ``parse_money``, or a ``ValidationError`` naming ``field``: empty is
    "required" (or None with ``allow_none``); ``positive`` refuses zero. The one wrapper every service uses."""
    from django.utils.translation import gettext

    if value is None or value == "":
        if allow_none:
            return None
        raise ValidationError({field: [gettext("This field is required.")]})
    try:
        amount = parse_money(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    if positive and amount <= 0:
        raise ValidationError({field: [gettext("The amount must be greater than zero.")]})
    return amount


def _check_date_text(value) -> None:
    if isinstance(value, str) and value.strip() and not DATE_RE.match(value.strip()):
        raise ValidationError(DATE_MESSAGE, code="invalid")


def _check_date_range(value) -> None:
    if isinstance(value, date) and not EARLIEST <= value <= LATEST:
        raise ValidationError(RANGE_MESSAGE, code="date_range")


class MoneyFormField(forms.DecimalField):
    """A form's money input: ``parse_money`` rules (2 decimals, no sign, at most ``MONEY_MAX``)."""

    def __init__(self, *, max_digits=16, decimal_places=2, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_money(value)


class DateFormField(forms.DateField):
    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not any(c in value for c in "/."):
            _check_date_text(value)
        result = super().to_python(value)
        _check_date_range(result)
        return result


class MoneyField(serializers.DecimalField):
    """The API's money field: a string (or a JSON integer) under ``parse_money`` rules; answered as a string."""

    def __init__(self, *, max_digits=16, decimal_places=2, coerce_to_string=True, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, coerce_to_string=coerce_to_string,
                         **kwargs)

    def to_internal_value(self, data):
        try:
            amount = parse_money(data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from None
        return super().to_internal_value(amount)


class DateField(serializers.DateField):
    def to_internal_value(self, value):
        try:
            _check_date_text(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        result = super().to_internal_value(value)
        try:
            _check_date_range(result)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return result
