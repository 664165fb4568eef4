"""Every read of objections and reconsideration, scoped by the policy in the query."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.policy import Perm, require, scope_q

from .models import Objection, ObjectionStatus


def objection_visible_q(user) -> Q:
    """Who sees an objection: whoever sees its 执异 case (the adjudication team, the court's clerks and chief, the
    higher court's chief), and the team of the enforcement case it is against."""
    return (scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team", officer="case__officer")
            | scope_q(user, Perm.CASE_VIEW, court="enforcement_case__court", team="enforcement_case__team",
                      officer="enforcement_case__officer"))


def objection_list(*, user, status: str = "", court_id: int | None = None, query: str = "") -> QuerySet[Objection]:
    qs = (Objection.objects.filter(objection_visible_q(user))
          .select_related("case", "case__team", "case__officer", "enforcement_case", "asset", "court",
                          "reconsideration")
          .order_by("-received_on", "-id"))
    if status in ObjectionStatus.values:
        qs = qs.filter(status=status)
    if court_id:
        qs = qs.filter(court_id=court_id)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(case__number__icontains=query) | Q(enforcement_case__number__icontains=query)
                       | Q(objector__icontains=query))
    return qs


def objection_get_for_user(*, user, pk: int, perm: Perm | None = None) -> Objection:
    """404 when not visible, 403 when visible but ``perm`` is not held on it."""
    objection = objection_list(user=user).filter(pk=pk).first()
    if objection is None:
        raise Http404("No such objection.")
    if perm is not None:
        require(user, perm, objection)
    return objection


def objections_of_case(*, case) -> list[Objection]:
    """The objections against an enforcement case, or the one a 执异 case is (the case tab): two queries."""
    return list(Objection.objects.filter(Q(enforcement_case_id=case.pk) | Q(case_id=case.pk))
                .select_related("case", "asset", "reconsideration").order_by("-received_on", "-id"))


def pending_count(*, user) -> int:
    """Objections under review the user may rule on (the chief's home tile; the list ?status=pending&mine=rule)."""
    return ruling_queue(user=user).count()


def ruling_queue(*, user) -> QuerySet[Objection]:
    return (objection_list(user=user, status=ObjectionStatus.PENDING)
            .filter(scope_q(user, Perm.REVIEW_RULE, court="case__court", team="case__team",
                            officer="case__officer")))
