"""The 失信/限消 tab on the case page (core.case_tabs)."""

from django.utils.translation import gettext_lazy as _

from core.case_tabs import CaseTab


def _credit(request, case) -> dict:
    from .views import tab_context

    return tab_context(request, case)


TABS = [
    CaseTab(key="credit", label=_("Listing and restriction (失信/限消)"), template="credit/tab.html",
            context=_credit, order=80),
]
