"""KPI definitions (domain.md §6) as data: each KPI is a sum of measures, or a ratio of two sums.

Measures are the raw figures the engine computes by SQL (``reports.engine``) for a period and a group:

* ``received``        cases filed in the period (新收);
* ``carried_over``    cases open at the start of the period (旧存): filed before it, not closed before it;
* ``closed``          cases closed in the period; ``closed__<mode>`` by closure mode; ``closed_actual`` in the court's
  actual-enforcement modes (setting ``actual_closure_modes``);
* ``closed_in_term``  closed within the statutory term: closed on or before filing + term months (3 for
  non-litigation cases, setting ``cases.term_months``) + approved extension months + the days of term pauses
  (中止, 暂缓 ...; TERM-2000 art 9) up to closure; ``closed_actual_in_term`` likewise for actual closures;
* ``closed_days``     Σ (closed_on − filed_on) of the closed cases, for the average time to close;
* ``open_end``        cases open at the end of the period; ``aged_open`` those filed ``aged_months`` or more before;
* ``claimed_received``, ``claimed_closed``, ``recovered_closed`` amounts applied for / recovered (yuan);
* ``petitions_*``, ``leads_*``, ``zb_*``, ``funds_*`` from petitions, asset leads, 终本 closure reviews and the fund
  ledger (see the engine for each predicate);
* ``w_*``             the same measures over the three-year window ending with the period (三年整体执结率).

Which team and officer a case counts for: the one holding it when the figure's event happened - at the end of the
filing day for ``received``, of the closing day for ``closed``, of the day before the period for ``carried_over``
and of the period's last day for ``open_end``/``aged_open`` - as recorded in ``cases.Assignment`` (a case without
assignment history counts for its current team and officer). A case moved from team A to team B in mid-week is
therefore pending with B at the end of the week, was carried over by A, and counts as closed for whoever closed it.
Petitions, leads and 终本 reviews count for the case's current team and officer. Case type and stream are the case's
current values. Court-wide figures are unaffected by reassignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import ClosureMode
from . import settings_cache as court_settings

MODES = [m.value for m in ClosureMode]

CASE_MEASURES = (
    ["received", "carried_over", "closed", "closed_actual", "closed_in_term", "closed_actual_in_term", "closed_days",
     "open_end", "aged_open", "claimed_received", "claimed_closed", "recovered_closed"]
    + [f"closed__{m}" for m in MODES]
)
AUX_MEASURES = ["petitions_received", "petitions_resolved", "petitions_due", "petitions_on_time", "leads_due",
                "leads_on_time", "zb_decided", "zb_passed", "funds_due", "funds_on_time"]
WINDOW_MEASURES = ["w_received", "w_carried_over", "w_closed", "w_closed__terminated_round",
                   "w_closed_actual_in_term"]
MEASURES = CASE_MEASURES + AUX_MEASURES + WINDOW_MEASURES
MONEY_MEASURES = {"claimed_received", "claimed_closed", "recovered_closed"}

COUNT, RATIO, MONEY, DAYS = "count", "ratio", "money", "days"


@dataclass(frozen=True)
class KPI:
    key: str
    label: str
    kind: str  # count | ratio | money | days
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    target: str | None = None  # court setting holding the target percentage
    case_types: tuple[str, ...] | None = None  # None: the court's kpi_case_types
    group: str = "main"  # main | mode | service | target


MODE_LABELS = {
    "fulfilled": _("Closed: fully enforced (执行完毕)"),
    "terminated_round": _("Closed: this round terminated (终结本次执行程序)"),
    "terminated": _("Closed: enforcement terminated (终结执行)"),
    "withdrawn": _("Closed: case cancelled (销案)"),
    "refused": _("Closed: enforcement refused (不予执行)"),
    "rejected": _("Closed: application rejected (驳回申请)"),
    "review_decided": _("Closed: review decided (裁定/决定)"),
}


def _mode_kpis() -> list[KPI]:
    return [KPI(f"closed__{m.value}", MODE_LABELS.get(m.value, m.label), COUNT, (f"closed__{m.value}",),
                group="mode") for m in ClosureMode]


KPIS: tuple[KPI, ...] = tuple([
    KPI("received", _("Received (新收)"), COUNT, ("received",)),
    KPI("carried_over", _("Carried over (旧存)"), COUNT, ("carried_over",)),
    KPI("closed", _("Closed (已结)"), COUNT, ("closed",)),
    KPI("open_end", _("Pending at period end (未结)"), COUNT, ("open_end",)),
    KPI("aged_open", _("Pending over 6 months"), COUNT, ("aged_open",)),
    KPI("closure_rate", _("Closure rate (结案率)"), RATIO, ("closed",), ("carried_over", "received")),
    KPI("closed_received_ratio", _("Closed-to-received ratio (结收比)"), RATIO, ("closed",), ("received",)),
    KPI("actual_closure_rate", _("Actual closure rate (实际执结率)"), RATIO, ("closed_actual",), ("closed",)),
    KPI("zhongben_rate", _("终本 rate"), RATIO, ("closed__terminated_round",), ("closed",)),
    KPI("in_term_rate", _("Closed within the statutory term"), RATIO, ("closed_in_term",), ("closed",)),
    KPI("avg_days", _("Average days to close"), DAYS, ("closed_days",), ("closed",)),
    KPI("claimed_closed", _("Amount applied for (closed cases)"), MONEY, ("claimed_closed",)),
    KPI("recovered_closed", _("Amount recovered (执行到位金额)"), MONEY, ("recovered_closed",)),
    KPI("recovery_rate", _("Recovery rate (执行到位率)"), RATIO, ("recovered_closed",), ("claimed_closed",)),
    KPI("claimed_received", _("Amount applied for (received cases)"), MONEY, ("claimed_received",)),
    *_mode_kpis(),
    KPI("funds_on_time_rate", _("Funds paid out on time"), RATIO, ("funds_on_time",), ("funds_due",),
        group="service"),
    KPI("petition_on_time_rate", _("Petitions answered on time"), RATIO, ("petitions_on_time",), ("petitions_due",),
        group="service"),
    KPI("lead_on_time_rate", _("Asset leads checked on time"), RATIO, ("leads_on_time",), ("leads_due",),
        group="service"),
    KPI("actual_in_term_rate", _("Actual closures within the statutory term (法定期限内实际执结率)"), RATIO,
        ("closed_actual_in_term",), ("closed_actual",), target="target_actual_in_term", group="target"),
    KPI("zhongben_pass_rate", _("终本 closures passing review (终本合格率)"), RATIO, ("zb_passed",), ("zb_decided",),
        target="target_zhongben_pass", group="target"),
    KPI("petition_resolution_rate", _("Petitions resolved (执行信访办结率)"), RATIO, ("petitions_resolved",),
        ("petitions_received",), target="target_petition_resolution", group="target"),
    KPI("three_year_rate", _("Three-year overall closure rate (三年整体执结率)"), RATIO,
        ("w_closed__terminated_round", "w_closed_actual_in_term"), ("w_carried_over", "w_received"),
        target="target_three_year", group="target"),
])
KPI_BY_KEY = {k.key: k for k in KPIS}
# The columns of the team and officer tables on the dashboard and in the report.
TABLE_KPIS = ("carried_over", "received", "closed", "closure_rate", "closed__fulfilled", "closed__terminated_round",
              "actual_closure_rate", "in_term_rate", "avg_days", "recovered_closed", "recovery_rate", "open_end",
              "aged_open")
HEADLINE_KPIS = ("received", "carried_over", "closed", "closure_rate", "closed_received_ratio", "actual_closure_rate",
                 "zhongben_rate", "in_term_rate", "avg_days", "recovered_closed", "recovery_rate", "open_end",
                 "aged_open")


@dataclass(frozen=True)
class CourtKpis:
    """The KPI definitions as one court configured them."""

    kpis: dict[str, KPI]
    case_types: tuple[str, ...]
    actual_modes: tuple[str, ...]
    targets: dict[str, Decimal] = field(default_factory=dict)

    def scopes(self) -> set[tuple[str, ...]]:
        return {k.case_types for k in self.kpis.values()}


def _check_measures(names: Iterable[str], key: str, part: str) -> tuple[str, ...]:
    names = tuple(names)
    if not names or any(n not in MEASURES for n in names):
        raise ValidationError({"kpi_definitions": _("KPI %(key)s: unknown %(part)s measure(s) %(names)s.") % {
            "key": key, "part": part, "names": ", ".join(names) or "-"}})
    return names


def court_kpis(court) -> CourtKpis:
    """The court's KPI definitions: the defaults with its overrides (court setting ``kpi_definitions``)."""
    case_types = tuple(court_settings.get(court, "kpi_case_types"))
    actual = tuple(court_settings.get(court, "actual_closure_modes"))
    kpis = {k.key: replace(k, case_types=case_types) for k in KPIS}
    for override in court_settings.get(court, "kpi_definitions"):
        key = override.get("key") if isinstance(override, Mapping) else None
        if key not in kpis:
            raise ValidationError({"kpi_definitions": _("Unknown KPI %(key)s.") % {"key": key}})
        kpi = kpis[key]
        if "case_types" in override:
            kpi = replace(kpi, case_types=tuple(override["case_types"]))
        if "numerator" in override:
            kpi = replace(kpi, numerator=_check_measures(override["numerator"], key, "numerator"))
        if "denominator" in override and kpi.kind in (RATIO, DAYS):
            kpi = replace(kpi, denominator=_check_measures(override["denominator"], key, "denominator"))
        kpis[key] = kpi
    targets = {k.key: court_settings.get(court, k.target) for k in kpis.values() if k.target}
    return CourtKpis(kpis=kpis, case_types=case_types, actual_modes=actual, targets=targets)


def _sum(measures_by_type: Mapping[str, Mapping[str, Decimal]], names: Iterable[str], types: Iterable[str]):
    total = Decimal(0)
    for t in types:
        per_type = measures_by_type.get(t)
        if per_type:
            for n in names:
                total += Decimal(per_type.get(n) or 0)
    return total


HUNDRED = Decimal(100)


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator ÷ denominator × 100, rounded half-up to 2 places; None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def kpi_value(kpi: KPI, measures_by_type: Mapping[str, Mapping[str, Decimal]]) -> dict:
    """{"value", "numerator", "denominator"} of one KPI for one group; values are Decimal (or None)."""
    types = kpi.case_types or ()
    num = _sum(measures_by_type, kpi.numerator, types)
    if kpi.kind == COUNT:
        return {"value": int(num), "numerator": int(num), "denominator": None}
    if kpi.kind == MONEY:
        return {"value": num.quantize(Decimal("0.01")), "numerator": num.quantize(Decimal("0.01")),
                "denominator": None}
    den = _sum(measures_by_type, kpi.denominator, types)
    if kpi.kind == DAYS:
        value = (num / den).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if den else None
        return {"value": value, "numerator": int(num), "denominator": int(den)}
    money = any(n in MONEY_MEASURES for n in kpi.numerator)
    fmt = (lambda v: v.quantize(Decimal("0.01"))) if money else int
    return {"value": percent(num, den), "numerator": fmt(num), "denominator": fmt(den)}


def kpi_values(defs: CourtKpis, measures_by_type: Mapping[str, Mapping[str, Decimal]],
               keys: Iterable[str] | None = None) -> dict[str, dict]:
    keys = keys or defs.kpis.keys()
    out = {}
    for key in keys:
        kpi = defs.kpis[key]
        value = kpi_value(kpi, measures_by_type)
        if kpi.target:
            target = defs.targets[key]
            value["target"] = target
            value["meets_target"] = None if value["value"] is None else value["value"] >= target
        out[key] = value
    return out
