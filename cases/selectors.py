"""Reads of cases, scoped by the permission policy inside the query itself."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.policy import Perm, require, scope_q

from .models import Case


def case_list_for_user(*, user, perm: Perm = Perm.CASE_VIEW) -> QuerySet[Case]:
    return Case.objects.filter(scope_q(user, perm))


def case_get_for_user(*, user, pk: int, perm: Perm = Perm.CASE_VIEW, for_update: bool = False) -> Case:
    """The one way to fetch a case for a user: 404 if they cannot see it, 403 if they can see but not ``perm``."""
    qs = Case.objects.select_related("court", "team", "officer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.filter(scope_q(user, Perm.CASE_VIEW)).filter(pk=pk).first()
    if case is None:
        raise Http404("No such case.")
    if perm != Perm.CASE_VIEW:
        require(user, perm, case)
    return case
