from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
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
