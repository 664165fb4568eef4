"""Template helpers of the reports: KPI formatting and links from every number to the cases behind it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.formats import format_money
from reports.kpis import KPI_BY_KEY

register = template.Library()

# Sums of days over cases: shown, but a list of cases is not "that many" of anything.
SUM_MEASURES = {"closed_days"}


def _fmt(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if kind == "ratio":
        return f"{number:.2f}%"
    if kind == "money":
        return format_money(number)
    if kind == "days":
        return f"{number:.2f}"
    return f"{int(number):,}"


@register.filter
def kpi_fmt(entry, key: str) -> str:
    """The formatted value of a KPI entry ({"value": ...})."""
    if not entry:
        return "—"
    return _fmt(entry.get("value"), KPI_BY_KEY[key].kind)


@register.filter
def part_fmt(value, key: str) -> str:
    kind = KPI_BY_KEY[key].kind
    return _fmt(value, "money" if kind == "ratio" and "." in str(value) else ("count" if kind != "money" else kind))


@register.simple_tag(takes_context=True)
def drill_url(context, measure: str, kpi: str = "", dim: str = "total", value="", base=None) -> str:
    base = dict(base or context.get("qs_base") or {})
    base.update({"measure": measure, "dim": dim})
    if kpi:
        base["kpi"] = kpi
    if value not in (None, ""):
        base["value"] = value
    elif dim != "total":
        base["value"] = "none"
    return reverse("reports:drilldown") + "?" + urlencode(base)


@register.simple_tag(takes_context=True)
def kpi_cell(context, key: str, entry, dim: str = "total", value="", detail: bool = True, base=None):
    """A KPI figure; counts and amounts link to their cases, a ratio shows numerator / denominator, each linked."""
    kpi = KPI_BY_KEY[key]
    defs = context.get("definitions")
    kdef = defs.kpis.get(key, kpi) if defs else kpi
    if not entry:
        return "—"
    shown = _fmt(entry.get("value"), kpi.kind)
    linkable = (base or context.get("qs_base")) is not None
    if kpi.kind in ("count", "money"):
        if not linkable or len(kdef.numerator) != 1:
            return shown
        return format_html('<a href="{}" class="kpi-link">{}</a>', drill_url(context, kdef.numerator[0], key, dim,
                                                                             value, base), shown)
    if not detail:
        return shown
    parts = []
    for measure_names, number in ((kdef.numerator, entry.get("numerator")), (kdef.denominator, entry.get("denominator"))):
        text = _fmt(number, "money" if "." in str(number) else "count")
        if linkable and len(measure_names) == 1 and measure_names[0] not in SUM_MEASURES:
            parts.append(format_html('<a href="{}" class="kpi-link">{}</a>',
                                     drill_url(context, measure_names[0], key, dim, value, base), text))
        else:
            parts.append(format_html("{}", text))
    return format_html('{}<span class="kpi-parts">{} / {}</span>', shown, parts[0], parts[1])


@register.filter
def delta_class(entry, other) -> str:
    try:
        a, b = Decimal(str(entry["value"])), Decimal(str(other["value"]))
    except (TypeError, KeyError, InvalidOperation):
        return ""
    return "kpi-up" if a > b else ("kpi-down" if a < b else "")


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def kpi_label(key: str) -> str:
    return str(KPI_BY_KEY[key].label)


@register.simple_tag
def target_badge(entry):
    if not entry or entry.get("target") is None:
        return ""
    ok = entry.get("meets_target")
    css = "text-bg-secondary" if ok is None else ("text-bg-success" if ok else "text-bg-danger")
    return format_html('<span class="badge {}">{} ≥ {}%</span>', css, _("target"), entry["target"])


@register.filter
def urlencode_dict(mapping) -> str:
    return urlencode(mapping or {})
