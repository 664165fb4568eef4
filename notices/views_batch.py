"""Pages of batch printing: choose cases and documents, follow the progress, download the PDF and the labels.

Thin: the forms shape the input, ``notices.batch`` decides and scopes.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role, Team, User
from accounts.policy import Perm, require
from cases.models import CaseType, Stage

from . import batch as service
from . import documents
from .models import BatchStatus

FINISHED = (BatchStatus.DONE, BatchStatus.DONE_WITH_ERRORS, BatchStatus.FAILED)
DEFAULT_WITHOUT = "enforcement_notice"


def _bootstrap(form: forms.Form) -> forms.Form:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = css
    return form


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if isinstance(value, date) else value


class BatchFilterForm(forms.Form):
    filed_from = forms.DateField(label=gettext_lazy("Filed from"), required=False, widget=DateInput)
    filed_to = forms.DateField(label=gettext_lazy("Filed until"), required=False, widget=DateInput)
    case_type = forms.ChoiceField(label=gettext_lazy("Case type"), required=False)
    team = forms.ModelChoiceField(label=gettext_lazy("Team"), required=False, queryset=Team.objects.none(),
                                  empty_label=gettext_lazy("Any"))
    officer = forms.ModelChoiceField(label=gettext_lazy("Officer"), required=False, queryset=User.objects.none(),
                                     empty_label=gettext_lazy("Any"))
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), required=False)
    without = forms.ChoiceField(label=gettext_lazy("Without a document of type"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.fields["case_type"].choices = any_ + list(CaseType.choices)
        self.fields["stage"].choices = any_ + list(Stage.choices)
        self.fields["without"].choices = [("", _("(no condition)"))] + documents.choices()
        self.fields["team"].queryset = Team.objects.filter(court_id=user.court_id).order_by("name")
        self.fields["officer"].queryset = (User.objects.filter(court_id=user.court_id, is_active=True,
                                                               roles__contains=[Role.OFFICER])
                                           .order_by("full_name", "username"))
        self.fields["officer"].label_from_instance = lambda u: u.display_name
        _bootstrap(self)

    def selection(self) -> service.BatchSelection:
        data = self.cleaned_data
        return service.BatchSelection(
            filed_from=data.get("filed_from"), filed_to=data.get("filed_to"), case_type=data.get("case_type") or "",
            team=data["team"].pk if data.get("team") else None,
            officer=data["officer"].pk if data.get("officer") else None,
            stage=[data["stage"]] if data.get("stage") else [], without=data.get("without") or "",
        )


class BatchCreateForm(forms.Form):
    doc_types = forms.MultipleChoiceField(label=gettext_lazy("Documents to print"),
                                          widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                          error_messages={"required": gettext_lazy("Choose at least one document "
                                                                                   "type.")})
    with_labels = forms.BooleanField(label=gettext_lazy("Address labels and address sheet for service by post"),
                                     required=False, initial=True)
    duplex = forms.BooleanField(label=gettext_lazy("Two-sided printing (each document starts on a new sheet)"),
                                required=False)
    title = forms.CharField(label=gettext_lazy("Title (optional)"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_types"].choices = documents.choices()
        _bootstrap(self)


def _filter_form(request) -> BatchFilterForm:
    if any(key in request.GET for key in BatchFilterForm.base_fields):
        return BatchFilterForm(request.GET, user=request.user)
    monday, sunday = service.this_week()
    without = DEFAULT_WITHOUT if DEFAULT_WITHOUT in dict(documents.choices()) else ""
    return BatchFilterForm({"filed_from": monday, "filed_to": sunday, "without": without}, user=request.user)


def _page(request, *, create_form: BatchCreateForm, status: int = 200, selected: set[int] | None = None):
    filters = _filter_form(request)
    cases, count = [], 0
    if filters.is_valid():
        try:
            qs = service.batch_case_candidates(user=request.user, selection=filters.selection())
        except ValidationError as exc:
            filters.add_error(None, exc.messages)
        else:
            count = qs.count()
            cases = list(qs[:service.PREVIEW_LIMIT])
    # Nothing is ticked until the clerk chooses (select all is one click); a refused submission keeps its ticks.
    selected_count = sum(1 for c in cases if selected and c.pk in selected)
    return render(request, "notices/batch.html", {
        "title": _("Batch printing"), "filters": filters, "form": create_form, "cases": cases, "count": count,
        "preview_limit": service.PREVIEW_LIMIT, "selected": selected, "selected_count": selected_count,
        "batches": service.batch_list_for_user(user=request.user),
        "query": request.GET.urlencode(),
    }, status=status)


@login_required
def batch_page(request):
    require(request.user, Perm.NOTICE_ISSUE)
    if request.method == "POST":
        form = BatchCreateForm(request.POST)
        ids = request.POST.getlist("case")
        if not ids:
            form.is_valid()
            form.add_error(None, _("No case is selected: tick the cases to print, or use Select all."))
        elif form.is_valid():
            try:
                job = service.batch_create(user=request.user, case_ids=ids, doc_types=form.cleaned_data["doc_types"],
                                           with_labels=form.cleaned_data["with_labels"],
                                           duplex=form.cleaned_data["duplex"], title=form.cleaned_data["title"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("notices:batch_detail", pk=job.pk)
        selected = {int(i) for i in ids if str(i).isdigit()}
        return _page(request, create_form=form, status=400, selected=selected)
    return _page(request, create_form=BatchCreateForm(initial={"doc_types": [DEFAULT_WITHOUT], "with_labels": True}))


def _status_context(job) -> dict:
    has_pdf, has_labels = service.batch_has_pdf(job) if job.status in FINISHED else (False, False)
    failures = sorted(job.failures or [], key=lambda f: (f.get("case_number") or "", f.get("doc_type") or ""))
    labels = dict(documents.choices())
    for failure in failures:
        failure["doc_label"] = labels.get(failure.get("doc_type"), failure.get("doc_type") or "")
    return {"job": job, "percent": service.batch_progress(job), "finished": job.status in FINISHED,
            "has_pdf": has_pdf, "has_labels": has_labels, "failures": failures,
            "failed_count": len(job.failures or [])}


@login_required
@require_GET
def batch_detail(request, pk: int):
    job = service.batch_get_for_user(user=request.user, pk=pk)
    template = "notices/batch_status.html" if request.headers.get("HX-Request") else "notices/batch_detail.html"
    return render(request, template, {"title": _("Batch print"), **_status_context(job)})


@login_required
@require_GET
def batch_progress(request, pk: int):
    """The status fragment (htmx polls it) or, for other clients, a small JSON."""
    job = service.batch_get_for_user(user=request.user, pk=pk)
    if request.headers.get("HX-Request"):
        return render(request, "notices/batch_status.html", _status_context(job))
    ctx = _status_context(job)
    return JsonResponse({
        "id": job.pk, "status": job.status, "status_label": str(job.get_status_display()), "total": job.total,
        "done": job.done, "failed": ctx["failed_count"], "percent": ctx["percent"], "finished": ctx["finished"],
        "pdf_url": reverse("notices:batch_pdf", args=[job.pk]) if ctx["has_pdf"] else None,
        "labels_url": reverse("notices:batch_labels", args=[job.pk]) if ctx["has_labels"] else None,
    })


def _download(request, pk: int, field: str, stem: str) -> HttpResponse:
    job = service.batch_get_for_user(user=request.user, pk=pk, with_files=True)
    data = getattr(job, field)
    if not data:
        raise Http404("Not ready.")
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{job.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def batch_pdf(request, pk: int):
    return _download(request, pk, "pdf", "batch")


@login_required
@require_GET
def batch_labels(request, pk: int):
    return _download(request, pk, "labels_pdf", "batch-labels")


@login_required
@require_POST
def batch_rerun(request, pk: int):
    job = service.batch_get_for_user(user=request.user, pk=pk)
    new = service.batch_rerun(user=request.user, batch=job)
    return redirect("notices:batch_detail", pk=new.pk)
