"""Recipient addresses: mobile numbers normalised for SMS, e-mail addresses lowercased, and both masked for display
(138****1234, z***@example.com): the delivery log never shows a full number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from core.text import email_normalise

_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalise_mobile(value: str) -> str:
    """A mainland mobile number as 11 digits, or "" when ``value`` is not one (landlines get no SMS)."""
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if _MOBILE.fullmatch(digits) else ""


def normalise_email(value: str) -> str:
    """The address as stored (``core.text.email_normalise``), or "" when it is not one."""
    try:
        return email_normalise(value)
    except ValidationError:
        return ""


def normalise(address: str) -> str:
    """An opt-out or rate-limit key: the mobile number or the e-mail address (lower-cased domain)."""
    if "@" in (address or ""):
        return normalise_email(address).lower()
    return normalise_mobile(address) or re.sub(r"\D", "", address or "")


def mask(address: str) -> str:
    if not address:
        return ""
    if "@" in address:
        local, _, domain = address.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if len(address) >= 7:
        return f"{address[:3]}****{address[-4:]}"
    return "****"
