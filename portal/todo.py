"""The officer's home tile: questions and leads from parties waiting (the number is the count of portal:waiting)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


def _officer(user, today):
    from core.todo import Tile

    from .selectors import waiting_count

    return [Tile("portal_waiting", _("Questions and leads from parties"), waiting_count(user=user),
                 reverse("portal:waiting"))]


TILES = {Role.OFFICER: (_officer,)}
