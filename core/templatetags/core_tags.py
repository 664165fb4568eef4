from decimal import Decimal, InvalidOperation

from django import template

from accounts.models import Role

register = template.Library()


@register.filter
def role_label(code: str) -> str:
    try:
        return Role(code).label
    except ValueError:
        return code


@register.filter
def yuan(value) -> str:
    """Format an amount as 1,234,567.89 (yuan, two places); never through float."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}"
