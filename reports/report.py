"""A report's figures as JSON (what a snapshot freezes), its HTML/PDF rendering and its charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import charts, engine
from .kpis import HEADLINE_KPIS, KPI_BY_KEY, TABLE_KPIS, court_kpis
from .periods import Period, last_weeks
from .selectors import ReportScope, kpi_table, trend
from .settings_cache import cached

BREAKDOWN_SECTIONS = ("team", "officer", "case_type", "stream", "tag", "campaign")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _table_json(table: dict) -> dict:
    return {"rows": [{"key": r["key"], "label": str(r["label"]), "kpis": _plain(r["kpis"])} for r in table["rows"]],
            "total": _plain(table["total"])}


@cached
def build_figures(*, scope: ReportScope, period: Period, progress: Callable[[int, str], None] | None = None) -> dict:
    """Compute every figure of a report (SQL aggregates only) as a JSON-ready dict."""
    progress = progress or (lambda pct, step: None)
    defs = court_kpis(scope.court)
    all_keys = tuple(defs.kpis.keys())
    progress(10, _("Headline figures"))
    current = kpi_table(scope=scope, period=period, keys=all_keys)
    previous = kpi_table(scope=scope, period=period.previous(), keys=all_keys)
    year_ago = kpi_table(scope=scope, period=period.year_ago(), keys=all_keys)
    figures = {
        "period": {"kind": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat(),
                   "label": period.label()},
        "scope": scope.as_json() | {"label": scope.label()},
        "generated_at": timezone.now().isoformat(),
        "case_types": list(defs.case_types),
        "definitions": {k: {"numerator": list(v.numerator), "denominator": list(v.denominator),
                            "case_types": list(v.case_types or ()), "kind": v.kind} for k, v in defs.kpis.items()},
        "current": _plain(current["total"]), "previous": _plain(previous["total"]),
        "year_ago": _plain(year_ago["total"]), "breakdowns": {},
    }
    sections = [s for s in BREAKDOWN_SECTIONS if not (scope.campaign and s in ("team", "officer", "campaign"))]
    if scope.include_subordinates:
        sections.insert(0, "court")
    for i, dim in enumerate(sections):
        progress(30 + int(50 * i / len(sections)), _("Breakdown by %(dim)s") % {"dim": dim})
        figures["breakdowns"][dim] = _table_json(kpi_table(scope=scope, period=period, dim=dim, keys=TABLE_KPIS,
                                                           with_window=False))
    progress(85, _("Trend and ageing"))
    from core.db_router import read_replica

    with read_replica():
        weeks = trend(scope=scope, weeks=last_weeks(period.end, 12), defs=defs)
        figures["trend"] = [{"start": w["period"].start.isoformat(), "label": w["period"].start.strftime("%m-%d"),
                             "kpis": _plain(w["kpis"])} for w in weeks]
        if not scope.campaign:
            figures["ageing"] = engine.ageing(scope.court_ids(), period.end, defs.case_types)
    return figures


def trend_chart(figures: dict):
    points = [{"label": p["label"], "received": p["kpis"]["received"]["value"],
               "closed": p["kpis"]["closed"]["value"], "rate": p["kpis"]["closure_rate"]["value"]}
              for p in figures.get("trend", [])]
    return trend_from_points(points)


def trend_from_points(points: list[dict]):
    return charts.trend_svg(points, title=_("Last 12 weeks"), received_label=pgettext("kpi", "Received"),
                            closed_label=pgettext("kpi", "Closed"), rate_label=pgettext("kpi", "Closure rate"))


def ageing_labels() -> list[str]:
    return [_("Under 3 months"), _("3-6 months"), _("6-12 months"), _("1-2 years"), _("Over 2 years")]


def ageing_chart(values: list[int]):
    return charts.bars_svg(list(zip(ageing_labels(), values)), title=_("Open cases by age"))


def report_context(figures: dict) -> dict:
    """What the report template needs, from the frozen figures only (so a snapshot renders the same forever)."""
    headline = []
    for key in HEADLINE_KPIS + tuple(k for k, d in KPI_BY_KEY.items() if d.group in ("target", "service")):
        if key not in figures["current"]:
            continue
        headline.append({"key": key, "kpi": KPI_BY_KEY[key], "current": figures["current"][key],
                         "previous": figures["previous"].get(key), "year_ago": figures["year_ago"].get(key)})
    modes = [{"kpi": KPI_BY_KEY[k], "value": v} for k, v in figures["current"].items()
             if k in KPI_BY_KEY and KPI_BY_KEY[k].group == "mode"]
    columns = [KPI_BY_KEY[k] for k in TABLE_KPIS]
    return {
        "figures": figures, "headline": headline, "modes": modes, "columns": columns,
        "breakdowns": [(dim, BREAKDOWN_TITLES().get(dim, dim), table)
                       for dim, table in figures.get("breakdowns", {}).items()],
        "trend_svg": trend_chart(figures),
        "ageing_svg": ageing_chart(figures["ageing"]) if figures.get("ageing") is not None else None,
        "ageing_rows": list(zip(ageing_labels(), figures.get("ageing") or [])),
    }


def BREAKDOWN_TITLES() -> dict:  # noqa: N802 - evaluated per language
    return {"court": _("By court"), "team": _("By team"), "officer": _("By officer"), "case_type": _("By case type"),
            "stream": _("By stream"), "tag": _("By priority tag"), "campaign": _("By special campaign")}


def render_report_html(figures: dict) -> str:
    with translation.override("zh-hans"):
        return render_to_string("reports/report_pdf.html", report_context(figures))


def render_pdf(html: str) -> bytes:
    """PDF bytes through the notices rendering engine (fonts from Debian's fonts-noto-cjk), or WeasyPrint directly
    while that engine is not installed."""
    try:
        from notices.pdf.render import render_pdf as notices_render  # type: ignore[import-not-found]
    except ImportError:
        notices_render = None
    if notices_render is not None:
        return notices_render(html)
    import weasyprint

    return weasyprint.HTML(string=html, base_url=".").write_pdf()
