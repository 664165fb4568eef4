"""Home tiles: the objections under review the user may rule on (the chief), the same list as
``review:objection_list?mine=rule``."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import Perm, has_perm
from core.todo import Tile, _url


def _to_rule(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.REVIEW_RULE) or not (url := _url("review:objection_list", mine="rule")):
        return []
    from .selectors import ruling_queue

    return [Tile("objections_to_rule", _("Objections awaiting your ruling"), ruling_queue(user=user).count(), url)]


TILES = {Role.CHIEF: (_to_rule,)}
