"""The supervision tab on the case page (core.case_tabs): the case's supervision orders, dispatches and reception
visits, and the button to open an order for those who may."""

from django.utils.translation import gettext_lazy as _

from core.case_tabs import CaseTab


def _supervision(request, case) -> dict:
    from accounts.policy import Perm, has_perm

    from . import selectors

    return {
        "sv_orders": list(selectors.order_list_for_user(user=request.user).filter(case=case)[:50]),
        "sv_tickets": list(selectors.ticket_list_for_user(user=request.user).filter(case=case)[:50]),
        "sv_visits": list(selectors.visit_list_for_user(user=request.user).filter(case=case)[:50]),
        "sv_may_order": has_perm(request.user, Perm.SUPERVISION_ORDER, case),
    }


TABS = [
    CaseTab(key="supervision", label=_("Supervision (督办)"), template="supervision/tab_case.html",
            context=_supervision, order=88),
]
