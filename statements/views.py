"""Pages of the finance office: the statement register (银行流水登记), importing a statement, a statement's lines."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.policy import Perm, has_perm
from assets.selectors import page_window
from core import idempotency

from . import selectors
from .forms import LineFilterForm, StatementUploadForm
from .services import StatementImportError, statement_import


def _require_finance(request) -> None:
    if not has_perm(request.user, Perm.FUNDS_RECORD):
        raise PermissionDenied


@login_required
@require_GET
def statement_list(request):
    _require_finance(request)
    page = page_window(selectors.statement_list_for_user(user=request.user), request.GET.get("page"))
    return render(request, "statements/list.html", {"title": _("Bank statements"), "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def statement_upload(request):
    _require_finance(request)
    court = request.user.court
    report = []
    if request.method == "POST":
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            token = form.cleaned_data.get(idempotency.FORM_FIELD)
            if token:
                # The drawn form's token with the file's digest: a double click is one import, while the same
                # (cached) form sent again with another file imports that file.
                token = f"{token[:40]}.{hashlib.sha256(data).hexdigest()[:32]}"

            def work() -> str:
                result = statement_import(actor=request.user, court=court, file_name=upload.name, data=data)
                (messages.success if result.created else messages.info)(request, result.message)
                return reverse("statements:detail", args=[result.statement.pk])

            try:
                target, replayed = idempotency.form_once(request, endpoint="statement-import", token=token, work=work)
            except StatementImportError as exc:
                report = exc.rows
            except ValidationError as exc:
                for field, errors in getattr(exc, "message_dict", {"file": exc.messages}).items():
                    form.add_error("file" if field not in form.fields else field, errors)
            else:
                if replayed:
                    messages.info(request, _("This form was already submitted; nothing was recorded twice."))
                return redirect(target)
        return render(request, "statements/upload.html", {
            "title": _("Import a bank statement"), "form": StatementUploadForm() if report else form,
            "report": report, "court": court}, status=400)
    return render(request, "statements/upload.html", {"title": _("Import a bank statement"),
                                                      "form": StatementUploadForm(), "court": court})


@login_required
@require_GET
def statement_detail(request, pk: int):
    statement = selectors.statement_get_for_user(user=request.user, pk=pk)
    filters = LineFilterForm(request.GET or None)
    lines = selectors.statement_lines_of(statement)
    if filters.is_valid():
        if filters.cleaned_data.get("status"):
            lines = lines.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data.get("direction"):
            lines = lines.filter(direction=filters.cleaned_data["direction"])
    page = page_window(lines, request.GET.get("page"), size=100)
    query = "&".join(f"{k}={v}" for k, v in (filters.cleaned_data.items() if filters.is_valid() else []) if v)
    return render(request, "statements/detail.html", {
        "title": _("Bank statement"), "statement": statement, "page": page, "filters": filters,
        "pager_query": query, "known": statement.line_count - statement.new_line_count})
