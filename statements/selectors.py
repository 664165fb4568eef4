"""Reads of the statements app, scoped by the permission policy in the query: statements and their lines are the
finance office's (``FUNDS_RECORD``, its own court)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.policy import Perm, scope_q

from .models import Statement, StatementLine


def _scope(user) -> Q:
    return scope_q(user, Perm.FUNDS_RECORD, team=None, officer=None)


def statement_list_for_user(*, user) -> QuerySet[Statement]:
    return (Statement.objects.filter(_scope(user)).select_related("imported_by")
            .order_by("-imported_at", "-id"))


def statement_get_for_user(*, user, pk: int) -> Statement:
    """The statement, or 404 when it does not exist or belongs to a court the user does not keep the books of."""
    statement = statement_list_for_user(user=user).filter(pk=pk).first()
    if statement is None:
        raise Http404("No such statement.")
    return statement


def statement_line_list_for_user(*, user, statement: int | None = None, status: str = "", direction: str = "",
                                 booked_from: date | None = None, booked_to: date | None = None,
                                 q: str = "") -> QuerySet[StatementLine]:
    """Lines of the statements the user may see, filtered; ordered by booking date."""
    qs = StatementLine.objects.filter(_scope(user))
    if statement is not None:
        qs = qs.filter(statement_id=statement)
    if status:
        qs = qs.filter(status=status)
    if direction:
        qs = qs.filter(direction=direction)
    if booked_from:
        qs = qs.filter(booked_on__gte=booked_from)
    if booked_to:
        qs = qs.filter(booked_on__lte=booked_to)
    if q:
        q = q.strip()[:80]
        qs = qs.filter(Q(bank_reference=q.upper()) | Q(payer_name__icontains=q) | Q(remark__icontains=q)
                       | Q(payer_account=q) | Q(sub_account=q))
    return qs.select_related("case").order_by("booked_on", "id")


def statement_lines_of(statement: Statement) -> QuerySet[StatementLine]:
    """Every line a statement brought (its new lines), in file order."""
    return statement.lines.select_related("case").order_by("row", "id")
