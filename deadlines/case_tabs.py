"""The case page's deadline panel: every deadline of the case, its status and its reminders (bounded queries)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import Perm
from core.case_tabs import CaseTab


def _context(request, case) -> dict:
    from . import selectors

    rows = selectors.deadline_list_for_case(user=request.user, case=case)
    today = timezone.localdate()
    items = selectors.deadline_describe_rows(rows, today=today, red_days=selectors.red_days_for(request.user))
    open_items = [it for it in items if it.rag != "done"]
    done_items = [it for it in items if it.rag == "done"]
    return {"open_items": open_items, "done_items": done_items, "today": today}


TABS = [
    CaseTab(key="deadlines", label=_("Deadlines"), template="deadlines/case_tab.html", context=_context,
            perm=Perm.CASE_VIEW, order=15),
]
