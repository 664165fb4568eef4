"""Sign-in lockout (django-axes, database handler): per (account, address) pair and per account across addresses.

axes counts failures for every lockout parameter set (``AXES_LOCKOUT_PARAMETERS``: the account alone, and the
account with the address) and compares the largest count, the account's, with one limit. ``failure_limit`` makes
that one comparison mean two: the pair limit (``ENF_LOGIN_PAIR_FAILURE_LIMIT``) once this address has used it up,
otherwise the higher account limit (``ENF_LOGIN_ACCOUNT_FAILURE_LIMIT``), so one person guessing from one address is
stopped early, an attacker rotating addresses is stopped at the account limit, and colleagues are never affected.
"""

from __future__ import annotations

import logging

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import User
from .policy import Perm, require

log = logging.getLogger("accounts.lockout")


def failure_limit(request, credentials=None) -> int:
    """axes' AXES_FAILURE_LIMIT callable: the limit that applies to this request (see the module docstring)."""
    pair_limit = settings.ENF_LOGIN_PAIR_FAILURE_LIMIT
    account_limit = settings.ENF_LOGIN_ACCOUNT_FAILURE_LIMIT
    ip_address = getattr(request, "axes_ip_address", None)
    if request is None or ip_address is None:
        return account_limit
    username = get_client_username(request, credentials)
    pair = AccessAttempt.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(n=Sum("failures_since_start"))["n"] or 0
    return pair_limit if pair >= pair_limit else account_limit


def user_failed_sign_ins(*, user: User) -> int:
    """The failed sign-ins counted against ``user``'s account (every address), within the cool-off time."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(username=user.get_username(), attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"] or 0


def user_lockout_clear(*, actor: User, user: User) -> int:
    """Unlock ``user``: forget every failed sign-in of the account, from every address. A court administrator may
    unlock the users of their own court; the deployment's superuser anyone. Recorded in the admin's history."""
    if not actor.is_superuser:
        require(actor, Perm.COURT_ADMIN)
        if user.court_id is None or user.court_id != actor.court_id:
            raise PermissionDenied
    with transaction.atomic():
        deleted, _by_model = AccessAttempt.objects.filter(username=user.get_username()).delete()
        LogEntry.objects.log_actions(
            user_id=actor.pk, queryset=[user], action_flag=CHANGE,
            change_message=_("Sign-in lockout cleared (%(count)d failed attempt records).") % {"count": deleted},
            single_object=True,
        )
    log.warning("Sign-in lockout of %s cleared by %s (%d attempt records)", user.get_username(),
                actor.get_username(), deleted)
    return deleted
