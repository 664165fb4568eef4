"""Home tiles of the supervision app (core/todo.py): each number is the count of the page the tile opens."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import Perm, has_perm
from core.todo import Tile, _url

from . import selectors


def _orders_to_answer(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.CASE_ACT) or not (url := _url("supervision:orders", view="answer")):
        return []
    return [Tile("supervision_answer", _("Supervision orders to answer"),
                 selectors.orders_to_answer(user=user).count(), url, urgent=True)]


def _tickets_to_ack(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.CASE_ACT) or not (url := _url("supervision:my_tickets", view="ack")):
        return []
    return [Tile("dispatch_ack", _("Dispatches to confirm"), selectors.tickets_to_acknowledge(user=user).count(),
                 url, urgent=True)]


def _orders_overdue(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.SUPERVISION_ORDER) or not (url := _url("supervision:orders", view="overdue")):
        return []
    return [Tile("supervision_overdue", _("Overdue supervision replies"),
                 selectors.orders_overdue(user=user, today=today).count(), url, urgent=True)]


def _tickets_escalated(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.DISPATCH) or not (url := _url("supervision:board", view="escalated")):
        return []
    return [Tile("dispatch_escalated", _("Escalated dispatches"), selectors.tickets_escalated(user=user).count(),
                 url, urgent=True)]


def _followups_overdue(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.RECEPTION_RECORD) or not (url := _url("supervision:followups", view="overdue")):
        return []
    return [Tile("reception_overdue", _("Overdue reception follow-ups"),
                 selectors.followups_overdue(user=user, today=today).count(), url, urgent=True)]


TILES = {
    Role.OFFICER: (_orders_to_answer, _tickets_to_ack),
    Role.CHIEF: (_orders_overdue, _tickets_escalated, _followups_overdue),
}
