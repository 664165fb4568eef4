"""Pages of the electronic case file: the file page (catalogue, viewer, upload, ordering, archive), the case tab,
file downloads and page images, search. Thin: services and selectors do the work."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.policy import Perm, has_perm
from cases.selectors import case_get_for_user
from core import idempotency

from . import selectors, services, storage
from .models import ItemKind, OcrStatus, VolumeStatus

PAGE_IMAGE_DPI = 60


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Scan (PDF, JPEG, PNG or TIFF)"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    section = forms.ChoiceField(label=gettext_lazy("Section"))
    doc_date = forms.DateField(label=gettext_lazy("Date of the document"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, s.title) for s in sections]


def _errors_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(str(m) for errors in exc.error_dict.values() for e in errors for m in e.messages)
    return " ".join(str(m) for m in exc.messages)


def file_context(request, case, *, form=None) -> dict:
    groups, superseded, total = selectors.catalogue(case)
    sections = [g.section for g in groups]
    can_file = has_perm(request.user, Perm.EFILE_FILE, case)
    volume = selectors.volume_current(case)
    frozen = case.stage == "archived" or (volume is not None and volume.status != VolumeStatus.FAILED)
    selected = None
    wanted = request.GET.get("item")
    entries = [e for g in groups for e in g.entries]
    if wanted and wanted.isdigit():
        selected = next((e for e in entries if e.item.pk == int(wanted)), None)
    elif entries:
        selected = entries[0]
    if form is None and can_file and not frozen:
        form = UploadForm(sections=sections, initial={"form_token": idempotency.new_token()})
    return {
        "case": case, "groups": groups, "superseded": superseded, "total_pages": total, "sections": sections,
        "can_file": can_file and not frozen, "can_archive": has_perm(request.user, Perm.EFILE_ARCHIVE, case),
        "volume": volume, "frozen": frozen, "selected": selected, "form": form,
        "pages": range(1, selected.item.page_count + 1) if selected else range(0),
        "count": len(entries), "query": request.GET.get("q", ""),
        "results": selectors.search(request.user, request.GET.get("q", ""), case_id=case.pk)
        if request.GET.get("q") else None,
    }


@login_required
@require_GET
def case_file(request, pk: int):
    case = case_get_for_user(user=request.user, pk=pk)
    return render(request, "efile/case_file.html", file_context(request, case))


@login_required
@require_POST
def upload(request, pk: int):
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.EFILE_FILE)
    sections = services.sections_for(case.court_id)
    form = UploadForm(request.POST, request.FILES, sections=sections)
    if form.is_valid():
        d = form.cleaned_data
        try:
            target, replayed = idempotency.form_once(
                request, endpoint="efile:upload", token=d.get("form_token"),
                work=lambda: reverse("efile:case_file", args=[case.pk]) + "?item=%s" % services.scan_upload(
                    user=request.user, case=case, section=d["section"], title=d["title"], upload=d["file"],
                    doc_date=d.get("doc_date")).pk)
        except ValidationError as exc:
            from cases.forms import apply_errors

            apply_errors(exc, form)
        else:
            if replayed:
                messages.info(request, _("This form was already submitted; nothing was recorded twice."))
            else:
                messages.success(request, _("The scan was filed; its text is being recognised."))
            return redirect(target)
    messages.error(request, _("Please correct the errors below."))
    return render(request, "efile/case_file.html", file_context(request, case, form=form), status=400)


def _item_for(request, item_pk: int, perm: Perm = Perm.CASE_VIEW):
    item = selectors.item_get_for_user(user=request.user, pk=item_pk)
    if not has_perm(request.user, perm, item):
        raise PermissionDenied
    return item


def _back(item, anchor: str = "") -> str:
    return reverse("efile:case_file", args=[item.case_id]) + f"?item={item.pk}{anchor}"


def _do(request, work, success_url: str, ok_message: str | None = None):
    try:
        work()
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    else:
        if ok_message:
            messages.success(request, ok_message)
    return redirect(success_url)


@login_required
@require_POST
def item_move(request, item_pk: int):
    item = _item_for(request, item_pk, Perm.EFILE_FILE)
    return _do(request, lambda: services.item_move(user=request.user, item=item,
                                                   direction=request.POST.get("direction", "")),
               _back(item, f"#item-{item.pk}"))


@login_required
@require_POST
def item_section(request, item_pk: int):
    item = _item_for(request, item_pk, Perm.EFILE_FILE)
    return _do(request, lambda: services.item_section_set(user=request.user, item=item,
                                                          section=request.POST.get("section", "")),
               _back(item, f"#item-{item.pk}"), _("Moved to the other section."))


@login_required
@require_POST
def item_ocr_retry(request, item_pk: int):
    item = _item_for(request, item_pk, Perm.EFILE_FILE)
    return _do(request, lambda: services.ocr_retry(user=request.user, item=item), _back(item))


@login_required
@require_POST
def reorder(request, pk: int):
    """The drag and drop's new order, as JSON {"order": [[item id, section id], ...]}."""
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.EFILE_FILE)
    try:
        body = json.loads(request.body.decode("utf-8") or "{}")
        order = [(int(i), int(s)) for i, s in body.get("order", [])]
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"order": [_("The list does not match the case file; reload the page.")]}, status=400)
    try:
        services.items_reorder(user=request.user, case=case, order=order)
    except ValidationError as exc:
        return JsonResponse({"order": [_errors_text(exc)]}, status=400)
    return JsonResponse({"ok": True})


@login_required
@require_POST
def sort_by_section(request, pk: int):
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.EFILE_FILE)
    return _do(request, lambda: services.items_sort(user=request.user, case=case),
               reverse("efile:case_file", args=[case.pk]), _("Each section is now in date order."))


@login_required
@require_GET
def item_status(request, item_pk: int):
    """The OCR status badge (htmx polls it while OCR runs)."""
    item = _item_for(request, item_pk)
    return render(request, "efile/_ocr_status.html", {"item": item})


def _pdf_response(path, filename: str, *, download: bool):
    response = FileResponse(open(path, "rb"), content_type="application/pdf", as_attachment=download,
                            filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def item_pdf(request, item_pk: int):
    item = _item_for(request, item_pk)
    name = f"{item.case.number}-{item.title}.pdf"
    if item.kind == ItemKind.GENERATED:
        response = HttpResponse(services.generated_pdf(item), content_type="application/pdf")
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return _pdf_response(storage.absolute(item.path), name, download=False)


@login_required
@require_GET
def item_page(request, item_pk: int, page: int):
    """One page of an item as a PNG (the viewer), rendered by pdftoppm and cached next to the file store."""
    item = _item_for(request, item_pk)
    if not 1 <= page <= item.page_count:
        raise Http404
    cache = storage.root() / "pages" / f"{item.sha256}-{page}-{PAGE_IMAGE_DPI}.png"
    if not cache.exists():
        data = services.generated_pdf(item) if item.kind == ItemKind.GENERATED else \
            storage.absolute(item.path).read_bytes()
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache.parent) as tmp:
            result = subprocess.run(["pdftoppm", "-png", "-r", str(PAGE_IMAGE_DPI), "-f", str(page), "-l", str(page),
                                     "-singlefile", "-", f"{tmp}/page"], input=data, capture_output=True, timeout=60)
            produced = Path(tmp) / "page.png"
            if result.returncode != 0 or not produced.exists():
                raise Http404
            os.replace(produced, cache)
    response = FileResponse(open(cache, "rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def volume_build(request, pk: int):
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.EFILE_ARCHIVE)
    try:
        volume = services.volume_request(user=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    else:
        if volume.status == VolumeStatus.BUILDING:
            messages.success(request, _("The archive volume is being built."))
    return redirect(reverse("efile:case_file", args=[case.pk]) + "#volume")


@login_required
@require_GET
def volume_status(request, volume_pk: int):
    volume = selectors.volume_get_for_user(user=request.user, pk=volume_pk)
    return render(request, "efile/_volume.html", {"volume": volume, "case": volume.case,
                                                  "can_archive": has_perm(request.user, Perm.EFILE_ARCHIVE,
                                                                          volume.case)})


@login_required
@require_GET
def volume_pdf(request, volume_pk: int):
    volume = selectors.volume_get_for_user(user=request.user, pk=volume_pk)
    if volume.status != VolumeStatus.DONE:
        raise Http404
    return _pdf_response(storage.absolute(volume.path), f"{volume.case.number}-卷宗.pdf", download=True)


@login_required
@require_GET
def search(request):
    """Search the text of the case files the user may see (Chinese substring search)."""
    query = request.GET.get("q", "").strip()
    results = selectors.search(request.user, query) if query else []
    return render(request, "efile/search.html", {"query": query, "results": results,
                                                 "title": _("Search the case files")})


@login_required
@require_GET
def to_archive(request):
    """Closed cases waiting for their archive volume (clerks and the chief)."""
    if not has_perm(request.user, Perm.EFILE_ARCHIVE):
        raise PermissionDenied
    cases = selectors.to_archive(request.user)
    return render(request, "efile/to_archive.html", {"cases": cases[:200], "total": cases.count(),
                                                     "title": _("Closed cases to archive")})


OCR_ACTIVE = (OcrStatus.QUEUED, OcrStatus.RUNNING)
