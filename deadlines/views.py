"""Pages: my deadlines (list and month calendar), the chief's overdue list, notifications, the case panel refresh."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Team
from accounts.policy import Perm, has_perm

from . import selectors, services
from .models import DeadlineKind


def _month_arg(raw: str | None, today: date) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in (raw or "").split("-"))
        date(year, month, 1)
        if not 2000 <= year <= 2049:
            raise ValueError
        return year, month
    except (TypeError, ValueError):
        return today.year, today.month


def _shift(year: int, month: int, n: int) -> str:
    index = year * 12 + month - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
def mine(request):
    user = request.user
    today = timezone.localdate()
    view = "calendar" if request.GET.get("view") == "calendar" else "list"
    red_days = selectors.red_days_for(user)
    context = {"title": _("My deadlines"), "view": view, "today": today}
    if view == "calendar":
        year, month = _month_arg(request.GET.get("month"), today)
        rows = selectors.deadline_mine_month(user=user, year=year, month=month)
        context.update({
            "weeks": selectors.month_grid(year=year, month=month, deadlines=rows, today=today, red_days=red_days,
                                          working_calendar=services.calendar_for(user.court_id)),
            "month_start": date(year, month, 1), "prev_month": _shift(year, month, -1),
            "next_month": _shift(year, month, 1), "this_month": f"{today.year:04d}-{today.month:02d}",
        })
    else:
        include_done = request.GET.get("done") == "1"
        show = request.GET.get("show") if request.GET.get("show") in selectors.MINE_SHOWS else ""
        page = Paginator(selectors.deadline_mine(user=user, include_done=include_done, show=show or None,
                                                 today=today), 50).get_page(request.GET.get("page"))
        items = selectors.deadline_describe_rows(page.object_list, today=today, red_days=red_days)
        # totals over all the user's deadlines, from the selector the home page and the menu badge use
        counts = selectors.deadline_mine_counts(user=user, today=today, red_days=red_days)
        context.update({"items": items, "page": page, "include_done": include_done, "counts": counts,
                        "show": show, "total": page.paginator.count})
    return render(request, "deadlines/mine.html", context)


@login_required
def overdue(request):
    user = request.user
    if not has_perm(user, Perm.REPORT_VIEW):
        raise PermissionDenied
    team_id = request.GET.get("team") or None
    kind = request.GET.get("kind") or None
    if kind and kind not in DeadlineKind.values:
        kind = None
    try:
        team_id = int(team_id) if team_id else None
    except ValueError:
        team_id = None
    qs = selectors.deadline_overdue_list(user=user, team_id=team_id, kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    items = selectors.deadline_describe_rows(page.object_list, today=today, red_days=selectors.red_days_for(user))
    teams = Team.objects.filter(court_id=user.court_id, is_active=True).order_by("name")
    return render(request, "deadlines/overdue.html", {
        "title": _("Overdue deadlines"), "items": items, "page": page, "teams": teams, "kinds": DeadlineKind.choices,
        "team_id": team_id, "kind": kind or "", "total": page.paginator.count, "today": today,
    })


@login_required
def notifications(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notification_list_for_user(user=request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page"))
    rows = _notification_rows(list(page.object_list), request.user)
    return render(request, "deadlines/notifications.html", {
        "title": _("Notifications"), "rows": rows, "page": page, "unread_only": unread_only,
    })


def _notification_rows(notes, user):
    deadlines = [n.deadline for n in notes if n.deadline_id]
    described = {it.deadline.pk: it for it in selectors.deadline_describe_rows(deadlines)}
    summary_url = selectors.notification_summary_url(user) if any(n.more for n in notes) else ""
    return [{"n": n, "item": described.get(n.deadline_id), "text": selectors.notification_text(n),
             "url": summary_url if n.more else ""} for n in notes]


@login_required
@require_POST
def notification_read(request, pk: int):
    try:
        note = services.notification_mark_read(actor=request.user, notification_id=pk)
    except ValidationError:
        raise Http404 from None
    if request.htmx:
        row = _notification_rows([selectors.notification_list_for_user(user=request.user).get(pk=note.pk)],
                                 request.user)[0]
        response = render(request, "deadlines/partials/notification_row.html", {"row": row})
        response["HX-Trigger"] = "notificationsChanged"
        return response
    if note.more:
        target = selectors.notification_summary_url(request.user)
    else:
        # the deadline's own page (a delegation's, for the receiving court that cannot open the sending case)
        target = (selectors.deadline_href(note.deadline) if note.deadline_id
                  else note.case_id and reverse("cases:detail", args=[note.case_id]) + "?tab=deadlines")
    if request.POST.get("open") and target:
        return HttpResponseRedirect(target)
    return redirect("deadlines:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    n = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("%(n)s notification(s) marked read.") % {"n": n})
    return redirect("deadlines:notifications")


@login_required
@require_POST
def case_recompute(request, pk: int):
    from cases.selectors import case_get_for_user

    case = case_get_for_user(user=request.user, pk=pk)
    result = services.deadlines_recompute_for_case(actor=request.user, case=case)
    if result.skipped:
        messages.info(request, _("The deadline scan is running; the deadlines will be updated in a moment."))
    else:
        messages.success(request, _("Deadlines recomputed."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "?tab=deadlines")

