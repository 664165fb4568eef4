"""Template filters for notice templates: ``{% load notices_pdf %}``.

This is a plain module, not an app's ``templatetags`` package. ``render_template_pdf`` registers it with every
DjangoTemplates engine before rendering; to load it elsewhere, add to the TEMPLATES options::

    "libraries": {"notices_pdf": "notices.pdf.templatetags"}
"""

from __future__ import annotations

from django import template

from notices.pdf import cn, qr

LIBRARY_NAME = "notices_pdf"
LIBRARY_MODULE = __name__

register = template.Library()


@register.filter
def cn_date(value):
    """2026-11-23 → 二〇二六年十一月二十三日 (date of issue)."""
    return cn.cn_date(value) if value else ""


@register.filter
def zh_date(value):
    """2026-11-23 → 2026年11月23日 (dates in the body text)."""
    return cn.zh_date(value) if value else ""


@register.filter
def yuan(value):
    """100000 → 100,000.00"""
    return cn.yuan(value)


@register.filter
def inner(value):
    """Text printed inside round brackets: its own （…） become ［…］ (a number's year excepted)."""
    from core.rules.typography import inner as inner_brackets

    return inner_brackets(value) if isinstance(value, str) else value


@register.filter
def qr_data_uri(value):
    """Text or URL → data URI of its QR code (SVG)."""
    return qr.qr_data_uri(str(value)) if value else ""


@register.filter
def pronoun(party):
    """How a notice addresses a party: "你单位" for a unit (kind == "unit" or is_unit), otherwise "你"."""
    if party is None:
        return "你"
    kind = party.get("kind") if isinstance(party, dict) else getattr(party, "kind", None)
    is_unit = party.get("is_unit") if isinstance(party, dict) else getattr(party, "is_unit", None)
    return "你单位" if (is_unit or kind == "unit") else "你"


@register.filter
def yuan_capitals(value):
    """100000 → 人民币100,000.00元（大写：壹拾万元整）, where a document writes the amount in capitals too."""
    from core.formats import document_amount

    return document_amount(value) if value not in (None, "") else ""


@register.filter
def unbroken_words(value):
    """Each part of ``value`` between ASCII spaces kept on one line (a payment reference "6205 0320 2610 0123 477
    （2026）甘0503执1234号" may break at its space, never inside the case number, which would leave "号" alone on a line,
    nor between the reference's digit groups: those are joined by no-break spaces, U+00A0, which do not split)."""
    from django.utils.html import format_html_join

    if not isinstance(value, str) or not value.strip():
        return value
    return format_html_join(" ", '<span class="nobr">{}</span>', ((part,) for part in value.split(" ") if part.strip()))
