"""Reads of the reports: KPI tables, the dashboard, drill-down lists, snapshots and campaigns.

Every figure is read inside ``core.db_router.read_replica()`` and is limited to the courts the user may report on
(``accounts.policy`` REPORT_VIEW: a chief reads their court, a superior court's chief also the subordinate courts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Court, Team, User
from accounts.policy import Perm, Target, has_perm, require, scope_q
from cases.models import Case, CaseType, Stream
from core.db_router import read_replica

from . import engine
from .kpis import AUX_MEASURES, CASE_MEASURES, HEADLINE_KPIS, KPI_BY_KEY, TABLE_KPIS, CourtKpis, court_kpis, kpi_values
from .models import Campaign, ReportSnapshot, RollupState
from .periods import Period, last_weeks
from .settings_cache import cached

BREAKDOWNS = ("court", "team", "officer", "case_type", "stream", "tag", "campaign")


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: one court, or it and its subordinate courts; optionally one campaign's cases."""

    court: Court
    include_subordinates: bool = False
    campaign: Campaign | None = None

    def court_ids(self) -> list[int]:
        return self.court.descendant_ids() if self.include_subordinates else [self.court.pk]

    def key(self) -> str:
        if self.campaign:
            return f"campaign:{self.campaign.pk}"
        return "tree" if self.include_subordinates else "court"

    def as_json(self) -> dict:
        return {"court": self.court.pk, "include_subordinates": self.include_subordinates,
                "campaign": self.campaign.pk if self.campaign else None}

    def label(self) -> str:
        text = self.court.name
        if self.include_subordinates:
            text += _(" and subordinate courts")
        if self.campaign:
            text += f" · {self.campaign.name}"
        return text


def report_scope_get(*, user, court_id: int | None = None, include_subordinates: bool = False,
                     campaign_id: int | None = None) -> ReportScope:
    """The scope a user asked for, refused (403) unless they may report on that court."""
    require(user, Perm.REPORT_VIEW)
    court = user.court if court_id is None else Court.objects.filter(pk=court_id).first()
    if court is None:
        raise ValidationError({"court": _("No such court.")})
    require(user, Perm.REPORT_VIEW, Target(court_id=court.pk))
    campaign = None
    if campaign_id:
        campaign = Campaign.objects.filter(pk=campaign_id, court_id__in=court.descendant_ids()).first()
        if campaign is None:
            raise ValidationError({"campaign": _("No such campaign at this court.")})
        court = campaign.court
    return ReportScope(court=court, include_subordinates=include_subordinates and campaign is None,
                       campaign=campaign)


def subordinates_by_default(*, user) -> bool:
    """Whether the user's reports cover the subordinate courts unless they narrow them: a chief of a court that has
    subordinate courts (the intermediate court's) and may report on them sees their figures from the start."""
    from accounts.policy import Scope, granted_scope

    if not user.court_id or granted_scope(user, Perm.REPORT_VIEW) != Scope.TREE:
        return False
    return Court.objects.filter(parent_id=user.court_id).exists()


def reportable_courts(*, user) -> QuerySet[Court]:
    """The courts the user may report on: their own, and with a tree grant the subordinate courts."""
    from accounts.policy import Scope, granted_scope

    granted = granted_scope(user, Perm.REPORT_VIEW)
    if granted is None:
        return Court.objects.none()
    if user.is_superuser:
        return Court.objects.order_by("code")
    if granted == Scope.TREE:
        return Court.objects.filter(pk__in=user.court.descendant_ids()).order_by("code")
    return Court.objects.filter(pk=user.court_id)


# --- Labels -------------------------------------------------------------------------------------------------------

def dim_labels(dim: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if dim == "team":
        found = dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif dim == "officer":
        found = {u.pk: u.display_name for u in User.objects.filter(pk__in=keys).only("pk", "full_name", "username",
                                                                                      "first_name", "last_name")}
    elif dim == "court":
        found = dict(Court.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif dim == "campaign":
        found = dict(Campaign.objects.filter(pk__in=keys).values_list("pk", "name"))
    elif dim == "case_type":
        found = {k: CaseType(k).label if k in CaseType.values else k for k in keys}
    elif dim == "stream":
        found = {k: Stream(k).label if k in Stream.values else k for k in keys}
    else:
        found = {k: str(k) for k in keys}
    found[None] = _("(unassigned)")
    return found


# --- KPI tables ---------------------------------------------------------------------------------------------------

def _merge(*sources: dict) -> dict:
    out: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    for source in sources:
        for key, per_type in source.items():
            for ctype, measures in per_type.items():
                for name, value in measures.items():
                    out[key][ctype][name] += value
    return out


def _window(scope: ReportScope, period: Period, defs: CourtKpis, dim: str) -> dict:
    window = engine.window_period(period, scope.court)
    if scope.campaign:
        raw = engine.live_measures(scope.court_ids(), window, dim, defs, campaign_ids=[scope.campaign.pk])
    else:
        raw = engine.rollup_measures(scope.court_ids(), window, dim, defs)
    out: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    for key, per_type in raw.items():
        for ctype, m in per_type.items():
            for name in ("received", "carried_over", "closed", "closed__terminated_round", "closed_actual_in_term"):
                out[key][ctype][f"w_{name}"] += m.get(name, Decimal(0))
    return out


def measures_for(scope: ReportScope, period: Period, dim: str, defs: CourtKpis, *, window: bool = False) -> dict:
    """{group key: {case type: {measure: value}}} for the scope, period and breakdown."""
    ids = scope.court_ids()
    campaigns = [scope.campaign.pk] if scope.campaign else None
    if dim in ("tag", "campaign") or scope.campaign:
        if scope.campaign and dim in ("team", "officer"):
            raise ValidationError({"breakdown": _("A campaign's figures break down by case type, stream or tag.")})
        cases = engine.live_measures(ids, period, dim, defs, campaign_ids=campaigns)
    else:
        cases = engine.rollup_measures(ids, period, dim, defs)
    parts = [cases, engine.aux_measures(ids, period, dim, campaign_ids=campaigns)]
    if window:
        parts.append(_window(scope, period, defs, dim))
    return _merge(*parts)


@cached
def kpi_table(*, scope: ReportScope, period: Period, dim: str = "total", keys=None,
              with_window: bool | None = None, total: dict | None = None) -> dict:
    """The KPIs of one period, one row per group of the breakdown (and the total)."""
    if dim not in BREAKDOWNS + ("total",):
        raise ValidationError({"breakdown": _("Unknown breakdown %(dim)s.") % {"dim": dim}})
    defs = court_kpis(scope.court)
    keys = tuple(keys or defs.kpis.keys())
    with_window = ("three_year_rate" in keys) if with_window is None else with_window
    with read_replica():
        measures = measures_for(scope, period, dim, defs, window=with_window and dim in ("total", "court"))
        if total is None:
            total = measures_for(scope, period, "total", defs, window=with_window) if dim != "total" else measures
            total_values = kpi_values(defs, total.get(0, {}), keys)
        else:
            total_values = {k: total[k] for k in keys}
    labels = dim_labels(dim, measures.keys()) if dim != "total" else {}
    rows = []
    for key, per_type in measures.items():
        if dim == "total":
            continue
        values = kpi_values(defs, per_type, keys)
        if not any(v["value"] for v in values.values()):
            continue
        rows.append({"key": key, "label": labels.get(key, str(key)), "kpis": values})
    rows.sort(key=lambda r: (r["key"] is None, str(r["label"])))
    return {"period": period, "scope": scope, "dim": dim, "keys": keys, "rows": rows, "total": total_values,
            "definitions": defs}


def trend(*, scope: ReportScope, weeks: list[Period], defs: CourtKpis) -> list[dict]:
    """Received, closed and the closure rate of each week, from two rollup queries."""
    ids = scope.court_ids()
    if scope.campaign:
        return [{"period": w, "kpis": kpi_values(defs, engine.live_measures(
            ids, w, "total", defs, campaign_ids=[scope.campaign.pk]).get(0, {}),
            ("received", "closed", "closure_rate"))} for w in weeks]
    first = weeks[0]
    with engine._cursor() as cursor:
        cursor.execute("""
            SELECT date_trunc('week', day)::date, case_type, closure_mode, SUM(received), SUM(closed), SUM(net)
            FROM reports_courtdaystat WHERE court_id = ANY(%(courts)s) AND day BETWEEN %(s)s AND %(e)s
            GROUP BY 1, 2, 3
        """, {"courts": ids, "s": first.start, "e": weeks[-1].end})
        flows = cursor.fetchall()
    opening = engine.rollup_measures(ids, Period("week", first.start, first.start), "total", defs).get(0, {})
    carried = {t: m.get("carried_over", Decimal(0)) for t, m in opening.items()}
    by_week: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    for week_start, ctype, mode, rec, closed, net in flows:
        m = by_week[week_start][ctype]
        m["received"] += rec
        m["closed"] += closed
        m["_net"] += net
        if mode:
            m[f"closed__{mode}"] += closed
    out = []
    for w in weeks:
        per_type = by_week.get(w.start, {})
        for ctype in set(carried) | set(per_type):
            per_type.setdefault(ctype, defaultdict(Decimal))
            per_type[ctype]["carried_over"] = carried.get(ctype, Decimal(0))
            carried[ctype] = carried.get(ctype, Decimal(0)) + per_type[ctype].get("_net", Decimal(0))
        out.append({"period": w, "kpis": kpi_values(defs, per_type, ("received", "closed", "closure_rate"))})
    return out


@cached
def dashboard_data(*, scope: ReportScope, period: Period, today: date | None = None) -> dict:
    """Everything the chief's dashboard shows: KPIs against the previous period and a year before, a 12-week
    trend, ageing of open cases, and the team and officer tables."""
    today = today or engine.today()
    defs = court_kpis(scope.court)
    keys = HEADLINE_KPIS + tuple(k.key for k in defs.kpis.values() if k.group in ("service", "target"))
    current = kpi_table(scope=scope, period=period)
    previous = kpi_table(scope=scope, period=period.previous(), keys=keys)
    year_ago = kpi_table(scope=scope, period=period.year_ago(), keys=keys)
    with read_replica():
        weeks = trend(scope=scope, weeks=last_weeks(min(period.end, today), 12), defs=defs)
        age_day = min(period.end, today)
        ageing = engine.ageing(scope.court_ids(), age_day, defs.case_types) if not scope.campaign else None
    tables = {}
    if not scope.campaign:
        for dim in ("team", "officer"):
            tables[dim] = kpi_table(scope=scope, period=period, dim=dim, keys=TABLE_KPIS, with_window=False,
                                    total=current["total"])
    modes = {"total": {k.key: current["total"][k.key] for k in defs.kpis.values() if k.group == "mode"}}
    state = RollupState.objects.filter(court_id__in=scope.court_ids()).order_by("refreshed_at").first()
    return {
        "scope": scope, "period": period, "current": current, "previous": previous, "year_ago": year_ago,
        "trend": weeks, "ageing": ageing, "ageing_day": age_day, "tables": tables, "modes": modes,
        "definitions": defs, "keys": keys, "refreshed_at": state.refreshed_at if state else None,
    }


# --- Drill-down ---------------------------------------------------------------------------------------------------

DRILL_MEASURES = set(CASE_MEASURES) | set(AUX_MEASURES) | {f"age_{i}" for i in range(len(engine.AGE_BUCKETS))}


@dataclass
class Drilldown:
    measure: str
    kind: str  # "cases" or the auxiliary table
    queryset: QuerySet


@cached
def drilldown(*, user, scope: ReportScope, period: Period, measure: str, kpi: str | None = None, dim: str = "total",
              value=None) -> Drilldown:
    """The records behind one number: the same predicates as the figure, so the list's length equals it."""
    if measure not in DRILL_MEASURES:
        raise Http404("Unknown measure.")
    if dim not in BREAKDOWNS + ("total",):
        raise Http404("Unknown breakdown.")
    defs = court_kpis(scope.court)
    kpi_def = defs.kpis.get(kpi) if kpi else None
    if kpi and kpi_def is None:
        raise Http404("Unknown KPI.")
    types = kpi_def.case_types if kpi_def else defs.case_types
    ids = scope.court_ids()
    campaign_id = scope.campaign.pk if scope.campaign else None
    if value == "":
        value = None if dim == "total" else ""
    if measure.startswith("age_"):
        params = {"courts": ids, "types": list(types)}
        cond = engine.ageing_predicate(int(measure[4:]), min(period.end, engine.today()), params)
        sql = (f"SELECT c.id FROM cases_case c WHERE c.court_id = ANY(%(courts)s) AND c.case_type = ANY(%(types)s) "
               f"AND {cond} {engine._campaign_filter(campaign_id, params)}")
        kind = "cases"
    elif measure in AUX_MEASURES:
        if not engine.aux_available(measure):
            raise Http404("Not available.")
        sql, params, table = engine.aux_drilldown_sql(measure=measure, court_ids=ids, period=period, case_types=types,
                                                      dim=dim, value=value, campaign_id=campaign_id)
        kind = table
    else:
        if measure == "closed_actual":
            pass
        sql, params = engine.drilldown_sql(measure=measure, court_ids=ids, period=period, case_types=types, defs=defs,
                                           dim=dim, value=value, campaign_id=campaign_id)
        kind = "cases"
    engine._cursor().close()  # JIT off on this connection, as for every report query
    # RawSQL takes positional parameters: turn the named ones into %s in order.
    positional, ordered = _positional(sql, params)
    if kind == "cases":
        qs = (Case.objects.filter(scope_q(user, Perm.CASE_VIEW)).filter(id__in=RawSQL(positional, ordered))
              .select_related("team", "officer", "court").order_by("filed_on", "id"))
    else:
        from django.apps import apps

        model = next(m for m in apps.get_models() if m._meta.db_table == kind)
        qs = (model.objects.filter(scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team",
                                           officer="case__officer"))
              .filter(id__in=RawSQL(positional, ordered)).select_related("case").order_by("id"))
    return Drilldown(measure=measure, kind=kind, queryset=qs)


def _positional(sql: str, params: dict) -> tuple[str, list]:
    import re

    ordered: list = []

    def repl(match):
        ordered.append(params[match.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", repl, sql), ordered


# --- Snapshots and campaigns --------------------------------------------------------------------------------------

def snapshot_list_for_user(*, user, kind: str | None = None) -> QuerySet[ReportSnapshot]:
    qs = ReportSnapshot.objects.filter(scope_q(user, Perm.REPORT_VIEW, team=None, officer=None)).select_related("court")
    if kind:
        qs = qs.filter(period_kind=kind)
    return qs.defer("figures")


def snapshot_get_for_user(*, user, pk: int) -> ReportSnapshot:
    snapshot = ReportSnapshot.objects.filter(scope_q(user, Perm.REPORT_VIEW, team=None, officer=None), pk=pk) \
        .select_related("court").first()
    if snapshot is None:
        raise Http404("No such report.")
    return snapshot


def campaign_list_for_user(*, user) -> QuerySet[Campaign]:
    from django.db.models import Count

    return (Campaign.objects.filter(scope_q(user, Perm.REPORT_VIEW, team=None, officer=None))
            .select_related("court").annotate(case_count=Count("cases")))


def campaign_get_for_user(*, user, pk: int) -> Campaign:
    campaign = Campaign.objects.filter(scope_q(user, Perm.REPORT_VIEW, team=None, officer=None), pk=pk) \
        .select_related("court").first()
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def tag_choices(*, court_ids: list[int]) -> list[str]:
    with read_replica(), engine._cursor() as cursor:
        cursor.execute("SELECT DISTINCT unnest(tags) FROM cases_case WHERE court_id = ANY(%s) ORDER BY 1 LIMIT 200",
                       [court_ids])
        return [r[0] for r in cursor.fetchall()]


def can_view_reports(user) -> bool:
    return has_perm(user, Perm.REPORT_VIEW)


__all__ = ["ReportScope", "report_scope_get", "kpi_table", "dashboard_data", "drilldown", "KPI_BY_KEY"]
