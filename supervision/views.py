"""Pages of the supervision app. Thin: parse the form, call a service or selector, render. Service errors are shown
next to their fields (``errors``) and nothing is saved; creating forms carry a one-time token (double submit = once).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from accounts.policy import Perm, has_perm
from cases.models import Case
from core import idempotency

from . import selectors, services
from .models import DispatchKind, OrderStatus

GP = ["GET", "POST"]


def _errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": exc.messages}


def _once(request, endpoint: str, work) -> str:
    target, replayed = idempotency.form_once(request, endpoint=endpoint, token=request.POST.get("form_token"),
                                             work=work)
    if replayed:
        messages.info(request, _("This form was already submitted; nothing was recorded twice."))
    return target


def _case_by_number(user, raw: str, perm: Perm) -> Case | None:
    """A case the user may see, by its number (or id); ValidationError naming ``case`` otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return None
    case = (Case.objects.filter(number=raw).first() if not raw.isdigit() else Case.objects.filter(pk=raw).first())
    if case is None or not has_perm(user, Perm.CASE_VIEW, case):
        raise ValidationError({"case": [_("No case with this number that you can see.")]})
    if not has_perm(user, perm, case):
        raise ValidationError({"case": [_("You may not do this on that case.")]})
    return case


def _local_dt(raw: str, field: str) -> datetime:
    value = parse_datetime((raw or "").strip()) if raw else None
    if value is None:
        raise ValidationError({field: [_("Enter a valid date and time.")]})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


# --- supervision orders --------------------------------------------------------------------------------------

ORDER_TITLES = {"all": _("Supervision orders"), "answer": _("Supervision orders to answer"),
                "overdue": _("Overdue supervision replies"), "close": _("Answered orders to accept")}


@login_required
@require_GET
def order_list(request):
    view = request.GET.get("view", "all")
    if view not in selectors.ORDER_VIEWS:
        view = "all"
    qs = selectors.ORDER_VIEWS[view](request.user, None).order_by("reply_due", "id") if view != "all" else \
        selectors.order_list_for_user(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/order_list.html", {
        "title": ORDER_TITLES[view], "page": page, "view": view, "views": ORDER_TITLES,
        "today": timezone.localdate(), "may_order": has_perm(request.user, Perm.SUPERVISION_ORDER)})


@login_required
@require_http_methods(GP)
def order_new(request):
    if not has_perm(request.user, Perm.SUPERVISION_ORDER):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    errors, case, petitions = {}, None, []
    try:
        case = _case_by_number(request.user, data.get("case", ""), Perm.SUPERVISION_ORDER)
    except ValidationError as exc:
        errors = _errors(exc)
    if case is not None:
        petitions = list(case.petitions.order_by("-received_on"))
    if request.method == "POST" and not errors:
        try:
            if case is None:
                raise ValidationError({"case": [_("Enter the case number.")]})

            def work():
                order = services.order_open(actor=request.user, case=case, instructions=data.get("instructions"),
                                            reply_due=data.get("reply_due"),
                                            petition_ids=[p for p in data.getlist("petitions") if p.isdigit()])
                messages.success(request, _("Supervision order %(number)s opened.") % {"number": order.number})
                return reverse("supervision:order_detail", args=[order.pk])

            return redirect(_once(request, "supervision.order_new", work))
        except ValidationError as exc:
            errors = _errors(exc)
    default_due = (timezone.localdate() + timedelta(days=10)).isoformat()
    return render(request, "supervision/order_new.html", {
        "title": _("Open a supervision order"), "data": data, "errors": errors, "case": case,
        "petitions": petitions, "default_due": default_due, "form_token": idempotency.new_token()},
        status=400 if errors and request.method == "POST" else 200)


@login_required
@require_GET
def order_detail(request, pk: int):
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    return _order_page(request, order)


def _letters(order) -> list:
    """The 督办函 issued for the order (notices' register, read by label: notices is a higher floor), one per round."""
    from django.apps import apps

    return list(apps.get_model("notices", "IssuedDocument").objects.filter(
        case_id=order.case_id, doc_type="supervision_letter", addressee_key__startswith=f"supervision:{order.pk}:",
        superseded_by__isnull=True).order_by("id"))


def _order_page(request, order, errors=None, status=200):
    user = request.user
    letters = _letters(order)
    current_key = f"supervision:{order.pk}:{order.round}"
    return render(request, "supervision/order_detail.html", {
        "letters": letters, "form_token": idempotency.new_token(),
        "may_letter": (order.status == OrderStatus.OPEN and not any(d.addressee_key == current_key for d in letters)
                       and services.may_decide(user, order)),
        "title": order.number, "order": order, "errors": errors or {}, "today": timezone.localdate(),
        "may_reply": order.status == OrderStatus.OPEN and has_perm(user, Perm.CASE_ACT, order.case),
        "may_decide": order.status == OrderStatus.REPLIED and services.may_decide(user, order),
        "escalations": order.escalations.prefetch_related("recipients"), "attachments": order.attachments.all(),
        "petitions": order.petitions.all(), "data": request.POST,
        "default_due": (timezone.localdate() + timedelta(days=7)).isoformat()}, status=status)


def _order_action(request, pk: int, perm: Perm, fn):
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    if not has_perm(request.user, perm, order.case):
        raise PermissionDenied
    try:
        fn(order)
    except ValidationError as exc:
        return _order_page(request, order, _errors(exc), status=400)
    return redirect("supervision:order_detail", pk=order.pk)


@login_required
@require_POST
def order_reply(request, pk: int):
    def run(order):
        services.order_reply(actor=request.user, order=order, reply=request.POST.get("reply"),
                             attachments=request.FILES.getlist("attachments"))
        messages.success(request, _("Your reply has been recorded."))
    return _order_action(request, pk, Perm.CASE_ACT, run)


@login_required
@require_POST
def order_close(request, pk: int):
    def run(order):
        services.order_close(actor=request.user, order=order, note=request.POST.get("note", ""))
        messages.success(request, _("The supervision order is closed."))
    return _order_action(request, pk, Perm.SUPERVISION_ORDER, run)


@login_required
@require_POST
def order_reopen(request, pk: int):
    def run(order):
        services.order_reopen(actor=request.user, order=order, instructions=request.POST.get("instructions"),
                              reply_due=request.POST.get("reply_due"))
        messages.success(request, _("The supervision order is reopened."))
    return _order_action(request, pk, Perm.SUPERVISION_ORDER, run)


@login_required
@require_GET
def attachment(request, pk: int):
    """A reply's file, for those who see the order."""
    from django.http import FileResponse, Http404

    from .models import SupervisionAttachment

    att = SupervisionAttachment.objects.select_related("order").filter(pk=pk).first()
    if att is None or not selectors.order_list_for_user(user=request.user).filter(pk=att.order_id).exists():
        raise Http404("No such file.")
    response = FileResponse(att.file.open("rb"), content_type=att.content_type, as_attachment=False,
                            filename=att.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'self'; sandbox"
    return response


# --- dispatch ------------------------------------------------------------------------------------------------

def _require_dispatch(user):
    if not has_perm(user, Perm.DISPATCH):
        raise PermissionDenied


@login_required
@require_GET
def board(request):
    """The command centre's board: open tickets, the most urgent first, refreshed by htmx every 30 s."""
    _require_dispatch(request.user)
    view = "escalated" if request.GET.get("view") == "escalated" else "open"
    qs = selectors.tickets_escalated(user=request.user) if view == "escalated" else selectors.tickets_open(
        user=request.user)
    tickets = list(qs[:200])
    context = {"title": _("Command centre"), "tickets": tickets, "now": timezone.now(), "view": view,
               "count": qs.count(),
               "on_duty": services.on_duty(request.user.court_id, timezone.now())}
    if request.headers.get("HX-Request"):
        return render(request, "supervision/_board_rows.html", context)
    return render(request, "supervision/board.html", context)


def _officers(court_id):
    return User.objects.filter(court_id=court_id, is_active=True, roles__overlap=[Role.OFFICER]).order_by(
        "full_name", "id")


@login_required
@require_http_methods(GP)
def ticket_new(request):
    _require_dispatch(request.user)
    data = request.POST if request.method == "POST" else request.GET
    errors = {}
    if request.method == "POST":
        try:
            case = _case_by_number(request.user, data.get("case", ""), Perm.CASE_VIEW)

            def work():
                ticket = services.ticket_dispatch(
                    actor=request.user, kind=data.get("kind", ""), report=data.get("report"),
                    officer_id=data.get("officer"), case=case, reporter_name=data.get("reporter_name", ""),
                    reporter_phone=data.get("reporter_phone", ""), location=data.get("location", ""),
                    off_roster_reason=data.get("off_roster_reason", ""))
                messages.success(request, _("Dispatch %(number)s sent to %(officer)s.") % {
                    "number": ticket.number, "officer": ticket.dispatched_to.display_name})
                return reverse("supervision:board")

            return redirect(_once(request, "supervision.ticket_new", work))
        except ValidationError as exc:
            errors = _errors(exc)
    duty = services.on_duty(request.user.court_id, timezone.now())
    return render(request, "supervision/ticket_new.html", {
        "title": _("New dispatch"), "data": data, "errors": errors, "kinds": DispatchKind.choices,
        "officers": _officers(request.user.court_id), "on_duty": duty, "on_duty_ids": {u.pk for u in duty},
        "form_token": idempotency.new_token()}, status=400 if errors else 200)


@login_required
@require_GET
def ticket_detail(request, pk: int):
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    return _ticket_page(request, ticket)


def _ticket_page(request, ticket, errors=None, status=200):
    return render(request, "supervision/ticket_detail.html", {
        "title": ticket.number, "ticket": ticket, "errors": errors or {}, "now": timezone.now(),
        "is_officer": ticket.dispatched_to_id == request.user.pk}, status=status)


@login_required
@require_POST
def ticket_ack(request, pk: int):
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    first = ticket.acknowledged_at is None
    ticket = services.ticket_acknowledge(actor=request.user, ticket=ticket)
    if first:
        messages.success(request, _("Confirmed. Report back when you have been there."))
    return redirect("supervision:ticket_detail", pk=ticket.pk)


@login_required
@require_POST
def ticket_report(request, pk: int):
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    if ticket.dispatched_to_id != request.user.pk:
        raise PermissionDenied
    try:
        services.ticket_report_back(actor=request.user, ticket=ticket, result=request.POST.get("result"))
    except ValidationError as exc:
        return _ticket_page(request, ticket, _errors(exc), status=400)
    messages.success(request, _("The result has been reported."))
    return redirect("supervision:ticket_detail", pk=ticket.pk)


@login_required
@require_GET
def my_tickets(request):
    if not has_perm(request.user, Perm.CASE_ACT):
        raise PermissionDenied
    view = "ack" if request.GET.get("view") == "ack" else "all"
    tickets = (selectors.tickets_to_acknowledge(user=request.user) if view == "ack" else
               selectors.ticket_list_for_user(user=request.user).filter(dispatched_to=request.user).order_by(
                   "reported_back_at", "-dispatched_at"))
    page = Paginator(tickets, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/my_tickets.html", {"title": _("My dispatches"), "page": page,
                                                           "view": view, "now": timezone.now()})


@login_required
@require_GET
def stats(request):
    _require_dispatch(request.user)
    days = request.GET.get("days", "30")
    days = int(days) if days.isdigit() and 1 <= int(days) <= 366 else 30
    rows = selectors.response_stats(user=request.user, since=timezone.now() - timedelta(days=days))
    return render(request, "supervision/stats.html", {"title": _("Time to respond"), "rows": rows, "days": days})


@login_required
@require_http_methods(GP)
def roster(request):
    _require_dispatch(request.user)
    errors, data = {}, request.POST
    if request.method == "POST":
        try:
            services.shift_add(actor=request.user, officer_id=data.get("officer"),
                               starts_at=_local_dt(data.get("starts_at"), "starts_at"),
                               ends_at=_local_dt(data.get("ends_at"), "ends_at"))
            messages.success(request, _("The shift has been added to the roster."))
            return redirect("supervision:roster")
        except ValidationError as exc:
            errors = _errors(exc)
    shifts = selectors.shift_list_for_user(user=request.user).filter(ends_at__gte=timezone.now() - timedelta(days=7))
    return render(request, "supervision/roster.html", {
        "title": _("Duty roster"), "shifts": shifts[:200], "officers": _officers(request.user.court_id),
        "errors": errors, "data": data, "now": timezone.now()}, status=400 if errors else 200)


@login_required
@require_POST
def shift_cancel(request, pk):
    """Take a shift off the roster (void before it starts, ended now while it runs), with a reason."""
    _require_dispatch(request.user)
    shift = get_object_or_404(selectors.shift_list_for_user(user=request.user), pk=pk)
    try:
        shift = services.shift_cancel(actor=request.user, shift=shift, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for messages_ in _errors(exc).values():
            for message in messages_:
                messages.error(request, message)
        return redirect("supervision:roster")
    messages.success(request, _("The shift has been taken off the roster.") if shift.void
                     else _("The shift has been ended now."))
    return redirect("supervision:roster")


# --- reception day -------------------------------------------------------------------------------------------

def _require_reception(user):
    if not has_perm(user, Perm.RECEPTION_RECORD):
        raise PermissionDenied


@login_required
@require_http_methods(GP)
def reception_list(request):
    _require_reception(request.user)
    errors, data = {}, request.POST
    if request.method == "POST":
        try:
            day = services.reception_day_create(actor=request.user, held_on=data.get("held_on"),
                                                chief_id=data.get("chief"), place=data.get("place", ""))
            return redirect("supervision:reception_day", pk=day.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    page = Paginator(selectors.day_list_for_user(user=request.user), 30).get_page(request.GET.get("page"))
    chiefs = User.objects.filter(court_id=request.user.court_id, roles__contains=[Role.CHIEF], is_active=True)
    return render(request, "supervision/reception_list.html", {
        "title": _("Reception days"), "page": page, "chiefs": chiefs, "errors": errors, "data": data,
        "today": timezone.localdate()}, status=400 if errors else 200)


@login_required
@require_http_methods(GP)
def reception_day(request, pk: int):
    day = selectors.day_get_for_user(user=request.user, pk=pk)
    errors, data = {}, request.POST
    if request.method == "POST":
        try:
            case = _case_by_number(request.user, data.get("case", ""), Perm.CASE_VIEW)

            def work():
                services.visit_add(actor=request.user, day=day, visitor_name=data.get("visitor_name"),
                                   visitor_phone=data.get("visitor_phone", ""), case=case, matter=data.get("matter"),
                                   promised=data.get("promised"), followup_due=data.get("followup_due"),
                                   responsible_id=data.get("responsible"))
                messages.success(request, _("The visit has been recorded."))
                return reverse("supervision:reception_day", args=[day.pk])

            return redirect(_once(request, "supervision.visit_add", work))
        except ValidationError as exc:
            errors = _errors(exc)
    return render(request, "supervision/reception_day.html", {
        "title": _("Reception day %(date)s") % {"date": day.held_on.isoformat()}, "day": day,
        "visits": day.visits.select_related("case", "responsible"), "errors": errors, "data": data,
        "officers": _officers(day.court_id), "today": timezone.localdate(),
        "default_due": (day.held_on + timedelta(days=15)).isoformat(), "form_token": idempotency.new_token()},
        status=400 if errors else 200)


@login_required
@require_GET
def followups(request):
    view = "overdue" if request.GET.get("view") == "overdue" else "open"
    qs = (selectors.followups_overdue(user=request.user) if view == "overdue"
          else selectors.followups_open(user=request.user))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/followups.html", {
        "title": _("Overdue reception follow-ups") if view == "overdue" else _("Reception follow-ups"),
        "page": page, "view": view, "today": timezone.localdate()})


@login_required
@require_http_methods(GP)
def visit_detail(request, pk: int):
    visit = selectors.visit_get_for_user(user=request.user, pk=pk)
    errors = {}
    if request.method == "POST":
        if not services.may_follow_up(request.user, visit):
            raise PermissionDenied
        try:
            services.visit_follow_up(actor=request.user, visit=visit, note=request.POST.get("followup_note"),
                                     done_on=request.POST.get("followup_done_on") or None)
            messages.success(request, _("The follow-up has been recorded."))
            return redirect("supervision:visit_detail", pk=visit.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    return render(request, "supervision/visit_detail.html", {
        "title": visit.visitor_name, "visit": visit, "errors": errors, "data": request.POST,
        "may_follow_up": visit.followup_done_on is None and services.may_follow_up(request.user, visit),
        "today": timezone.localdate()}, status=400 if errors else 200)

