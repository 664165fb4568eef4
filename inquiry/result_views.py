"""Pages of the result side: upload a result file (the report of every bad row on failure), a file's summary, the
per-debtor difference from the asset register, and accepting rows (one, a debtor's, a file's) into the register.
Every look at results is written to the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policy import Perm, has_perm
from assets.services.controls import ALLOWED_KINDS
from cases.models import CaseParty, PartyRole
from cases.selectors import case_get_for_user
from core import idempotency

from . import result_selectors as sel
from .exchange_in import ResultFileRefused
from .models import AccessAction
from .result_display import debtor_rows_display
from .services._log import log_access
from .services.accept import result_row_accept, result_rows_accept
from .services.results import result_file_import

FREEZABLE = {str(k) for k in ALLOWED_KINDS["freeze"]}


def _require_run(user) -> None:
    if not has_perm(user, Perm.INQUIRY_RUN):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def result_upload(request):
    _require_run(request.user)
    report, status = None, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            report, status = {"errors": [_("Choose the result file.")], "count": 1}, 400
        else:
            try:
                rf = result_file_import(actor=request.user, court=request.user.court, file_name=upload.name,
                                        stream=upload.file)
            except ResultFileRefused as exc:
                report, status = {"errors": [str(e) for e in exc.errors], "count": exc.count,
                                  "file_name": upload.name}, 400
            else:
                messages.success(request, _("Result file imported: %(n)s rows.") % {"n": rf.row_count})
                return redirect("inquiry:result_detail", pk=rf.pk)
    files = sel.result_file_list_for_user(user=request.user)[:20]
    return render(request, "inquiry/result_upload.html", {
        "title": _("Import a result file"), "report": report, "files": files}, status=status)


@login_required
@require_GET
def result_detail(request, pk: int):
    rf = sel.result_file_get_for_user(user=request.user, pk=pk)
    page = Paginator(sel.result_file_debtors(user=request.user, result_file=rf), 50).get_page(request.GET.get("page"))
    log_access(actor=request.user, action=AccessAction.RESULT_VIEWED, batch=rf.batch, result_file=rf)
    return render(request, "inquiry/result_detail.html", {
        "title": rf.file_name, "rf": rf, "page": page, "debtors": page.object_list,
        "summary": sel.result_file_summary(user=request.user, result_file=rf),
        "form_token": idempotency.new_token()})


def _debtor(request, case_pk: int, party_pk: int):
    case = case_get_for_user(user=request.user, pk=case_pk)
    if not has_perm(request.user, Perm.INQUIRY_RUN, case):
        raise PermissionDenied
    owner = (CaseParty.objects.filter(case=case, party_id=party_pk, role=PartyRole.RESPONDENT)
             .select_related("party").first())
    if owner is None:
        raise Http404("Not a debtor of this case.")
    return case, owner


@login_required
@require_GET
def debtor_results(request, case_pk: int, party_pk: int):
    """The difference between what the agencies report about one debtor and the register (a fixed number of
    queries, however many rows)."""
    case, owner = _debtor(request, case_pk, party_pk)
    can_accept = has_perm(request.user, Perm.ASSET_CONTROL, case)
    form_token = idempotency.new_token()
    rows, facts, pending = debtor_rows_display(user=request.user, case=case, party_id=owner.party_id,
                                               can_accept=can_accept, freezable=FREEZABLE, form_token=form_token)
    gone = sel.gone_assets(case_id=case.pk, owner_id=owner.pk, rows=facts)
    log_access(actor=request.user, action=AccessAction.RESULT_VIEWED, case=case, party=owner.party)
    return render(request, "inquiry/debtor_results.html", {
        "title": _("Inquiry results: %(name)s") % {"name": owner.party.name}, "case": case, "owner": owner,
        "rows": rows, "gone": gone, "can_accept": can_accept, "pending": pending, "form_token": form_token})


def _once(request, endpoint: str, work) -> str:
    target, replayed = idempotency.form_once(request, endpoint=endpoint, token=request.POST.get("form_token"),
                                             work=work)
    if replayed:
        messages.info(request, _("This form was already submitted; nothing was recorded twice."))
    return target


@login_required
@require_POST
def row_accept(request, pk: int):
    row = sel.row_get_for_user(user=request.user, pk=pk)
    back = reverse("inquiry:debtor_results", args=[row.request.case_id, row.request.party_id])

    def work() -> str:
        asset = result_row_accept(actor=request.user, row=row)
        messages.success(request, _("Line %(n)s accepted into the register: %(asset)s") % {
            "n": row.line_no, "asset": asset})
        return back

    try:
        return redirect(_once(request, "inquiry.row_accept", work))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)


def _report(request, outcome) -> None:
    if outcome.already:
        messages.success(request, _("%(n)s rows accepted into the register (%(m)s were already).") % {
            "n": outcome.accepted, "m": outcome.already})
    elif outcome.accepted or not outcome.refused:
        messages.success(request, _("%(n)s rows accepted into the register.") % {"n": outcome.accepted})
    for line_no, message in outcome.refused[:20]:
        messages.error(request, _("Line %(n)s: %(message)s") % {"n": line_no, "message": message})


@login_required
@require_POST
def debtor_accept_all(request, case_pk: int, party_pk: int):
    case, owner = _debtor(request, case_pk, party_pk)
    back = reverse("inquiry:debtor_results", args=[case.pk, owner.party_id])

    def work() -> str:
        _report(request, result_rows_accept(actor=request.user, rows=sel.debtor_rows_for_user(
            user=request.user, case=case, party_id=owner.party_id)))
        return back

    try:
        return redirect(_once(request, "inquiry.debtor_accept_all", work))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)


@login_required
@require_POST
def result_accept_all(request, pk: int):
    rf = sel.result_file_get_for_user(user=request.user, pk=pk)
    back = reverse("inquiry:result_detail", args=[rf.pk])

    def work() -> str:
        rows = rf.rows.filter(sel.row_scope(request.user))
        _report(request, result_rows_accept(actor=request.user, rows=rows))
        return back

    try:
        return redirect(_once(request, "inquiry.result_accept_all", work))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)

