"""案款账龄: the page of money held on case accounts by age, its drill-down to the cases and their CSV exports.

Who sees it: the chief (REPORT_VIEW, their court and, as on the dashboard, an intermediate chief's subordinate
courts) and finance (FUNDS_RECORD: their own court only). Officers and clerks get 403: an officer's own money awaiting
payout is on the funds-awaiting list (assets:funds_awaiting) and the payout deadlines.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Court
from accounts.policy import Perm, has_perm

from . import engine, exports, selectors
from .funds_ageing import BUCKET_KEYS, BUCKETS, funds_ageing, funds_ageing_cases

PAGE_SIZE = 50


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404("Bad parameter.") from None


def _courts(request) -> tuple[Court, list[int], dict, bool]:
    """The court (and with ``tree`` its subordinates) the page covers, refused unless the user may see it."""
    user, g = request.user, request.GET
    if has_perm(user, Perm.REPORT_VIEW):
        explicit = "court" in g or "tree" in g
        tree = g.get("tree") == "1" if explicit else selectors.subordinates_by_default(user=user)
        try:
            scope = selectors.report_scope_get(user=user, court_id=_int(g.get("court")), include_subordinates=tree)
        except ValidationError as exc:
            raise Http404(" ".join(exc.messages)) from None
        base = {"court": scope.court.pk} | ({"tree": "1"} if scope.include_subordinates else {})
        return scope.court, scope.court_ids(), base, scope.include_subordinates
    if has_perm(user, Perm.FUNDS_RECORD) and user.court_id:
        court_id = _int(g.get("court"))
        if court_id not in (None, user.court_id):
            raise PermissionDenied
        return user.court, [user.court_id], {"court": user.court_id}, False
    raise PermissionDenied


def _bucket_labels() -> dict[str, str]:
    return {key: str(label) for key, label, _low, _high in BUCKETS}


@login_required
def funds_ageing_page(request):
    court, court_ids, base, tree = _courts(request)
    today = engine.today()
    data = funds_ageing(court_ids=court_ids, today=today)
    labels = _bucket_labels()
    if request.GET.get("format") == "csv":
        headers = [_("Team"), _("Officer")] + [labels[k] for k in BUCKET_KEYS] + [
            _("Total held"), _("Receipts past the payout deadline"), _("Number of cases")]
        rows = []
        for team in data.teams:
            for officer in team.officers:
                rows.append([team.label, officer.label] + [officer.buckets[k] for k in BUCKET_KEYS]
                            + [officer.total, officer.overdue, officer.cases])
            rows.append([team.label, _("Team total")] + [team.buckets[k] for k in BUCKET_KEYS]
                        + [team.total, team.overdue, team.cases])
        rows.append([_("Total"), ""] + [data.total.buckets[k] for k in BUCKET_KEYS]
                    + [data.total.total, data.total.overdue, data.total.cases])
        return exports.response(headers, rows, name=f"{court.code}-funds-ageing-{today.isoformat()}", fmt="csv",
                                title="")
    return render(request, "reports/funds_ageing.html", {
        "title": _("Case funds by age"), "court": court, "tree": tree, "today": today, "data": data,
        "buckets": [(key, labels[key]) for key in BUCKET_KEYS], "bucket_labels": labels, "qs_base": base,
        "courts": selectors.reportable_courts(user=request.user) if has_perm(request.user, Perm.REPORT_VIEW) else [],
    })


@login_required
def funds_ageing_cases_page(request):
    court, court_ids, base, tree = _courts(request)
    g = request.GET
    bucket = g.get("bucket", "")
    if bucket not in ("", *BUCKET_KEYS):
        raise Http404("Unknown bucket.")
    overdue = g.get("overdue") == "1"
    team_id, officer_id = _int(g.get("team")), _int(g.get("officer"))
    today = engine.today()
    labels = _bucket_labels()
    if g.get("format") == "csv":
        result = funds_ageing_cases(court_ids=court_ids, today=today, bucket=bucket, overdue=overdue,
                                    team_id=team_id, officer_id=officer_id, limit=100000)
        headers = [_("Case number"), _("Team"), _("Officer"), _("Held"), _("Receipts past the payout deadline")]
        rows = [[case.number, str(case.team or ""), str(case.officer or ""), held, n] for case, held, n in result.rows]
        return exports.response(headers, rows, name=f"{court.code}-funds-ageing-{bucket or 'all'}-{today}",
                                fmt="csv", title="")
    number = max(_int(g.get("page")) or 1, 1)
    result = funds_ageing_cases(court_ids=court_ids, today=today, bucket=bucket, overdue=overdue, team_id=team_id,
                                officer_id=officer_id, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    paginator = Paginator(range(result.count), PAGE_SIZE)
    page = Page(result.rows, number, paginator)
    query = g.copy()
    query.pop("page", None)
    parts = [labels[bucket] if bucket else _("All ages")]
    if overdue:
        parts.append(_("past the payout deadline"))
    return render(request, "reports/funds_ageing_cases.html", {
        "title": _("Case funds by age"), "court": court, "tree": tree, "today": today, "page": page,
        "total": result.count, "query": query.urlencode(), "qs_base": base, "subtitle": " · ".join(parts),
    })
