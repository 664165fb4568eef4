from decimal import Decimal, InvalidOperation

from django import template

from accounts.models import Role
from core import formats

register = template.Library()


@register.filter
def role_label(code: str) -> str:
    try:
        return Role(code).label
    except ValueError:
        return code


@register.filter
def money(value) -> str:
    """The one format of an amount on a page: ¥1,234,567.89, negative -¥1,234.00 (``core.formats.format_money``)."""
    return formats.format_money(value)


@register.filter
def yuan(value) -> str:
    """The figure alone, 1,234,567.89, for a translated sentence that writes the ¥ itself ("¥{{ amount }}");
    everywhere else use ``money``. Never through float."""
    return formats.format_amount(value)


@register.filter
def zh_date(value) -> str:
    """2026-12-06 → 2026年12月6日 (documents and registers)."""
    return formats.zh_date(value) if value else ""


@register.filter
def local_datetime(value) -> str:
    """An instant (aware datetime or ISO string) in the court's time zone: 2026年12月6日 08:05; never raw UTC."""
    return formats.local_datetime(value)


@register.filter
def percent(value) -> str:
    """A rate as a percentage: 0.015 → 1.5%, 0.01 → 1%."""
    if value is None or value == "":
        return ""
    try:
        number = (Decimal(str(value)) * 100).normalize()
    except InvalidOperation:
        return str(value)
    return f"{number:f}%"


@register.filter
def priority_class_label(code: str) -> str:
    """A claim's class code (secured, ordinary …) as the court's words (担保物权（抵押、质押、留置）, 普通 …)."""
    from core.rules.distribution import PriorityClass

    try:
        return PriorityClass(code).label
    except ValueError:
        return code


@register.filter
def payment_reference(value) -> str:
    """A case's payment reference grouped in fours for reading: 6205 0320 2610 0000 190 (``core.rules.payment_ref``)."""
    from core.rules.payment_ref import format_payment_reference

    return format_payment_reference(value) if value else ""
