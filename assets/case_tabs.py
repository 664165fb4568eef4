"""The assets and funds tabs on the case page (core.case_tabs)."""

from django.utils.translation import gettext_lazy as _

from core.case_tabs import CaseTab


def _assets(request, case) -> dict:
    from .views import assets_tab_context

    return assets_tab_context(request, case)


def _funds(request, case) -> dict:
    from .views import funds_tab_context

    return funds_tab_context(request, case)


TABS = [
    CaseTab(key="assets", label=_("Assets"), template="assets/tab_assets.html", context=_assets, order=40),
    CaseTab(key="funds", label=_("Case funds"), template="assets/tab_funds.html", context=_funds, order=50),
]
