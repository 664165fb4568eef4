"""The case page's 异议复议 tab: the objections against this enforcement case (or the one this 执异 case is)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import Perm, Target, has_perm
from cases.models import CaseType
from core.case_tabs import CaseTab


def _context(request, case) -> dict:
    from .selectors import objections_of_case

    today = timezone.localdate()
    objections = objections_of_case(case=case)
    for o in objections:
        o.hold_in_force = o.hold_active and (o.hold_until is None or o.hold_until >= today)
    target = Target(court_id=case.court_id)
    return {"objections": objections,
            "can_register": (case.case_type in (CaseType.FIRST, CaseType.RESUMED, CaseType.PRESERVATION)
                             and has_perm(request.user, Perm.REVIEW_HANDLE, target)
                             and has_perm(request.user, Perm.CASE_REGISTER, target))}


TABS = [CaseTab(key="review", label=_("Objections"), template="review/tabs/case_tab.html", context=_context,
                order=65)]
