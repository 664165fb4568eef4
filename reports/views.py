"""Pages of the reports: the chief's dashboard, drill-down lists, KPI tables and exports, weekly reports, campaigns."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from accounts.policy import Perm, require

from . import engine, exports, selectors, services
from .forms import CampaignCasesForm, CampaignForm, ReportRequestForm
from .kpis import KPI_BY_KEY, TABLE_KPIS
from .models import ReportRun
from .periods import KINDS, Period
from .report import BREAKDOWN_TITLES, ageing_chart, ageing_labels, report_context


def _flag(value) -> bool:
    return str(value or "").lower() in ("1", "true", "on", "yes")


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404("Bad parameter.") from None


def _scope_period(request, *, default_kind: str = "week"):
    """Scope and period from the query string; the default is the last full week."""
    require(request.user, Perm.REPORT_VIEW)
    g = request.GET
    try:
        # A page opened without a court chosen: the subordinate courts are included where the user has them (the
        # intermediate court's chief); once the filter form was used, its "include subordinate courts" box decides.
        explicit = "court" in g or "tree" in g
        tree = _flag(g.get("tree")) if explicit else selectors.subordinates_by_default(user=request.user)
        scope = selectors.report_scope_get(user=request.user, court_id=_int_or_none(g.get("court")),
                                           include_subordinates=tree,
                                           campaign_id=_int_or_none(g.get("campaign")))
        kind = g.get("period") or default_kind
        default_day = engine.today() if kind != "week" else engine.shift(engine.today(), -7)
        period = Period.parse(kind, g.get("start"), default=default_day)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from None
    base = {"period": period.kind, "start": period.start.isoformat(), "court": scope.court.pk}
    if scope.include_subordinates:
        base["tree"] = "1"
    if scope.campaign:
        base["campaign"] = scope.campaign.pk
    return scope, period, base


def _nav_context(request, scope, period, base) -> dict:
    return {
        "scope": scope, "period": period, "qs_base": base, "kinds": [(k, PERIOD_LABELS()[k]) for k in KINDS],
        "courts": selectors.reportable_courts(user=request.user),
        "campaigns": selectors.campaign_list_for_user(user=request.user).filter(court=scope.court),
        "prev_start": period.previous().start.isoformat(), "next_start": period.next().start.isoformat(),
    }


def PERIOD_LABELS() -> dict:  # noqa: N802 - evaluated per language
    return {"week": _("Week"), "month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}


@login_required
def dashboard(request):
    scope, period, base = _scope_period(request)
    data = selectors.dashboard_data(scope=scope, period=period)
    points = [{"label": w["period"].start.strftime("%m-%d"), "received": w["kpis"]["received"]["value"],
               "closed": w["kpis"]["closed"]["value"], "rate": w["kpis"]["closure_rate"]["value"]}
              for w in data["trend"]]
    from .report import trend_from_points

    context = _nav_context(request, scope, period, base) | data | {
        "title": _("Dashboard"),
        "trend_svg": trend_from_points(points),
        "ageing_rows": list(zip(ageing_labels(), data["ageing"] or [], [f"age_{i}" for i in range(5)]))
        if data["ageing"] else [],
        "ageing_svg": ageing_chart(data["ageing"]) if data["ageing"] else None,
        "table_columns": [KPI_BY_KEY[k] for k in TABLE_KPIS],
        "headline_keys": data["keys"],
        "prev_base": base | {"start": period.previous().start.isoformat()},
        "year_base": base | {"start": period.year_ago().start.isoformat()},
        "breakdown_links": [(dim, BREAKDOWN_TITLES()[dim]) for dim in selectors.BREAKDOWNS],
    }
    template = "reports/_dashboard_body.html" if request.htmx else "reports/dashboard.html"
    return render(request, template, context)


@login_required
def kpi_table_page(request):
    scope, period, base = _scope_period(request)
    dim = request.GET.get("dim", "team")
    if dim not in selectors.BREAKDOWNS:
        raise Http404("Unknown breakdown.")
    try:
        table = selectors.kpi_table(scope=scope, period=period, dim=dim, keys=TABLE_KPIS, with_window=False)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from None
    context = _nav_context(request, scope, period, base) | {
        "title": BREAKDOWN_TITLES()[dim], "table": table, "dim": dim, "definitions": table["definitions"],
        "table_columns": [KPI_BY_KEY[k] for k in TABLE_KPIS],
        "breakdown_links": [(d, BREAKDOWN_TITLES()[d]) for d in selectors.BREAKDOWNS],
    }
    return render(request, "reports/table.html", context)


@login_required
def export_table(request, dim: str, fmt: str):
    scope, period, base = _scope_period(request)
    if fmt not in ("xlsx", "csv"):
        raise Http404("Unknown format.")
    if dim == "ageing":
        from .kpis import court_kpis
        from core.db_router import read_replica

        with read_replica():
            values = engine.ageing(scope.court_ids(), min(period.end, engine.today()),
                                   court_kpis(scope.court).case_types)
        headers, rows = exports.ageing_rows(values)
    elif dim == "headline":
        table = selectors.kpi_table(scope=scope, period=period)
        previous = selectors.kpi_table(scope=scope, period=period.previous())
        year_ago = selectors.kpi_table(scope=scope, period=period.year_ago())
        headers, rows = exports.headline_rows(table, previous, year_ago)
    elif dim in selectors.BREAKDOWNS:
        try:
            table = selectors.kpi_table(scope=scope, period=period, dim=dim, keys=TABLE_KPIS, with_window=False)
        except ValidationError as exc:
            raise Http404(" ".join(exc.messages)) from None
        headers, rows = exports.table_rows(table, BREAKDOWN_TITLES()[dim])
    else:
        raise Http404("Unknown table.")
    name = f"{scope.court.code}-{dim}-{period.kind}-{period.start.isoformat()}"
    return exports.response(headers, rows, name=name, fmt=fmt, title=f"{scope.label()} {period.label()}")


@login_required
def drilldown(request):
    scope, period, base = _scope_period(request)
    g = request.GET
    dim = g.get("dim", "total")
    value = g.get("value")
    if value == "none":
        value = ""
    result = selectors.drilldown(user=request.user, scope=scope, period=period, measure=g.get("measure", ""),
                                 kpi=g.get("kpi") or None, dim=dim, value=value)
    fmt = g.get("format")
    if fmt in ("xlsx", "csv"):
        headers, rows = exports.drilldown_rows(result)
        return exports.response(headers, rows, name=f"{scope.court.code}-{result.measure}-{period.start}", fmt=fmt,
                                title=f"{scope.label()} {period.label()}")
    page = Paginator(result.queryset, 50).get_page(g.get("page"))
    kpi = KPI_BY_KEY.get(g.get("kpi") or "")
    query = request.GET.copy()
    query.pop("page", None)
    context = _nav_context(request, scope, period, base) | {
        "title": _("Cases behind the figure"), "result": result, "page": page, "total": page.paginator.count,
        "kpi": kpi, "measure_label": MEASURE_LABELS().get(result.measure.split("__")[0], result.measure),
        "dim": dim, "value": value, "query": query.urlencode(),
        "group_label": _group_label(dim, value),
    }
    return render(request, "reports/drilldown.html", context)


def _group_label(dim, value) -> str:
    if dim in ("total", None):
        return ""
    labels = selectors.dim_labels(dim, [_coerce(dim, value)])
    return f"{BREAKDOWN_TITLES().get(dim, dim)}: {labels.get(_coerce(dim, value), value)}"


def _coerce(dim, value):
    if value in ("", None):
        return None
    if dim in ("team", "officer", "court", "campaign"):
        try:
            return int(value)
        except ValueError:
            return None
    return value


def MEASURE_LABELS() -> dict:  # noqa: N802
    return {
        "received": pgettext("kpi", "Received"), "carried_over": _("Carried over"), "closed": pgettext("kpi", "Closed"),
        "closed_actual": _("Actual closures"), "closed_in_term": _("Closed within the term"),
        "closed_actual_in_term": _("Actual closures within the term"), "open_end": _("Pending at period end"),
        "aged_open": _("Pending over 6 months"), "claimed_closed": _("Closed cases (amount applied for)"),
        "recovered_closed": _("Closed cases (amount recovered)"), "claimed_received": _("Received cases"),
        "petitions_received": _("Petitions received"), "petitions_resolved": _("Petitions resolved"),
        "petitions_due": _("Petitions due"), "petitions_on_time": _("Petitions answered on time"),
        "leads_due": _("Asset leads due"), "leads_on_time": _("Asset leads checked on time"),
        "zb_decided": _("终本 closures reviewed"), "zb_passed": _("终本 closures approved"),
        "funds_due": _("Receipts due for payout"), "funds_on_time": _("Receipts paid out on time"),
        "age_0": _("Open under 3 months"), "age_1": _("Open 3-6 months"), "age_2": _("Open 6-12 months"),
        "age_3": _("Open 1-2 years"), "age_4": _("Open over 2 years"),
    }


@login_required
@require_POST
def refresh(request):
    require(request.user, Perm.REPORT_VIEW)
    services.rollup_refresh_request(actor=request.user, court=request.user.court)
    messages.info(request, _("The figures are being recalculated; reload the page in a minute."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("reports:dashboard")  # never redirect off the site (open redirect)
    return redirect(target)


# --- Weekly reports and on-demand runs ----------------------------------------------------------------------------

@login_required
def weekly_list(request):
    require(request.user, Perm.REPORT_VIEW)
    kind = request.GET.get("kind") or ""
    snapshots = selectors.snapshot_list_for_user(user=request.user, kind=kind or None)
    page = Paginator(snapshots, 30).get_page(request.GET.get("page"))
    form = ReportRequestForm(user=request.user, initial={
        "period": "month", "start": engine.today().replace(day=1),
        "include_subordinates": selectors.subordinates_by_default(user=request.user)})
    runs = ReportRun.objects.filter(requested_by=request.user).order_by("-created_at")[:5]
    return render(request, "reports/weekly_list.html", {
        "title": _("Weekly reports"), "page": page, "form": form, "kind": kind, "runs": runs,
        "kinds": [(k, PERIOD_LABELS()[k]) for k in KINDS],
    })


@login_required
@require_POST
def run_create(request):
    require(request.user, Perm.REPORT_VIEW)
    form = ReportRequestForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            scope = selectors.report_scope_get(user=request.user, court_id=form.cleaned_data["court"].pk,
                                               include_subordinates=form.cleaned_data["include_subordinates"],
                                               campaign_id=getattr(form.cleaned_data.get("campaign"), "pk", None))
            period = Period.containing(form.cleaned_data["period"], form.cleaned_data["start"])
            run = services.report_run_request(actor=request.user, scope=scope, period=period)
        except ValidationError as exc:
            form.add_error(None, exc) if not hasattr(exc, "error_dict") else [
                form.add_error(f if f in form.fields else None, e) for f, e in exc.error_dict.items()]
        else:
            return redirect("reports:run_detail", pk=run.pk)
    snapshots = selectors.snapshot_list_for_user(user=request.user)
    return render(request, "reports/weekly_list.html", {
        "title": _("Weekly reports"), "page": Paginator(snapshots, 30).get_page(1), "form": form,
        "kinds": [(k, PERIOD_LABELS()[k]) for k in KINDS], "runs": [],
    }, status=400)


@login_required
def run_detail(request, pk: int):
    require(request.user, Perm.REPORT_VIEW)
    run = get_object_or_404(ReportRun.objects.select_related("court", "snapshot"), pk=pk)
    if run.requested_by_id != request.user.pk:
        require(request.user, Perm.REPORT_VIEW, run)
    template = "reports/_run_status.html" if request.htmx else "reports/run_detail.html"
    return render(request, template, {"title": _("Generating a report"), "run": run})


@login_required
def snapshot_detail(request, pk: int):
    snapshot = selectors.snapshot_get_for_user(user=request.user, pk=pk)
    context = report_context(snapshot.figures) | {"title": _("Report"), "snapshot": snapshot}
    return render(request, "reports/snapshot_detail.html", context)


@login_required
def snapshot_pdf(request, pk: int):
    snapshot = selectors.snapshot_get_for_user(user=request.user, pk=pk)
    return FileResponse(snapshot.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"report-{snapshot.court.code}-{snapshot.period_kind}-{snapshot.period_start}.pdf")


# --- Campaigns ----------------------------------------------------------------------------------------------------

@login_required
def campaign_list(request):
    require(request.user, Perm.REPORT_VIEW)
    campaigns = selectors.campaign_list_for_user(user=request.user)
    form = CampaignForm()
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                campaign = services.campaign_create(actor=request.user, court=request.user.court, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied:
                raise
            else:
                messages.success(request, _("Campaign created."))
                return redirect("reports:campaign_detail", pk=campaign.pk)
    return render(request, "reports/campaign_list.html", {"title": _("Special campaigns"), "campaigns": campaigns,
                                                          "form": form}, status=400 if form.errors else 200)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def campaign_detail(request, pk: int):
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    form = CampaignForm(instance_data=campaign)
    cases_form = CampaignCasesForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "update":
                form = CampaignForm(request.POST)
                if form.is_valid():
                    services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
                    messages.success(request, _("Campaign saved."))
                    return redirect("reports:campaign_detail", pk=pk)
            elif action == "add_cases":
                cases_form = CampaignCasesForm(request.POST)
                if cases_form.is_valid():
                    ids = cases_form.case_ids(court=campaign.court)
                    added = services.campaign_cases_add(actor=request.user, campaign=campaign, case_ids=ids)
                    messages.success(request, _("%(n)s case(s) added.") % {"n": added})
                    return redirect("reports:campaign_detail", pk=pk)
            elif action == "remove_case":
                services.campaign_cases_remove(actor=request.user, campaign=campaign,
                                               case_ids=[_int_or_none(request.POST.get("case"))])
                return redirect("reports:campaign_detail", pk=pk)
            elif action == "delete":
                services.campaign_delete(actor=request.user, campaign=campaign)
                messages.success(request, _("Campaign deleted."))
                return redirect("reports:campaign_list")
        except ValidationError as exc:
            _form_errors(cases_form if action == "add_cases" else form, exc)
    cases = Paginator(campaign.cases.select_related("team", "officer").order_by("filed_on", "id"), 50) \
        .get_page(request.GET.get("page"))
    return render(request, "reports/campaign_detail.html", {
        "title": campaign.name, "campaign": campaign, "form": form, "cases_form": cases_form, "cases": cases,
    }, status=400 if (form.errors or cases_form.errors) else 200)
