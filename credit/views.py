"""Pages of the credit app: the case tab, lists (measures, approvals, removals), a measure's page with its steps,
correction requests, the publication register and its export, and the public 曝光台."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Court
from accounts.policy import Perm, has_perm
from cases import selectors as case_selectors
from cases.forms import apply_errors
from cases.models import PartyKind, PartyRole
from core import idempotency

from . import exchange, selectors, services
from .services._common import public_generation
from .forms import REMOVAL_CHOICES, SERVICE_CHOICES, CorrectionForm, ProposeForm
from .models import (
    IN_FORCE, CorrectionStatus, CreditMeasure, MeasureKind, MeasureStatus, RemovalGround,
)

PUBLIC_PAGE_SIZE = 20
PUBLIC_MAX_PAGES = 50
PUBLIC_CACHE_SECONDS = 60
PUBLIC_RATE = 60  # requests per client address per minute


def _can(user, measure) -> dict:
    case = measure.case
    decide = has_perm(user, Perm.CREDIT_DECIDE, case)
    propose = has_perm(user, Perm.CREDIT_PROPOSE, case)
    publish = has_perm(user, Perm.CREDIT_PUBLISH, case)
    s = measure.status
    return {
        "approve": decide and s == MeasureStatus.PROPOSED and measure.proposed_by_id != user.pk,
        "decide": decide and s == MeasureStatus.APPROVED,
        "serve": (publish or propose) and s == MeasureStatus.DECIDED,
        "publish": publish and s == MeasureStatus.SERVED and measure.kind == MeasureKind.DISHONEST,
        "open_removal": propose and s in (MeasureStatus.DECIDED, MeasureStatus.SERVED, MeasureStatus.PUBLISHED),
        "remove": decide and s == MeasureStatus.REMOVAL_OPEN,
        "correction": (propose or publish) and s in IN_FORCE,
    }


def tab_context(request, case) -> dict:
    measures = list(selectors.measures_for_party(case=case).select_related("case"))
    for m in measures:
        m.can = _can(request.user, m)
    listed = {m.case_party_id for m in measures if m.kind == MeasureKind.DISHONEST and m.in_force}
    restricted = {m.case_party_id for m in measures if m.kind == MeasureKind.RESTRICTION and m.in_force}
    return {"measures": measures, "can_propose": has_perm(request.user, Perm.CREDIT_PROPOSE, case) and case.is_open,
            "unrestricted_listed": bool(listed - restricted)}


# --- lists ------------------------------------------------------------------------------------------------------

def _page(request, qs, size=50):
    return Paginator(qs, size).get_page(request.GET.get("page"))


@login_required
@require_GET
def measure_list(request):
    status = request.GET.get("status") if request.GET.get("status") in MeasureStatus.values else None
    kind = request.GET.get("kind") if request.GET.get("kind") in MeasureKind.values else None
    page = _page(request, selectors.measure_list_for_user(user=request.user, status=status, kind=kind))
    return render(request, "credit/list.html", {
        "title": _("Dishonest listings and restrictions"), "page": page, "status": status or "", "kind": kind or "",
        "statuses": MeasureStatus.choices, "kinds": MeasureKind.choices, "count": page.paginator.count})


@login_required
@require_GET
def approvals(request):
    if not has_perm(request.user, Perm.CREDIT_DECIDE):
        raise PermissionDenied
    page = _page(request, selectors.approvals_waiting(user=request.user))
    return render(request, "credit/list.html", {"title": _("Listings and restrictions awaiting approval"),
                                                "page": page, "count": page.paginator.count, "queue": True})


@login_required
@require_GET
def removals(request):
    if not (has_perm(request.user, Perm.CREDIT_DECIDE) or has_perm(request.user, Perm.CREDIT_PROPOSE)):
        raise PermissionDenied
    overdue = request.GET.get("show") == "overdue"
    qs = (selectors.removals_overdue(user=request.user) if overdue else selectors.removals_open(user=request.user))
    page = _page(request, qs)
    return render(request, "credit/removals.html", {
        "title": _("Overdue removals") if overdue else _("Removals due"), "page": page,
        "count": page.paginator.count, "overdue": overdue, "today": timezone.localdate()})


# --- one measure --------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def propose(request, pk: int):
    case = case_selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CREDIT_PROPOSE)
    debtors = list(case.case_parties.filter(role=PartyRole.RESPONDENT).select_related("party"))
    form = ProposeForm(request.POST or None, debtors=debtors, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cp = next(c for c in debtors if c.pk == d["case_party"])

        def work() -> str:
            m = services.measure_propose(
                actor=request.user, case=case, case_party=cp, kind=d["kind"], ground=d["ground"],
                extension_years=d["extension_years"] or 0, conduct=d["conduct"], reasons=d["reasons"],
                obligation=d["obligation"], performance=d["performance"], persons=form.persons(),
                applied_on=d.get("applied_on"))
            return reverse("credit:detail", args=[m.pk])
        try:
            target, _replayed = idempotency.form_once(request, endpoint="credit:propose", token=d["form_token"],
                                                      work=work)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Proposal sent for approval."))
            return redirect(target)
    return render(request, "credit/propose.html", {"title": _("Propose a listing or restriction"), "case": case,
                                                   "form": form, "person_rows": [1, 2, 3]})


@login_required
@require_GET
def detail(request, pk: int):
    m = selectors.measure_get_for_user(user=request.user, pk=pk)
    m.can = _can(request.user, m)
    return render(request, "credit/detail.html", {
        "title": f"{m.get_kind_display()} · {m.case_party.party.name}", "m": m, "today": timezone.localdate(),
        "service_choices": SERVICE_CHOICES, "removal_choices": [
            c for c in REMOVAL_CHOICES if m.kind == MeasureKind.RESTRICTION or c[0] != RemovalGround.GUARANTEE],
        "corrections": m.corrections.order_by("-received_on", "-id"),
        "timeline": m.case.events.filter(type__startswith="credit_", parameters__measure_id=m.pk)
        .order_by("at", "id")})


def _step(request, pk: int, work, done: str):
    m = selectors.measure_get_for_user(user=request.user, pk=pk)
    try:
        work(m)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("credit:detail", pk=m.pk)


@login_required
@require_POST
def approve(request, pk: int):
    return _step(request, pk, lambda m: services.measure_approve(actor=request.user, measure=m), _("Approved."))


@login_required
@require_POST
def reject(request, pk: int):
    return _step(request, pk, lambda m: services.measure_reject(actor=request.user, measure=m,
                                                                reason=request.POST.get("reason", "")),
                 _("Rejected."))


@login_required
@require_POST
def decide(request, pk: int):
    return _step(request, pk, lambda m: services.measure_decide(
        actor=request.user, measure=m, decided_on=request.POST.get("decided_on") or None,
        document_number=request.POST.get("document_number", "")), _("Decision issued."))


@login_required
@require_POST
def serve(request, pk: int):
    return _step(request, pk, lambda m: services.measure_serve(
        actor=request.user, measure=m, served_on=request.POST.get("served_on") or None,
        method=request.POST.get("method", "")), _("Service recorded."))


@login_required
@require_POST
def publish(request, pk: int):
    return _step(request, pk, lambda m: services.measure_publish(
        actor=request.user, measure=m, published_on=request.POST.get("published_on") or None), _("Published."))


@login_required
@require_POST
def removal_open(request, pk: int):
    return _step(request, pk, lambda m: services.removal_open(
        actor=request.user, measure=m, ground=request.POST.get("ground", ""),
        arose_on=request.POST.get("arose_on") or None, note=request.POST.get("note", "")), _("Removal opened."))


@login_required
@require_POST
def remove(request, pk: int):
    return _step(request, pk, lambda m: services.measure_remove(
        actor=request.user, measure=m, removed_on=request.POST.get("removed_on") or None,
        document_number=request.POST.get("document_number", "")), _("Removed."))


# --- corrections --------------------------------------------------------------------------------------------------

@login_required
@require_GET
def corrections(request):
    status = request.GET.get("status") if request.GET.get("status") in CorrectionStatus.values else None
    qs = (selectors.correction_list_for_user(user=request.user, status=status) if status
          else selectors.corrections_pending(user=request.user))
    page = _page(request, qs)
    return render(request, "credit/corrections.html", {"title": _("Correction requests"), "page": page,
                                                       "count": page.paginator.count, "status": status or "",
                                                       "statuses": CorrectionStatus.choices})


@login_required
@require_http_methods(["GET", "POST"])
def correction_new(request, pk: int):
    m = selectors.measure_get_for_user(user=request.user, pk=pk)
    if not (has_perm(request.user, Perm.CREDIT_PROPOSE, m.case) or has_perm(request.user, Perm.CREDIT_PUBLISH, m.case)):
        raise PermissionDenied
    form = CorrectionForm(request.POST or None, request.FILES or None,
                          initial={"received_on": timezone.localdate(), "name": m.case_party.party.name})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def work() -> str:
            req = services.correction_submit(measure=m, name=d["name"], phone=d["phone"], grounds=d["grounds"],
                                             relation=d["relation"], files=request.FILES.getlist("files"),
                                             channel="counter", submitted_by=request.user,
                                             received_on=d["received_on"])
            return reverse("credit:correction_detail", args=[req.pk])
        try:
            target, _replayed = idempotency.form_once(request, endpoint="credit:correction_new",
                                                      token=d["form_token"], work=work)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Correction request recorded: review within 15 days."))
            return redirect(target)
    return render(request, "credit/correction_form.html", {"title": _("Record a correction request"), "m": m,
                                                           "form": form})


@login_required
@require_GET
def correction_detail(request, pk: int):
    req = selectors.correction_get_for_user(user=request.user, pk=pk)
    decide = has_perm(request.user, Perm.CREDIT_DECIDE, req.measure.case)
    return render(request, "credit/correction_detail.html", {
        "title": _("Correction request"), "req": req, "m": req.measure,
        "can_review": decide and req.status == CorrectionStatus.PENDING,
        "can_fix": decide and req.status == CorrectionStatus.WELL_FOUNDED})


def _correction_step(request, pk: int, work, done: str):
    req = selectors.correction_get_for_user(user=request.user, pk=pk)
    try:
        work(req)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("credit:correction_detail", pk=req.pk)


@login_required
@require_POST
def correction_review(request, pk: int):
    well = request.POST.get("decision") == "well_founded"
    return _correction_step(request, pk, lambda r: services.correction_review(
        actor=request.user, request=r, well_founded=well, reasons=request.POST.get("reasons", "")),
        _("Review recorded."))


@login_required
@require_POST
def correction_fix(request, pk: int):
    return _correction_step(request, pk, lambda r: services.correction_fix(
        actor=request.user, request=r, correction=request.POST.get("correction", ""),
        conduct=request.POST.get("conduct"), performance=request.POST.get("performance"),
        remove=request.POST.get("remove") == "1"), _("Correction recorded."))


# --- publication register -----------------------------------------------------------------------------------------

def _register_court(request):
    if not has_perm(request.user, Perm.CREDIT_PUBLISH):
        raise PermissionDenied
    return request.user.court


@login_required
@require_GET
def register(request):
    court = _register_court(request)
    page = _page(request, selectors.publication_register(user=request.user, court=court))
    return render(request, "credit/register.html", {"title": _("Publication register"), "page": page,
                                                    "count": page.paginator.count, "court": court})


@login_required
@require_GET
def register_export(request):
    """The register since ``?since=`` (a date; default: everything) as a ZIP in the national list's format."""
    court = _register_court(request)
    since = None
    if request.GET.get("since"):
        from datetime import date
        try:
            since = date.fromisoformat(request.GET["since"])
        except ValueError:
            return HttpResponse(_("since: enter a date as YYYY-MM-DD."), status=400,
                                content_type="text/plain; charset=utf-8")
    rows = selectors.publication_register(user=request.user, court=court, since=since)
    name, data, _count = exchange.export_zip(rows, court=court)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the public 曝光台 --------------------------------------------------------------------------------------------

def _throttled(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        address = request.META.get("REMOTE_ADDR", "") or "unknown"
        key = f"credit:public:{address}:{int(timezone.now().timestamp() // 60)}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
        if count > PUBLIC_RATE:
            response = HttpResponse(_("Too many requests: try again in a minute."), status=429,
                                    content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)
    return wrapper


def public_rows(measures) -> list[dict]:
    """Only what the rules allow to be shown: never a person's full identifier number."""
    rows = []
    for m in measures:
        party = m.case_party.party
        person = party.kind == PartyKind.PERSON
        rows.append({
            "name": party.name, "person": person,
            "id_masked": exchange.mask_id(party.id_kind, party.id_number, person=person),
            "legal_representative": "" if person else party.legal_representative,
            "case_number": m.case.number, "court": m.case.court.name, "obligation": m.obligation,
            "performance": m.performance, "conduct": m.conduct, "published_on": m.published_on,
        })
    return rows


@_throttled
@require_GET
def public(request):
    name = (request.GET.get("name") or "").strip()[:50]
    court_code = (request.GET.get("court") or "").strip()[:8]
    try:
        number = max(1, min(int(request.GET.get("page") or 1), PUBLIC_MAX_PAGES))
    except ValueError:
        number = 1
    key = "credit:public:v1:" + idempotency.fingerprint(
        "public", public_generation(), [("n", name), ("c", court_code), ("p", str(number))])
    context = cache.get(key)
    if context is None:
        court = Court.objects.filter(code=court_code).first() if court_code else None
        qs = selectors.public_listed(court=court, name=name)
        page = Paginator(qs, PUBLIC_PAGE_SIZE).get_page(number)
        context = {"rows": public_rows(page.object_list), "number": page.number,
                   "pages": min(page.paginator.num_pages, PUBLIC_MAX_PAGES), "count": page.paginator.count,
                   "has_next": page.has_next() and page.number < PUBLIC_MAX_PAGES, "has_previous": page.has_previous(),
                   "court_name": court.name if court else ""}
        cache.set(key, context, PUBLIC_CACHE_SECONDS)
    courts = cache.get_or_set("credit:public:courts", lambda: list(
        Court.objects.filter(pk__in=CreditMeasure.objects.filter(published_on__isnull=False)
                             .values("case__court")).order_by("code").values("code", "name")), 300)
    return render(request, "credit/public.html", {"title": _("Dishonest debtors (public list)"), **context,
                                                  "name": name, "court_code": court_code, "courts": courts})
