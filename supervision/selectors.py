"""Every read of the supervision app, scoped by the policy in the query."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.policy import Perm, has_perm, scope_q

from .models import DispatchTicket, DutyShift, OrderStatus, ReceptionDay, ReceptionVisit, SupervisionOrder


def order_list_for_user(*, user):
    """Orders on cases the user can see, of the user's own court's cases or opened by the user's court: a lower
    court's chief sees every order on its cases, a superior court's chief the orders their court opened."""
    if not user.is_authenticated:
        return SupervisionOrder.objects.none()
    qs = SupervisionOrder.objects.filter(scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team",
                                                 officer="case__officer"))
    if not user.is_superuser:
        qs = qs.filter(Q(case__court_id=user.court_id) | Q(court_id=user.court_id))
    return qs.select_related("case", "case__court", "court", "ordered_by", "replied_by")


def order_get_for_user(*, user, pk: int) -> SupervisionOrder:
    order = order_list_for_user(user=user).filter(pk=pk).first()
    if order is None:
        raise Http404("No such order.")
    return order


def orders_to_answer(*, user):
    """The officer's tile and list: open orders on cases the user acts on."""
    return (order_list_for_user(user=user).filter(status=OrderStatus.OPEN)
            .filter(scope_q(user, Perm.CASE_ACT, court="case__court", team="case__team", officer="case__officer")))


def orders_overdue(*, user, today: date | None = None):
    """The chief's tile and list: open orders past their reply date."""
    today = today or timezone.localdate()
    return order_list_for_user(user=user).filter(status=OrderStatus.OPEN, reply_due__lt=today)


def orders_to_close(*, user):
    """Answered orders the user's court opened, waiting to be accepted (closed) or reopened."""
    return order_list_for_user(user=user).filter(status=OrderStatus.REPLIED, court_id=user.court_id)


ORDER_VIEWS = {
    "all": lambda user, today: order_list_for_user(user=user),
    "answer": lambda user, today: orders_to_answer(user=user),
    "overdue": lambda user, today: orders_overdue(user=user, today=today),
    "close": lambda user, today: orders_to_close(user=user),
}


def ticket_list_for_user(*, user):
    """The command centre sees its court's tickets (DISPATCH); an officer sees the tickets dispatched to them."""
    if not user.is_authenticated:
        return DispatchTicket.objects.none()
    q = Q(dispatched_to_id=user.pk)
    if has_perm(user, Perm.DISPATCH):
        q |= scope_q(user, Perm.DISPATCH, team=None, officer=None)
    return DispatchTicket.objects.filter(q).select_related("case", "dispatched_to", "dispatched_by")


def ticket_get_for_user(*, user, pk: int) -> DispatchTicket:
    ticket = ticket_list_for_user(user=user).filter(pk=pk).first()
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def tickets_open(*, user):
    """The board: tickets not yet reported back, the most urgent first."""
    return ticket_list_for_user(user=user).filter(reported_back_at__isnull=True).order_by("response_due", "id")


def tickets_to_acknowledge(*, user):
    return DispatchTicket.objects.filter(dispatched_to_id=user.pk, acknowledged_at__isnull=True).order_by(
        "response_due", "id")


def tickets_escalated(*, user):
    """The chief's tile: escalated tickets still not confirmed."""
    if not has_perm(user, Perm.DISPATCH):
        return DispatchTicket.objects.none()
    return (DispatchTicket.objects.filter(scope_q(user, Perm.DISPATCH, team=None, officer=None),
                                          escalated_at__isnull=False, acknowledged_at__isnull=True)
            .select_related("case", "dispatched_to").order_by("response_due", "id"))


TICKET_VIEWS = {
    "open": lambda user: tickets_open(user=user),
    "ack": lambda user: tickets_to_acknowledge(user=user),
    "escalated": lambda user: tickets_escalated(user=user),
    "all": lambda user: ticket_list_for_user(user=user),
}


def shift_list_for_user(*, user):
    return (DutyShift.objects.filter(scope_q(user, Perm.DISPATCH, team=None, officer=None))
            .select_related("officer", "cancelled_by").order_by("-starts_at", "id"))


def response_stats(*, user, since=None) -> list[dict]:
    """Per officer: tickets, confirmed, late (confirmed after the due time or escalated), median and 90th
    percentile of the time to respond (confirmed - dispatched), in seconds. One query."""
    if not has_perm(user, Perm.DISPATCH):
        return []
    params = [user.court_id]
    where = "t.court_id = %s"
    if since:
        where += " AND t.dispatched_at >= %s"
        params.append(since)
    with connection.cursor() as cur:
        cur.execute(f"""
            SELECT u.id, COALESCE(NULLIF(u.full_name, ''), u.username), count(*),
                   count(t.acknowledged_at),
                   count(*) FILTER (WHERE t.escalated_at IS NOT NULL OR t.acknowledged_at > t.response_due),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.acknowledged_at - t.dispatched_at)),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM t.acknowledged_at - t.dispatched_at))
            FROM supervision_dispatchticket t JOIN accounts_user u ON u.id = t.dispatched_to_id
            WHERE {where}
            GROUP BY u.id, u.full_name, u.username ORDER BY 2""", params)
        return [{"officer_id": r[0], "officer": r[1], "tickets": r[2], "acknowledged": r[3], "late": r[4],
                 "median_seconds": None if r[5] is None else round(r[5]),
                 "p90_seconds": None if r[6] is None else round(r[6])} for r in cur.fetchall()]


def day_list_for_user(*, user):
    return (ReceptionDay.objects.filter(scope_q(user, Perm.RECEPTION_RECORD, team=None, officer=None))
            .select_related("chief"))


def day_get_for_user(*, user, pk: int) -> ReceptionDay:
    day = day_list_for_user(user=user).filter(pk=pk).first()
    if day is None:
        raise Http404("No such reception day.")
    return day


def visit_list_for_user(*, user):
    """Visits of the court's reception days (RECEPTION_RECORD) and those the user must follow up."""
    q = Q(responsible_id=user.pk)
    if has_perm(user, Perm.RECEPTION_RECORD):
        q |= scope_q(user, Perm.RECEPTION_RECORD, court="day__court", team=None, officer=None)
    return ReceptionVisit.objects.filter(q).select_related("day", "day__chief", "case", "responsible")


def visit_get_for_user(*, user, pk: int) -> ReceptionVisit:
    visit = visit_list_for_user(user=user).filter(pk=pk).first()
    if visit is None:
        raise Http404("No such visit.")
    return visit


def followups_overdue(*, user, today: date | None = None):
    today = today or timezone.localdate()
    return visit_list_for_user(user=user).filter(followup_done_on__isnull=True, followup_due__lt=today).order_by(
        "followup_due", "id")


def followups_open(*, user):
    return visit_list_for_user(user=user).filter(followup_done_on__isnull=True).order_by("followup_due", "id")
