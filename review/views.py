"""Pages of objections and reconsideration: the list, registration from an enforcement case, the objection's page
with every step as a form (one POST address, ``op`` names the step), and the KPIs."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role, Team, TeamKind
from accounts.policy import Perm, Target, has_perm, require
from cases.forms import apply_errors
from cases.selectors import case_get_for_user
from core import idempotency

from . import forms, kpis, selectors, services
from .models import ObjectionKind, ObjectionStatus, SessionKind

PAGE_SIZE = 50


@login_required
def objection_list(request):
    if not has_perm(request.user, Perm.CASE_VIEW, None) and not has_perm(request.user, Perm.REVIEW_HANDLE, None):
        raise PermissionDenied
    status = request.GET.get("status", "")
    mine = request.GET.get("mine") == "rule"
    qs = (selectors.ruling_queue(user=request.user) if mine
          else selectors.objection_list(user=request.user, status=status, query=request.GET.get("q", "")))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "review/list.html", {
        "page": page, "status": status, "mine": mine, "statuses": ObjectionStatus.choices,
        "q": request.GET.get("q", ""), "today": timezone.localdate(), "total": page.paginator.count})


def _adjudication(case):
    teams = list(Team.objects.filter(court_id=case.court_id, kind=TeamKind.ADJUDICATION, is_active=True)
                 .order_by("name"))
    officers = list(get_user_model().objects.filter(teams__in=teams, is_active=True).distinct()
                    .order_by("full_name", "username"))
    officers = [u for u in officers if u.has_role(Role.OFFICER)]
    return teams, officers


@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request, case_pk: int):
    case = case_get_for_user(user=request.user, pk=case_pk)
    require(request.user, Perm.REVIEW_HANDLE, Target(court_id=case.court_id))
    require(request.user, Perm.CASE_REGISTER, Target(court_id=case.court_id))
    teams, officers = _adjudication(case)
    today = timezone.localdate()
    initial = {"received_on": today, "accepted_on": today, "form_token": idempotency.new_token()}
    if request.GET.get("disposal"):
        initial.update(contested_kind="disposal", disposal=request.GET["disposal"])
    form = forms.ObjectionForm(request.POST or None, case=case, teams=teams, officers=officers, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        team = next((t for t in teams if t.pk == d["team"]), None)
        officer = next((u for u in officers if u.pk == d.get("officer")), None)

        def work():
            objection = services.objection_register(
                actor=request.user, enforcement_case=case, kind=d["kind"], objector=d["objector"],
                objector_kind=d["objector_kind"], objector_phone=d["objector_phone"],
                contested_kind=d["contested_kind"], asset_id=d.get("asset"), disposal_id=d.get("disposal"),
                control_id=d.get("control"), contested_act=d["contested_act"], request=d["request"],
                grounds=d["grounds"], received_on=d["received_on"], accepted_on=d["accepted_on"],
                suspends=d["suspends"], suspension_reason=d["suspension_reason"], team=team, officer=officer)
            messages.success(request, _("Objection %(number)s registered.") % {"number": objection.case.number})
            return reverse("review:objection_detail", args=[objection.pk])

        try:
            target, _replayed = idempotency.form_once(request, endpoint="review:objection_new",
                                                      token=d["form_token"], work=work)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect(target)
    return render(request, "review/new.html", {"case": case, "form": form, "no_team": not teams},
                  status=400 if request.method == "POST" else 200)


def _forms(objection, user, data=None, files=None, op=None):
    """Each step's form, the posted one bound; only those the user may take in the objection's state."""
    token = {"form_token": idempotency.new_token()}
    today = timezone.localdate()
    pending = objection.status == ObjectionStatus.PENDING
    handle = has_perm(user, Perm.REVIEW_HANDLE, objection)
    rule = has_perm(user, Perm.REVIEW_RULE, objection)
    recon = getattr(objection, "reconsideration", None)
    out = {}

    def make(name, cls, initial):
        bound = op == name
        out[name] = cls(data if bound else None, files if bound else None, initial={**token, **initial})

    if pending and handle:
        make("session", forms.SessionForm, {"held_on": today, "kind": SessionKind.HEARING})
        if objection.papers_notice_on is None:
            make("papers", forms.DateOnlyForm, {"on": today})
        make("withdraw", forms.DateOnlyForm, {"on": today})
    if pending and rule:
        make("rule", forms.RuleForm, {"ruled_on": today})
    if objection.status == ObjectionStatus.RULED and handle and objection.served_on is None:
        make("serve", forms.DateOnlyForm, {"on": today})
    if objection.status == ObjectionStatus.RULED and objection.served_on and handle:
        if objection.kind == ObjectionKind.THIRD_PARTY and not objection.suit_ended_on:
            make("suit", forms.SuitForm, {})
        if objection.kind == ObjectionKind.ACT and recon is None:
            make("recon_apply", forms.ReconApplyForm, {"applied_on": today, "applicant": objection.objector})
    if recon is not None and recon.file_sent_on is None and handle:
        make("recon_send_up", forms.DateOnlyForm, {"on": today})
    if recon is not None and not recon.outcome and has_perm(user, Perm.REVIEW_RULE,
                                                            Target(court_id=recon.higher_court_id)):
        make("recon_decide", forms.ReconDecideForm, {"decided_on": today})
    if objection.status != ObjectionStatus.PENDING and objection.hold_active and rule:
        make("lift", forms.LiftForm, {})
    return out


def _detail(request, objection, *, bound=None, status=200):
    step_forms = bound if bound is not None else _forms(objection, request.user)
    recon = getattr(objection, "reconsideration", None)
    today = timezone.localdate()
    context = {
        "o": objection, "forms": step_forms, "recon": recon, "today": today,
        "sessions": list(objection.sessions.order_by("held_on", "pk")),
        "hold_in_force": objection.hold_active and (objection.hold_until is None or objection.hold_until >= today),
        "ruling_due": objection.received_on + timedelta(days=kpis.RULING_DAYS),
        "recon_last": (objection.served_on + timedelta(days=services.RECONSIDERATION_DAYS)
                       if objection.served_on else None),
        "suit_last": objection.served_on + timedelta(days=services.SUIT_DAYS) if objection.served_on else None,
        "can_issue": (objection.status == ObjectionStatus.RULED
                      and has_perm(request.user, Perm.NOTICE_ISSUE, objection.case)),
        "addressee_key": f"objection:{objection.pk}",
        "can_extend": (recon is not None and not recon.outcome and not recon.extended
                       and has_perm(request.user, Perm.REVIEW_RULE, Target(court_id=recon.higher_court_id))),
    }
    return render(request, "review/detail.html", context, status=status)


@login_required
def objection_detail(request, pk: int):
    return _detail(request, selectors.objection_get_for_user(user=request.user, pk=pk))


def _run(op: str, request, objection, d: dict):
    user = request.user
    recon = getattr(objection, "reconsideration", None)
    if op == "session":
        services.session_record(actor=user, objection=objection, kind=d["kind"], held_on=d["held_on"],
                                participants=d["participants"], minutes=d["minutes"],
                                minutes_file=d.get("minutes_file"), outcome=d["outcome"])
        return _("Recorded.")
    if op == "rule":
        services.objection_rule(actor=user, objection=objection, outcome=d["outcome"], ruled_on=d["ruled_on"],
                                reasons=d["reasons"])
        return _("Ruling recorded: issue the ruling document below.")
    if op == "papers":
        services.objection_papers_notice(actor=user, objection=objection, notice_on=d["on"])
        return _("Recorded.")
    if op == "withdraw":
        services.objection_withdraw(actor=user, objection=objection, withdrawn_on=d["on"])
        return _("Withdrawal recorded.")
    if op == "serve":
        services.objection_serve(actor=user, objection=objection, served_on=d["on"])
        return _("Service recorded.")
    if op == "suit":
        services.objection_suit_record(actor=user, objection=objection, filed_on=d.get("filed_on"),
                                       ended_on=d.get("ended_on"))
        return _("Recorded.")
    if op == "lift":
        services.objection_hold_lift(actor=user, objection=objection, reason=d["reason"])
        return _("Suspension lifted.")
    if op == "recon_apply":
        services.reconsideration_apply(actor=user, objection=objection, applicant=d["applicant"],
                                       applied_on=d["applied_on"])
        return _("Application for reconsideration recorded.")
    if op == "recon_send_up":
        services.reconsideration_send_up(actor=user, reconsideration=recon, sent_on=d["on"])
        return _("Recorded.")
    if op == "recon_decide":
        services.reconsideration_decide(actor=user, reconsideration=recon, outcome=d["outcome"],
                                        decided_on=d["decided_on"], higher_number=d["higher_number"])
        return _("Decision recorded.")
    raise Http404


@login_required
@require_POST
def objection_act(request, pk: int):
    objection = selectors.objection_get_for_user(user=request.user, pk=pk)
    op = request.POST.get("op", "")
    if op == "recon_extend":
        recon = getattr(objection, "reconsideration", None)
        if recon is None:
            raise Http404
        try:
            services.reconsideration_extend(actor=request.user, reconsideration=recon)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("review:objection_detail", pk=objection.pk)
    step_forms = _forms(objection, request.user, request.POST, request.FILES, op)
    form = step_forms.get(op)
    if form is None:
        # The step is not open to this user in this state: a stale page or another person's step.
        if op in ("rule", "lift", "recon_decide"):
            raise PermissionDenied
        messages.error(request, _("This step is not open any more; the page shows the objection as it is now."))
        return redirect("review:objection_detail", pk=objection.pk)
    if form.is_valid():
        d = form.cleaned_data
        notice: list[str] = []

        def work():
            notice.append(_run(op, request, objection, d))
            return reverse("review:objection_detail", args=[objection.pk])

        try:
            target, replayed = idempotency.form_once(request, endpoint=f"review:objection_act:{op}",
                                                     token=d.get("form_token"), work=work)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            if notice:
                messages.success(request, notice[0])
            return redirect(target)
    return _detail(request, objection, bound=step_forms, status=400)


@login_required
def kpi_page(request):
    require(request.user, Perm.REPORT_VIEW, Target(court_id=request.user.court_id))
    today = timezone.localdate()
    form = forms.KpiForm(request.GET or None, initial={"start": date(today.year, 1, 1), "end": today, "by": "team"})
    start, end, by = date(today.year, 1, 1), today, "team"
    if request.GET and form.is_valid():
        start, end, by = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["by"] or "team"
        if end < start:
            form.add_error("end", _("The end of the period cannot precede its start."))
    rows = [] if form.errors else kpis.objection_kpis(user=request.user, start=start, end=end, by=by)
    return render(request, "review/kpis.html", {"form": form, "rows": rows[:-1], "total": rows[-1] if rows else None,
                                                 "by": by, "start": start, "end": end},
                  status=400 if form.errors else 200)
