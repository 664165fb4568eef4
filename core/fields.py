"""Strict input fields for money and dates, for forms and the API.

Python's ``Decimal`` and ``int`` accept full-width and other Unicode digits ("１２３"), exponents ("1e5"), "NaN" and
"Infinity"; date parsing accepts Unicode digits too. A court's amounts and dates are typed in plain digits, so
anything else is refused with a message on the field instead of being silently reinterpreted.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MONEY_RE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?\Z")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z")
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)

MONEY_MESSAGE = _("Enter the amount in plain digits with an optional decimal point, e.g. 12000.50.")
DATE_MESSAGE = _("Enter the date as YYYY-MM-DD in plain digits.")
RANGE_MESSAGE = _("Enter a date between 1900 and 2199.")


def _check_money_text(value) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip() and not MONEY_RE.match(value.strip()):
        raise ValidationError(MONEY_MESSAGE, code="invalid")


def _check_date_text(value) -> None:
    if isinstance(value, str) and value.strip() and not DATE_RE.match(value.strip()):
        raise ValidationError(DATE_MESSAGE, code="invalid")


def _check_date_range(value) -> None:
    if isinstance(value, date) and not EARLIEST <= value <= LATEST:
        raise ValidationError(RANGE_MESSAGE, code="date_range")


class MoneyFormField(forms.DecimalField):
    def to_python(self, value):
        _check_money_text(value)
        return super().to_python(value)


class DateFormField(forms.DateField):
    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not any(c in value for c in "/."):
            _check_date_text(value)
        result = super().to_python(value)
        _check_date_range(result)
        return result


class MoneyField(serializers.DecimalField):
    def to_internal_value(self, data):
        try:
            _check_money_text(data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return super().to_internal_value(data)


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
