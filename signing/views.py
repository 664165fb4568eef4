"""Pages: the court's signing settings (certificate and who signs which type), the queue of documents awaiting
signature (sign one, sign the selection), the public check of an uploaded PDF lives on the notices verify page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policy import Perm, Target, has_perm
from core import idempotency

from . import rules, services
from .models import DocumentSignature, SigningCertificate

ROLE_LABELS = {"officer": gettext_lazy("Enforcement officer"), "clerk": gettext_lazy("Clerk"),
               "chief": gettext_lazy("Division chief")}


def _court_or_403(request):
    court = getattr(request.user, "court", None)
    if court is None or not has_perm(request.user, Perm.SIGNING_MANAGE, Target(court_id=court.pk)):
        raise PermissionDenied
    return court


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    court = _court_or_403(request)
    policy = services.court_policy(court.pk)
    errors = {}
    if request.method == "POST":
        rows = {}
        for code in rules.TYPES:
            sealed = request.POST.get(f"sealed-{code}") == "on"
            roles = [r for r in rules.ROLES if request.POST.get(f"role-{code}-{r}") == "on"]
            rows[code] = (sealed, roles)
        try:
            target, _replayed = idempotency.form_once(
                request, endpoint="signing:settings", token=request.POST.get("form_token"),
                work=lambda: (services.policy_save(user=request.user, court=court, rows=rows),
                              reverse("signing:settings"))[1])
            messages.success(request, _("The signing policy was saved."))
            return redirect(target)
        except ValidationError as exc:
            errors = {k.removeprefix("policy."): v for k, v in exc.message_dict.items()} if hasattr(
                exc, "error_dict") else {"": exc.messages}
            policy = {code: rows.get(code, policy[code]) for code in policy}
    table = [{"code": code, "title": rules.TYPES.get(code, code), "sealed": sealed,
              "roles": [{"role": r, "label": ROLE_LABELS[r], "on": r in roles} for r in rules.ROLES],
              "errors": errors.get(code, [])}
             for code, (sealed, roles) in policy.items() if code in rules.TYPES]
    certificate = services.certificate_active(court.pk)
    history = SigningCertificate.objects.filter(court=court).order_by("-installed_at")[:10]
    return render(request, "signing/settings.html", {
        "title": _("Electronic seal"), "court": court, "table": table, "certificate": certificate,
        "problem": services.certificate_usable(certificate), "history": history, "roles": rules.ROLES,
        "role_labels": ROLE_LABELS, "form_token": idempotency.new_token(), "general_errors": errors.get("", [])},
        status=400 if errors else 200)


@login_required
@require_POST
def certificate_revoke(request):
    """Revoke the court's active certificate (the key leaked, the certificate was withdrawn), with a reason."""
    court = _court_or_403(request)
    cert = services.certificate_active(court.pk)
    if cert is None:
        messages.error(request, _("The court has no signing certificate; the court administrator installs one."))
        return redirect("signing:settings")
    try:
        services.certificate_revoke(user=request.user, certificate=cert, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("signing:settings")
    messages.success(request, _("The certificate was revoked; install a new one to sign again."))
    return redirect("signing:settings")


@login_required
def queue_page(request):
    if not has_perm(request.user, Perm.DOCUMENT_SIGN):
        raise PermissionDenied
    rows = list(services.queue(request.user)[:500])
    return render(request, "signing/queue.html", {
        "title": _("Documents awaiting signature"), "rows": rows, "total": services.queue_count(request.user),
        "form_token": idempotency.new_token()})


@login_required
@require_POST
def sign(request):
    """Sign the documents ticked on the queue (or one, from its row's button)."""
    if not has_perm(request.user, Perm.DOCUMENT_SIGN):
        raise PermissionDenied
    try:
        ids = [int(v) for v in request.POST.getlist("document")]
    except ValueError:
        raise Http404 from None
    if not ids:
        messages.error(request, _("Tick the documents to sign."))
        return redirect("signing:queue")
    if len(ids) == 1:  # one document: a refusal is the answer (403), as on the API
        try:
            services.document_sign(user=request.user, document_id=ids[0])
        except DocumentSignature.DoesNotExist:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return redirect("signing:queue")
        messages.success(request, _("The document was signed."))
        return redirect(request.POST.get("next") if _safe_next(request) else "signing:queue")
    try:
        done, errors = services.documents_sign_many(user=request.user, document_ids=ids)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("signing:queue")
    messages.success(request, ngettext("%(n)s document signed.", "%(n)s documents signed.", len(done)) % {
        "n": len(done)})
    for document_id, error in list(errors.items())[:10]:
        messages.error(request, _("Document %(id)s: %(error)s") % {"id": document_id, "error": error})
    return redirect("signing:queue")


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next") or ""
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure())
