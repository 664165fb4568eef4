"""API tokens (django-rest-knox): sign-in creates one per device, each expires, the user lists and revokes them.

Only a hash of each token is stored (``accounts.ApiToken``); the token itself is shown once, in the sign-in answer.
A token lives ``API_TOKEN_TTL_HOURS`` from sign-in (use does not extend it); signing in again with the same device
name replaces that device's token; beyond ``API_TOKEN_MAX_PER_USER`` the oldest go. Every token of a user is revoked
when their password changes (``accounts.passwords.RevokeApiTokensOnPasswordChange``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication

from .models import ApiToken, User

# last_used is written at most once per this interval per token, so a busy client does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """Knox's token check (``Authorization: Token <token>``; expired tokens are deleted), plus the time of last use."""

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        if auth_token.last_used is None or now - auth_token.last_used >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used=now)
            auth_token.last_used = now
        return user, auth_token


class ApiTokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of ApiTokenAuthentication (drf-spectacular matches exact classes only)."""

    target_class = "accounts.tokens.ApiTokenAuthentication"
    name = "apiToken"


# --- Services ----------------------------------------------------------------------------------------------------

def api_token_create(*, user: User, device: str = "", user_agent: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token (shown once). Replaces the device's previous token."""
    with transaction.atomic():
        # One sign-in at a time per user, so two concurrent sign-ins cannot both keep more than the limit.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        mine = ApiToken.objects.filter(user=user)
        mine.filter(expiry__lt=timezone.now()).delete()
        if device:
            mine.filter(device=device).delete()
        instance, token = ApiToken.objects.create(user=user, device=device[:100], user_agent=user_agent[:200])
        surplus = list(mine.order_by("-created", "-pk").values_list("pk", flat=True)[settings.API_TOKEN_MAX_PER_USER:])
        if surplus:
            ApiToken.objects.filter(pk__in=surplus).delete()
    return instance, token


def api_token_revoke(*, user: User, key: str) -> bool:
    """Revoke the user's token whose public key (its first characters) is ``key``; False if there is none."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=key).delete()
    return deleted > 0


def api_token_revoke_current(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).delete()


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user`` (sign out every device); returns how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


# --- Selectors ---------------------------------------------------------------------------------------------------

def api_token_list(*, user: User):
    """The user's tokens that have not expired, newest first."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created", "-pk")
