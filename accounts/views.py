from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from .forms import LoginForm
from .tokens import api_token_list, api_token_revoke, api_tokens_revoke_all


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": _("Sign in")}


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    extra_context = {"title": _("Change password")}


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    extra_context = {"title": _("Password changed")}


# --- Role changes awaiting a second person (four eyes) ----------------------------------------------------------

def _role_change_scope(user):
    from django.db.models import Q

    from .models import RoleChangeRequest
    from .policy import Perm, scope_q

    # Requests of the user's court for an approver, and the requests the user made (to follow or take back).
    return RoleChangeRequest.objects.filter(
        scope_q(user, Perm.ROLE_CHANGE_APPROVE, court="court", team=None, officer=None) | Q(requested_by=user))


@login_required
def role_changes(request):
    from .policy import Perm, has_perm
    from .services import role_change_may_decide

    if not (has_perm(request.user, Perm.ROLE_CHANGE_APPROVE) or has_perm(request.user, Perm.COURT_ADMIN)):
        raise PermissionDenied
    qs = _role_change_scope(request.user).select_related("user", "requested_by", "decided_by")
    pending = list(qs.filter(status="pending").order_by("requested_at", "id"))
    for r in pending:
        r.may_decide = role_change_may_decide(request.user, r)
        r.may_withdraw = r.requested_by_id == request.user.pk and r.user_id != request.user.pk
    decided = list(qs.exclude(status="pending").order_by("-decided_at", "-id")[:50])
    return render(request, "accounts/role_changes.html", {"title": _("Role changes"), "pending": pending,
                                                          "decided": decided})


@login_required
@require_GET
def api_tokens(request):
    """The user's own API tokens (device, created, expires, last used), each with a revoke button."""
    return render(request, "accounts/api_tokens.html", {
        "title": _("API tokens"), "tokens": api_token_list(user=request.user),
        "ttl_hours": settings.API_TOKEN_TTL_HOURS,
    })


@login_required
@require_POST
def role_change_decide(request, pk: int, action: str):
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.shortcuts import redirect

    from .services import role_change_approve, role_change_reject

    if action not in ("approve", "reject"):
        raise Http404
    change = _role_change_scope(request.user).filter(pk=pk).first()
    if change is None:
        raise Http404
    note = (request.POST.get("note") or "")[:300]
    try:
        if action == "approve":
            role_change_approve(actor=request.user, request=change, note=note)
            messages.success(request, _("Role change approved and applied."))
        else:
            role_change_reject(actor=request.user, request=change, note=note)
            messages.success(request, _("Role change rejected."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:role_changes")
    return redirect("accounts:role_changes")


@login_required
@require_POST
def api_token_revoke_page(request, key: str):
    if not api_token_revoke(user=request.user, key=key):
        raise Http404
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:api_tokens")


@login_required
@require_POST
def api_tokens_revoke_all_page(request):
    count = api_tokens_revoke_all(user=request.user)
    messages.success(request, _("%(count)d token(s) revoked.") % {"count": count})
    return redirect("accounts:api_tokens")
