"""Writes of the accounts app: role changes need a second person (four eyes).

A change of a user's roles, wherever it is made (the administration site, a script, the API), is a
``RoleChangeRequest``: it records the roles before and the roles asked for, who asked and why, and changes nothing.
Another court administrator or the court's division chief approves it (``Perm.ROLE_CHANGE_APPROVE`` on the user's
court), never the one who asked and never the user concerned; only then are the roles applied. The request, its
decision and the user's roles are tracked by database triggers (django-pghistory, append-only), each entry tagged with
the acting user and the service.
"""

from __future__ import annotations

import functools

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Role, RoleChangeRequest, RoleChangeStatus, User
from .policy import Perm, Target, has_perm, require


def _audited(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        actor = kwargs.get("actor")
        with transaction.atomic(), pghistory.context(user=getattr(actor, "pk", None), service=func.__name__):
            return func(*args, **kwargs)

    return wrapper


def _clean_roles(roles) -> list[str]:
    if isinstance(roles, str) or not isinstance(roles, (list, tuple, set)):
        raise ValidationError({"roles": _("Choose the roles from the list.")})
    unknown = {str(r) for r in roles} - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown role(s): %(roles)s") % {"roles": ", ".join(sorted(unknown))}})
    return [r for r in Role.values if r in {str(x) for x in roles}]  # the canonical order, no duplicates


def _court_target(user: User) -> Target:
    return Target(court_id=user.court_id)


@_audited
def role_change_request(*, actor, user: User, new_roles, reason: str = "") -> RoleChangeRequest:
    """Ask for ``user``'s roles to become ``new_roles``. Nothing changes until a second person approves."""
    require(actor, Perm.COURT_ADMIN, _court_target(user))
    roles = _clean_roles(new_roles)
    user = User.objects.select_for_update().get(pk=user.pk)
    old = _clean_roles(user.roles or [])
    if roles == old:
        raise ValidationError({"roles": _("These are already the user's roles.")})
    if roles and not user.court_id:
        raise ValidationError({"court": _("A member of staff with a role must belong to a court.")})
    if len((reason or "").strip()) > 300:
        raise ValidationError({"reason": _("Ensure this value has at most 300 characters.")})
    if RoleChangeRequest.objects.filter(user=user, status=RoleChangeStatus.PENDING).exists():
        raise ValidationError({"roles": _("A change of this user's roles is already awaiting approval.")})
    return RoleChangeRequest.objects.create(user=user, court_id=user.court_id, old_roles=old, new_roles=roles,
                                            reason=(reason or "").strip(), requested_by=actor)


def role_change_may_decide(actor, request: RoleChangeRequest) -> bool:
    """A second person: holds ROLE_CHANGE_APPROVE at the user's court, and is neither the requester nor the user."""
    return (actor.pk not in (request.requested_by_id, request.user_id)
            and has_perm(actor, Perm.ROLE_CHANGE_APPROVE, Target(court_id=request.court_id)))


def _lock(request: RoleChangeRequest) -> RoleChangeRequest:
    return RoleChangeRequest.objects.select_for_update(of=("self",)).select_related("user").get(pk=request.pk)


@_audited
def role_change_approve(*, actor, request: RoleChangeRequest, note: str = "") -> RoleChangeRequest:
    request = _lock(request)
    if actor.pk == request.user_id:
        raise PermissionDenied(_("Nobody may approve a change of their own roles."))
    if actor.pk == request.requested_by_id:
        raise PermissionDenied(_("You cannot approve your own request."))
    require(actor, Perm.ROLE_CHANGE_APPROVE, Target(court_id=request.court_id))
    if request.status != RoleChangeStatus.PENDING:
        raise ValidationError({"status": _("This request is already decided.")})
    user = User.objects.select_for_update().get(pk=request.user_id)
    if _clean_roles(user.roles or []) != list(request.old_roles):
        raise ValidationError({"roles": _("The user's roles changed since the request: reject it and ask again.")})
    user.roles = list(request.new_roles)
    user.save(update_fields=["roles"])
    request.status, request.decided_by, request.decided_at = RoleChangeStatus.APPROVED, actor, timezone.now()
    request.decision_note = (note or "").strip()[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return request


@_audited
def role_change_reject(*, actor, request: RoleChangeRequest, note: str = "") -> RoleChangeRequest:
    """Refuse a pending change (an approver), or take it back (its requester). The user concerned cannot."""
    request = _lock(request)
    if actor.pk == request.user_id:
        raise PermissionDenied(_("Nobody may decide a change of their own roles."))
    if actor.pk != request.requested_by_id:
        require(actor, Perm.ROLE_CHANGE_APPROVE, Target(court_id=request.court_id))
    if request.status != RoleChangeStatus.PENDING:
        raise ValidationError({"status": _("This request is already decided.")})
    request.status, request.decided_by, request.decided_at = RoleChangeStatus.REJECTED, actor, timezone.now()
    request.decision_note = (note or "").strip()[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return request
