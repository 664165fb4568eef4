"""The delegation tab on the case page (core.case_tabs): the case's delegations and the button to send one."""

from django.utils.translation import gettext_lazy as _

from core.case_tabs import CaseTab


def _context(request, case) -> dict:
    from accounts.policy import Perm, has_perm

    from .selectors import case_delegations

    return {"delegations": case_delegations(case=case),
            "may_send": case.is_open and has_perm(request.user, Perm.DELEGATION_SEND, case)}


TABS = [
    CaseTab(key="delegation", label=_("Delegation (委托)"), template="delegation/tab.html", context=_context,
            order=75),
]
