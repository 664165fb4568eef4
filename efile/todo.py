"""Home tiles of the e-file (core.todo): closed cases waiting for their archive volume, for clerks and the chief.
The number is the count of the page the tile opens (``efile.selectors.to_archive``), one query."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import Perm, has_perm


def _to_archive(user, today) -> list:
    from core.todo import Tile, _url

    from .selectors import to_archive

    url = _url("efile:to_archive")
    if not url or not has_perm(user, Perm.EFILE_ARCHIVE):
        return []
    return [Tile("efile_to_archive", _("Closed cases to archive"), to_archive(user).count(), url)]


TILES = {Role.CLERK: (_to_archive,), Role.CHIEF: (_to_archive,)}
