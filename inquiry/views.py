"""Pages of the inquiry app: batches (list, build, detail, export, download, cancel) and the chief's access-log
audit. Thin: forms check shape, services decide and log, selectors scope."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policy import Perm, has_perm, scope_q
from cases.forms import apply_errors
from cases.models import Case, CaseParty, PartyRole, Stage
from core import idempotency
from core.text import spreadsheet_safe

from . import selectors, services
from .court_settings import enabled_kinds
from .forms import MEASURE_WORDS, AuditFilterForm, BatchForm
from .models import AccessAction, AgencyKind, BatchStatus



def _kind_words() -> dict[str, str]:
    """An agency named by its code (bank), its English or its Chinese name (银行)."""
    words = {k.value: k.value for k in AgencyKind}
    with translation.override("zh-hans"):
        words.update({str(k.label): k.value for k in AgencyKind})
    with translation.override("en"):
        words.update({str(k.label): k.value for k in AgencyKind})
    return words



@login_required
@require_GET
def batch_list(request):
    if not has_perm(request.user, Perm.INQUIRY_RUN):
        raise PermissionDenied
    status = request.GET.get("status", "")
    status = status if status in BatchStatus.values else ""
    page = Paginator(selectors.batch_list_for_user(user=request.user, status=status), 30).get_page(
        request.GET.get("page"))
    return render(request, "inquiry/batch_list.html", {
        "title": _("Network inquiry"), "page": page, "batches": page.object_list, "status": status,
        "statuses": BatchStatus.choices, "pager_query": f"status={status}" if status else "",
        "can_audit": has_perm(request.user, Perm.INQUIRY_AUDIT)})


def _initial_cases(request) -> list[Case]:
    ids = []
    for raw in request.GET.getlist("case"):
        try:
            ids.append(int(raw))
        except ValueError:
            raise Http404 from None
    if not ids:
        return []
    cases = list(Case.objects.filter(scope_q(request.user, Perm.CASE_VIEW), pk__in=ids[:500]))
    if len(cases) != len(set(ids[:500])):
        raise Http404
    return cases


def _resolve_cases(request, form, preset: list[Case]) -> list[Case] | None:
    numbers = form.cleaned_data["case_numbers"]
    found = {c.number: c for c in Case.objects.filter(scope_q(request.user, Perm.CASE_VIEW), number__in=numbers)}
    unknown = [n for n in numbers if n not in found]
    if unknown:
        form.add_error("case_numbers", _("No such case: %(numbers)s.") % {"numbers": "、".join(unknown[:10])})
        return None
    cases = {c.pk: c for c in preset}
    for n in numbers:
        cases.setdefault(found[n].pk, found[n])
    return list(cases.values())


def _resolve_controls(form, cases: list[Case]) -> list[services.ControlLine] | None:
    """Each instruction line: case number, debtor (identifier number or name), agency, 冻结/查封, amount."""
    lines = form.cleaned_data["controls"]
    if not lines:
        return []
    by_number = {c.number: c for c in cases}
    parties = {}
    for cp in CaseParty.objects.filter(case__in=cases, role=PartyRole.RESPONDENT).select_related("party"):
        parties.setdefault((cp.case_id, cp.party.id_number), cp.party_id)
        parties.setdefault((cp.case_id, cp.party.name), cp.party_id)
    out, problems = [], []
    for n, parts in lines:
        if len(parts) != 5:
            problems.append(_("Line %(n)s: write case number, debtor, agency, 冻结 or 查封, amount.") % {"n": n})
            continue
        number, who, kind, measure, amount = parts
        case = by_number.get(number)
        if case is None:
            problems.append(_("Line %(n)s: %(number)s is not a case of this batch.") % {"n": n, "number": number})
            continue
        party = parties.get((case.pk, who))
        if party is None:
            problems.append(_("Line %(n)s: %(who)s is not a respondent of %(number)s.") % {
                "n": n, "who": who, "number": number})
            continue
        kinds = _kind_words()
        if kind not in kinds or measure not in MEASURE_WORDS:
            problems.append(_("Line %(n)s: unknown agency or measure.") % {"n": n})
            continue
        out.append(services.ControlLine(case.pk, party, kinds[kind], MEASURE_WORDS[measure], amount))
    if problems:
        form.add_error("controls", problems)
        return None
    return out


@login_required
@require_http_methods(["GET", "POST"])
def batch_new(request):
    """Build a batch: from one case (``?case=``, the case page's button), several (``?case=`` repeated, pasted case
    numbers) or every case of the user's in a stage."""
    if not has_perm(request.user, Perm.INQUIRY_RUN):
        raise PermissionDenied
    preset = _initial_cases(request)
    for case in preset:
        if not has_perm(request.user, Perm.INQUIRY_RUN, case):
            raise PermissionDenied
    kinds = enabled_kinds(request.user.court_id)
    initial = {"kinds": kinds, "stage": request.GET.get("stage", "") if request.GET.get("stage") in Stage.values
               else ""}
    if request.method == "POST":
        form = BatchForm(request.POST, kinds=kinds)
        if form.is_valid():
            d = form.cleaned_data
            cases = _resolve_cases(request, form, preset)
            controls = _resolve_controls(form, cases or []) if cases is not None else None
            if cases is not None and controls is not None:
                try:
                    def work():
                        batch = services.batch_create(
                            actor=request.user, kinds=d["kinds"], case_ids=[c.pk for c in cases] or None,
                            stage=d["stage"] or None if not cases else None, controls=controls,
                            purpose=d["purpose"], document_number=d["document_number"], note=d["note"])
                        return reverse("inquiry:batch_detail", args=[batch.pk])

                    target, replayed = idempotency.form_once(request, endpoint="inquiry:batch_new",
                                                             token=d.get("form_token"), work=work)
                except ValidationError as exc:
                    apply_errors(exc, form)
                else:
                    if replayed:
                        messages.info(request, _("This form was already submitted; nothing was recorded twice."))
                    else:
                        messages.success(request, _("Inquiry batch created."))
                    return redirect(target)
        messages.error(request, _("Please correct the errors below."))
        status = 400
    else:
        form = BatchForm(initial=initial, kinds=kinds)
        status = 200
    return render(request, "inquiry/batch_new.html", {
        "title": _("New inquiry batch"), "form": form, "preset": preset}, status=status)


@login_required
@require_GET
def batch_detail(request, pk: int):
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    page = Paginator(selectors.batch_requests_for_user(user=request.user, batch=batch), 200).get_page(
        request.GET.get("page"))
    services.access_log_record_many(user=request.user, action=AccessAction.BATCH_VIEWED, requests=page.object_list,
                                    batch=batch)
    try:
        services.batch_require(actor=request.user, batch=batch)
        can_act = True
    except (PermissionDenied, Http404):
        can_act = False
    return render(request, "inquiry/batch_detail.html", {
        "title": batch.number, "batch": batch, "page": page, "requests": page.object_list, "can_act": can_act,
        "can_cancel": can_act and batch.status in (BatchStatus.DRAFT, BatchStatus.EXPORTED)
        and not batch.result_files.exists()})


@login_required
@require_POST
def batch_export(request, pk: int):
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    try:
        services.batch_export(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Batch exported: download the file or let the channel deliver it."))
    return redirect("inquiry:batch_detail", pk=batch.pk)


@login_required
@require_GET
def batch_download(request, pk: int):
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    if batch.status in (BatchStatus.DRAFT, BatchStatus.CANCELLED):
        raise Http404("Not exported.")
    export = services.batch_export(actor=request.user, batch=batch)
    response = HttpResponse(export.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    response["X-Content-SHA256"] = export.sha256
    return response


@login_required
@require_POST
def batch_cancel(request, pk: int):
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    try:
        services.batch_cancel(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Batch cancelled."))
    return redirect("inquiry:batch_detail", pk=batch.pk)


def _audit_headers() -> list[str]:
    return [_("Time"), _("User"), pgettext("access log", "Action"), _("Case number"), _("Debtor"), _("Officer"),
            _("Batch")]


@login_required
@require_GET
def access_log(request):
    """The chief's audit of who looked at whose financial data: filters, a page at a time, or the whole selection as
    CSV (``?format=csv``, cells made spreadsheet-safe)."""
    if not has_perm(request.user, Perm.INQUIRY_AUDIT):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {"username": d["user"].strip(), "case_number": d["case_number"].strip(),
                   "date_from": d["date_from"], "date_to": d["date_to"], "action": d["action"]}
    rows = selectors.access_log_for_user(user=request.user, **filters).select_related("batch")
    if request.GET.get("format") == "csv":
        return _audit_csv(rows)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inquiry/access_log.html", {
        "title": _("Inquiry access log"), "form": form, "page": page, "entries": page.object_list,
        "pager_query": query.urlencode(), "csv_query": (query.urlencode() + "&" if query else "") + "format=csv"},
        status=400 if form.is_bound and form.errors else 200)


def _audit_csv(rows) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel and WPS then read UTF-8
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(h) for h in _audit_headers()])
    for e in rows.iterator(chunk_size=2000):
        writer.writerow([spreadsheet_safe(v) for v in (
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.user_name, str(e.get_action_display()),
            e.case_number, e.party_name, e.legal_basis_officer, e.batch.number if e.batch_id else "")])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inquiry-access-log.csv"'
    return response
