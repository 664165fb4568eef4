"""The case page's own tabs (other apps add theirs in their ``case_tabs.py``)."""

from django.utils.translation import gettext_lazy as _

from accounts.policy import Perm
from core.case_tabs import CaseTab


def _data(request, case) -> dict:
    from .views import _detail_data

    return _detail_data(request, case)


def _actions(request, case) -> dict:
    return {"actions": _data(request, case)["actions"]}


def _followups(request, case) -> dict:
    d = _data(request, case)
    from django.utils import timezone

    return {"leads": d["leads"], "petitions": d["petitions"], "settlements": d["settlements"], "now": timezone.now()}


def _closures(request, case) -> dict:
    return {"closures": _data(request, case)["closures"], "resumed_cases": _data(request, case)["resumed_cases"],
            "suspensions": _data(request, case)["suspensions"]}


def _audit(request, case) -> dict:
    from .selectors import case_audit_trail

    return {"audit_rows": case_audit_trail(case=case)}


TABS = [
    CaseTab(key="actions", label=_("Actions"), template="cases/tabs/actions.html", context=_actions, order=10),
    CaseTab(key="followups", label=_("Leads, petitions, settlements"), template="cases/tabs/followups.html",
            context=_followups, order=20),
    CaseTab(key="closures", label=_("Closure"), template="cases/tabs/closures.html", context=_closures, order=30),
    CaseTab(key="audit", label=_("Audit"), template="cases/tabs/audit.html", context=_audit,
            perm=Perm.CASE_CLOSE_APPROVE, order=900),
]
