"""The case page's 门户 tab: questions parties asked through the portal (answered here) and the leads they gave."""

from django.utils.translation import gettext_lazy as _

from accounts.policy import Perm, has_perm
from core.case_tabs import CaseTab


def _context(request, case) -> dict:
    from .forms import AnswerForm
    from .selectors import case_tab_items

    return {**case_tab_items(case=case), "case": case, "form": AnswerForm(),
            "may_answer": has_perm(request.user, Perm.CASE_ACT, case)}


TABS = [
    CaseTab(key="portal", label=_("Party portal"), template="portal/case_tab.html", context=_context,
            perm=Perm.CASE_VIEW, order=65),
]
