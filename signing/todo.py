"""Home tiles: documents awaiting the user's signature (the number is the count of the queue page it opens)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import Perm, has_perm


def awaiting_signature(user, today) -> list:
    from core.todo import Tile

    from .services import queue_count

    if not has_perm(user, Perm.DOCUMENT_SIGN):
        return []
    from .services import sealing_in_service

    # No tile where electronic sealing is not in service (the court has no active certificate): nothing can wait.
    if not sealing_in_service(user.court_id):
        return []
    count = queue_count(user)
    return [Tile("signing", _("Documents awaiting your signature"), count, reverse("signing:queue"), urgent=False)]


TILES = {Role.CHIEF: (awaiting_signature,)}
