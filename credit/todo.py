"""Home tiles of the credit app (core.todo): the chief's overdue removals and waiting approvals, the officer's
removals due. Each number is the count of the page the tile opens (tests/credit/test_tiles.py)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import Perm, has_perm
from core.todo import Tile, _url


def overdue_removals(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.CREDIT_DECIDE) or not (url := _url("credit:removals", show="overdue")):
        return []
    from .selectors import removals_overdue

    return [Tile("credit_removals_overdue", _("Overdue removals from the dishonest list"),
                 removals_overdue(user=user, today=today).count(), url, urgent=True)]


def approvals(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.CREDIT_DECIDE) or not (url := _url("credit:approvals")):
        return []
    from .selectors import approvals_waiting

    return [Tile("credit_approvals", _("Listings and restrictions awaiting approval"),
                 approvals_waiting(user=user).count(), url)]


TILES = {Role.CHIEF: (overdue_removals, approvals)}
