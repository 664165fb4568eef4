"""Home tiles (core.todo): delegations waiting for this court to accept, and overdue ones on either side. Each
number is the count of the list page the tile opens (``delegation:list`` with the same box and show)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import Perm, has_perm


def _tile(key: str, label, box: str, show: str, perm: Perm, urgent: bool, count: str):
    def build(user, today: date) -> list:
        from core.todo import Tile, _url

        url = _url("delegation:list", box=box, show=show)
        if not url or not has_perm(user, perm):
            return []
        from .selectors import delegation_counts

        # the three tiles' numbers in one query; each equals delegation_list(box=box, show=show).count()
        return [Tile(key, label, delegation_counts(user=user, today=today)[count], url, urgent)]

    return build


incoming_waiting = _tile("delegation_waiting", _("Delegations from other courts to accept"), "incoming", "waiting",
                         Perm.DELEGATION_RECEIVE, False, "waiting")
incoming_overdue = _tile("delegation_in_overdue", _("Delegated tasks overdue here"), "incoming", "overdue",
                         Perm.DELEGATION_RECEIVE, True, "in_overdue")
outgoing_overdue = _tile("delegation_out_overdue", _("Our delegations overdue at other courts"), "outgoing",
                         "overdue", Perm.CASE_VIEW, True, "out_overdue")

TILES = {
    Role.CHIEF: (incoming_waiting, incoming_overdue, outgoing_overdue),
    Role.CLERK: (incoming_waiting, incoming_overdue),
    Role.OFFICER: (incoming_overdue, outgoing_overdue),
}
