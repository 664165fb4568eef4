"""The 电子卷宗 tab on the case page (core.case_tabs): the catalogue in short, a link to the file page."""

from django.utils.translation import gettext_lazy as _

from accounts.policy import Perm
from core.case_tabs import CaseTab


def _context(request, case) -> dict:
    from accounts.policy import has_perm

    from .selectors import catalogue, volume_current

    groups, _superseded, total = catalogue(case)
    return {"groups": groups, "total_pages": total, "volume": volume_current(case),
            "count": sum(len(g.entries) for g in groups),
            "can_file": has_perm(request.user, Perm.EFILE_FILE, case)}


TABS = [
    CaseTab(key="efile", label=_("Case file"), template="efile/tab.html", context=_context, perm=Perm.CASE_VIEW,
            order=65),
]
