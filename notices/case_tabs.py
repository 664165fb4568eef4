"""The Documents tab on the case page (core.case_tabs): issued documents, issue, reprint, correct."""

from django.utils.translation import pgettext_lazy

from accounts.policy import Perm
from core.case_tabs import CaseTab


def _documents(request, case) -> dict:
    from .views import documents_tab_context

    return documents_tab_context(request, case)


TABS = [
    CaseTab(key="documents", label=pgettext_lazy("case tab", "Documents"), template="notices/tab_documents.html",
            context=_documents,
            perm=Perm.CASE_VIEW, order=60),
]
