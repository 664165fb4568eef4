"""The resumption tab on the case page (core.case_tabs): post-终本 queries that found assets, and the decision."""

from django.utils.translation import gettext_lazy as _

from core.case_tabs import CaseTab


def _resumption(request, case) -> dict:
    from .views_resumption import tab_context

    return tab_context(request, case)


TABS = [
    CaseTab(key="resumption", label=_("Resumption (恢复执行)"), template="inquiry/tab_resumption.html",
            context=_resumption, order=85),
]
