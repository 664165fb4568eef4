"""Pages of the notices app: the case's Documents tab (issue, reprint, correct), the PDF download, the court's
register, the court's own templates, and the public verification page. Thin: forms check shape, services decide,
selectors scope."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policy import Perm, Target, has_perm, require
from cases.selectors import case_get_for_user

from . import documents, forms, selectors, services

PAGE_SIZE = 50
# Lookups per client address (REMOTE_ADDR, as for sign-in throttling) per minute on the public page.
VERIFY_RATE = int(getattr(settings, "NOTICES_VERIFY_RATE_PER_MINUTE", 30))
MAX_UPLOAD = 20 * 1024 * 1024


def _field_for(form, field: str):
    """The visible form field an error belongs to, or None (shown above the form)."""
    if field in form.fields and not form.fields[field].widget.is_hidden:
        return field
    return None


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(_field_for(form, field), errors)
    else:
        form.add_error(None, exc.messages)


def _case_tab_url(case, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    try:
        url = reverse("cases:detail", args=[case.pk]) + "?tab=documents"
    except Exception:  # cases pages not installed
        url = reverse("notices:case_documents", args=[case.pk]) + "?"
    return url + ("&" + query if query else "")


def _pdf_response(data: bytes, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    from urllib.parse import quote

    response["Content-Disposition"] = f"{disposition}; filename=\"document.pdf\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def document_filename(document) -> str:
    try:
        title = documents.get(document.doc_type).title
    except ValidationError:
        title = document.doc_type
    version = f"-v{document.version}" if document.version > 1 else ""
    return f"{title}{document.number}-{document.addressee_name}{version}.pdf".replace("/", "_")


# --- The case's Documents tab ------------------------------------------------------------------------------------

def _params_data(kind, post, prefix: str = "p") -> dict:
    """The type's parameters from the POST (fields prefixed "<prefix>-"), unvalidated; the service validates them."""
    if kind.params_form is None:
        return {}
    form = kind.params_form()
    data = {}
    for name, field in form.fields.items():
        key = f"{prefix}-{name}"
        if key not in post:
            continue
        multiple = getattr(field.widget, "allow_multiple_selected", False)
        data[name] = post.getlist(key) if multiple else post.get(key)
    return data


def documents_tab_context(request, case, bound: dict | None = None) -> dict:
    """Context of the Documents tab: the case's documents (every version) and the issue form for the chosen type.
    Queries: the documents (1), the issuers (1), and the chosen type's addressees."""
    user = request.user
    bound = bound or {}
    can_issue = has_perm(user, Perm.NOTICE_ISSUE, case)
    docs = selectors.documents_for_case(case=case)
    types = {t.code: t for t in documents.all_types()}
    for d in docs:
        kind = types.get(d.doc_type)
        d.type_title = kind.title if kind else d.doc_type
        d.type_label = kind.label if kind else d.doc_type
        if can_issue and d.current:
            d.correct_form = bound.get(f"correct-{d.pk}") or forms.CorrectForm(prefix=f"c{d.pk}")
            if kind is not None and kind.params_form is not None:
                d.correct_params_form = bound.get(f"correct-params-{d.pk}") or kind.params_form(
                    prefix=f"c{d.pk}p", initial=d.params)
    from signing.services import seal_states  # the court's seal: signed / awaiting, and a sign button

    seals = seal_states(user=user, case=case, document_ids=[d.pk for d in docs])
    for d in docs:
        d.seal, d.may_sign = seals.get(d.pk, ("", False))
    selected = bound.get("doc_type") or request.GET.get("doc_type", "")
    kind = types.get(selected) if can_issue else None
    addressees, unavailable, issue_form, params_form = [], "", None, None
    if kind is not None:
        addressees = kind.addressees(case)
        if not addressees:
            unavailable = (kind.unavailable(case) if kind.unavailable else "") or _(
                "This document cannot be issued for this case.")
        else:
            issue_form = bound.get("issue") or forms.IssueForm(
                addressees=addressees, initial={"doc_type": kind.code, "issue_date": timezone.localdate()})
            if kind.params_form is not None:
                params_form = bound.get("params") or kind.params_form(prefix="p")
    setup_problems = []
    if kind is not None:
        from core.court_setup import check_court

        setup_problems = [p for p in check_court(case.court) if kind.title in p.needed_by]
    issued = None
    issued_pk = request.GET.get("issued", "")
    if issued_pk.isdigit():
        issued = next((d for d in docs if d.pk == int(issued_pk)), None)
    return {
        "case": case, "documents": docs, "can_issue": can_issue, "types": list(types.values()),
        "type_form": forms.TypeChoiceForm(initial={"doc_type": selected}) if can_issue else None,
        "kind": kind, "addressees": addressees, "unavailable": unavailable, "issue_form": issue_form,
        "params_form": params_form, "issued": issued, "setup_problems": setup_problems,
        "can_fix_setup": user.is_superuser or (has_perm(user, Perm.COURT_ADMIN) and user.court_id == case.court_id),
        "reprinted": request.GET.get("reprint") == "1",
    }


@login_required
def case_documents(request, pk: int, bound=None, status=200):
    case = case_get_for_user(user=request.user, pk=pk)
    return render(request, "notices/case_documents.html", {
        "title": _("Documents of %(case)s") % {"case": case.number}, "case": case,
        "ctx": documents_tab_context(request, case, bound)}, status=status)


@login_required
@require_POST
def document_issue(request, pk: int):
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.NOTICE_ISSUE)
    doc_type = request.POST.get("doc_type", "")
    try:
        kind = documents.get(doc_type)
    except ValidationError:
        messages.error(request, _("Choose a document."))
        return redirect(_case_tab_url(case))
    addressees = kind.addressees(case)
    form = forms.IssueForm(request.POST, addressees=addressees)
    params_form = kind.params_form(request.POST, prefix="p") if kind.params_form else None
    if form.is_valid():
        try:
            document = services.document_issue(
                user=request.user, case=case, doc_type=kind.code, addressee_key=form.cleaned_data["addressee_key"],
                params=_params_data(kind, request.POST), issue_date=form.cleaned_data.get("issue_date"))
        except ValidationError as exc:
            if params_form is not None and hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    if field.startswith("params."):
                        name = field.split(".", 1)[1]
                        params_form.add_error(name if name in params_form.fields else None, errors)
                    else:
                        form.add_error(_field_for(form, field), errors)
            else:
                _apply_errors(form, exc)
        else:
            if document.reprint:
                messages.info(request, _("This document was already issued as %(number)s; here is the same "
                                         "document again.") % {"number": document.number})
            else:
                messages.success(request, _("%(number)s issued.") % {"number": document.number})
            extra = {"issued": document.pk, "reprint": "1" if document.reprint else "0"}
            return redirect(_case_tab_url(case, **extra) + f"#doc-{document.pk}")
    request.GET = request.GET.copy()
    request.GET["doc_type"] = kind.code
    bound = {"doc_type": kind.code, "issue": form}
    if params_form is not None:
        params_form.is_valid()
        bound["params"] = params_form
    return case_documents(request, case.pk, bound=bound, status=400)


@login_required
@require_POST
def document_correct(request, pk: int):
    document = selectors.document_get_for_user(user=request.user, pk=pk, perm=Perm.NOTICE_ISSUE)
    form = forms.CorrectForm(request.POST, prefix=f"c{document.pk}")
    try:
        kind = documents.get(document.doc_type)
    except ValidationError:
        kind = None
    params_prefix = f"c{document.pk}p"
    with_params = kind is not None and kind.params_form is not None and any(
        key.startswith(params_prefix + "-") for key in request.POST)
    bound = {f"correct-{document.pk}": form}
    if form.is_valid():
        try:
            new = services.document_correct(
                user=request.user, document=document, reason=form.cleaned_data["reason"],
                params=_params_data(kind, request.POST, prefix=params_prefix) if with_params else None)
        except ValidationError as exc:
            if with_params and hasattr(exc, "error_dict"):
                params_form = kind.params_form(request.POST, prefix=params_prefix)
                params_form.is_valid()
                for field, errors in exc.message_dict.items():
                    if field.startswith("params."):
                        name = field.split(".", 1)[1]
                        params_form.add_error(name if name in params_form.fields else None, errors)
                    else:
                        form.add_error(_field_for(form, field), errors)
                bound[f"correct-params-{document.pk}"] = params_form
            else:
                _apply_errors(form, exc)
        else:
            messages.success(request, _("%(number)s corrected: version %(version)s issued.") % {
                "number": new.number, "version": new.version})
            return redirect(_case_tab_url(document.case, issued=new.pk) + f"#doc-{new.pk}")
    return case_documents(request, document.case_id, bound=bound, status=400)


@login_required
def document_download(request, pk: int):
    document = selectors.document_get_for_user(user=request.user, pk=pk)
    data = services.document_pdf(user=request.user, document=document)
    return _pdf_response(data, document_filename(document), inline=request.GET.get("inline") == "1")


# --- The register ------------------------------------------------------------------------------------------------

@login_required
def register(request):
    if not (has_perm(request.user, Perm.NOTICE_ISSUE) or has_perm(request.user, Perm.CASE_VIEW)):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = forms.RegisterFilterForm(request.GET or None)
    filters = selectors.RegisterFilter()
    if form.is_bound and form.is_valid():
        filters = selectors.RegisterFilter(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    qs = selectors.register_search(user=request.user, court_id=request.user.court_id, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    types = {t.code: t for t in documents.all_types()}
    rows = list(page.object_list)
    for d in rows:
        d.type_title = types[d.doc_type].title if d.doc_type in types else d.doc_type
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notices/register.html", {
        "title": _("Document register"), "form": form, "page": page, "rows": rows,
        "query": query.urlencode(), "court": request.user.court})


# --- A court's own templates -------------------------------------------------------------------------------------

def _admin_court(request):
    court = request.user.court
    if court is None:
        raise PermissionDenied(_("Your account belongs to no court."))
    require(request.user, Perm.COURT_ADMIN, Target(court_id=court.pk))
    return court


@login_required
def templates_list(request):
    court = _admin_court(request)
    overrides = selectors.overrides_for_court(court_id=court.pk)
    rows = [{"type": t, "override": overrides.get(t.code)} for t in documents.all_types()]
    return render(request, "notices/templates_list.html", {
        "title": _("Document templates"), "rows": rows, "court": court})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, doc_type: str):
    court = _admin_court(request)
    try:
        kind = documents.get(doc_type)
    except ValidationError:
        raise Http404("No such document type.") from None
    override = selectors.overrides_for_court(court_id=court.pk).get(kind.code)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "delete":
            services.template_override_delete(user=request.user, court=court, doc_type=kind.code)
            messages.success(request, _("The court's template for %(type)s was removed; the standard template "
                                        "applies.") % {"type": kind.title})
            return redirect("notices:templates")
        form = forms.TemplateOverrideForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "preview":
                    pdf = services.template_override_preview(user=request.user, court=court, doc_type=kind.code,
                                                             source=d["source"])
                    return _pdf_response(pdf, f"{kind.title}-preview.pdf", inline=True)
                services.template_override_save(user=request.user, court=court, doc_type=kind.code,
                                                source=d["source"], active=d["active"], note=d["note"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The court's template for %(type)s was saved.") % {"type": kind.title})
                return redirect("notices:template_edit", doc_type=kind.code)
        status = 400
    elif override is not None:
        form = forms.TemplateOverrideForm(initial={"source": override.source, "active": override.active,
                                                   "note": override.note})
    else:
        form = forms.TemplateOverrideForm(initial={"source": services.shipped_template_source(kind), "active": True})
    return render(request, "notices/template_edit.html", {
        "title": _("Template: %(type)s") % {"type": kind.title}, "kind": kind, "override": override,
        "form": form, "court": court}, status=status)


@login_required
def template_preview(request, doc_type: str):
    """The saved template of the court rendered with a sample context (GET, inline PDF)."""
    court = _admin_court(request)
    try:
        kind = documents.get(doc_type)
    except ValidationError:
        raise Http404("No such document type.") from None
    override = selectors.overrides_for_court(court_id=court.pk).get(kind.code)
    source = override.source if override else services.shipped_template_source(kind)
    try:
        pdf = services.template_override_preview(user=request.user, court=court, doc_type=kind.code, source=source)
    except ValidationError as exc:
        return HttpResponse("\n".join(m for ms in exc.message_dict.values() for m in ms), status=400,
                            content_type="text/plain; charset=utf-8")
    return _pdf_response(pdf, f"{kind.title}-preview.pdf", inline=True)


# --- Public verification -----------------------------------------------------------------------------------------

def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttled(view):
    """At most VERIFY_RATE requests per client address per minute (cache counter); 429 beyond."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = f"notices:verify:{_client_address(request)}:{int(timezone.now().timestamp() // 60)}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
        if count > VERIFY_RATE:
            response = render(request, "notices/verify.html", {
                "title": _("Verify a document"), "form": forms.VerifyForm(),
                "throttled": True}, status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapper


@throttled
@require_http_methods(["GET", "POST"])
def verify(request):
    form = forms.VerifyForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        code = services.verification_code_normalize(form.cleaned_data["code"])
        if code is None:
            form.add_error("code", _("A verification code has 10 letters and digits, e.g. 7K3Q-9MXA-2D."))
        else:
            return redirect("notices:verify_code", code=code)
    return render(request, "notices/verify.html", {"title": _("Verify a document"), "form": form},
                  status=400 if form.is_bound and form.errors else 200)


@throttled
@require_http_methods(["GET", "POST"])
def verify_code(request, code: str):
    normalized = services.verification_code_normalize(code)
    document = selectors.document_by_code(code=normalized) if normalized else None
    if document is None:
        return render(request, "notices/verify.html", {
            "title": _("Verify a document"), "form": forms.VerifyForm(initial={"code": code}),
            "not_found": True}, status=404)
    if normalized != code:
        return redirect("notices:verify_code", code=normalized)
    try:
        kind = documents.get(document.doc_type)
        type_title = kind.title
    except ValidationError:
        type_title = document.doc_type
    successor = selectors.document_successor(document=document)
    upload_form = forms.VerifyUploadForm()
    comparison = None
    status = 200
    from signing import verify as signing_verify  # the court's seal: signature state and upload check

    if request.method == "POST":
        upload_form = forms.VerifyUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["pdf"]
            if upload.size > MAX_UPLOAD:
                upload_form.add_error("pdf", _("The file is too large (at most 20 MB)."))
                status = 400
            else:
                data = b"".join(upload.chunks())
                if not signing_verify.looks_like_pdf(data):
                    upload_form.add_error("pdf", _("The file is not a PDF."))
                    status = 400
                else:
                    result = signing_verify.upload_check(document_id=document.pk, court_id=document.court_id,
                                                         data=data, unsigned_sha256=document.sha256)
                    comparison = {"sha256": result.sha256, "match": result.genuine, "result": result}
        else:
            status = 400
    return render(request, "notices/verify_result.html", {
        "title": _("Verify a document"), "document": document, "type_title": type_title, "successor": successor,
        "upload_form": upload_form, "comparison": comparison,
        "seal": signing_verify.document_state(document.pk)}, status=status)
