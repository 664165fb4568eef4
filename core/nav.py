"""The navigation, one entry per page, each shown only to users holding its permission.

Entries whose URL does not resolve (an app not installed in this deployment) are left out, so the menu never links
to a missing page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.policy import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perms: tuple[Perm, ...]  # any one of them shows the entry; empty = every signed-in user


NAV: tuple[NavItem, ...] = (
    NavItem(_("Workbench"), "core:home", ()),
    NavItem(_("My cases"), "cases:my_cases", (Perm.CASE_ACT,)),
    NavItem(_("Cases"), "cases:list", (Perm.CASE_VIEW,)),
    NavItem(_("Register a case"), "cases:register", (Perm.CASE_REGISTER,)),
    NavItem(_("My deadlines"), "deadlines:mine", (Perm.CASE_ACT,)),
    NavItem(_("Overdue"), "deadlines:overdue", (Perm.CASE_CLOSE_APPROVE,)),
    NavItem(_("Approvals"), "cases:approvals", (Perm.CASE_CLOSE_APPROVE, Perm.PAYOUT_APPROVE)),
    NavItem(_("Seized assets"), "assets:controls_expiring", (Perm.ASSET_CONTROL, Perm.CASE_CLOSE_APPROVE)),
    NavItem(_("Case funds"), "assets:funds_awaiting", (Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE, Perm.PAYOUT_PREPARE)),
    NavItem(_("Batch printing"), "notices:batch", (Perm.NOTICE_ISSUE,)),
    NavItem(_("Document register"), "notices:register", (Perm.NOTICE_ISSUE,)),
    NavItem(_("Document templates"), "notices:templates", (Perm.COURT_ADMIN,)),
    NavItem(_("Calculators"), "assets:calculators", (Perm.CASE_VIEW,)),
    NavItem(_("Dashboard"), "reports:dashboard", (Perm.REPORT_VIEW,)),
    NavItem(_("Weekly reports"), "reports:weekly_list", (Perm.REPORT_VIEW,)),
    NavItem(_("Handovers for disposal"), "assets:handovers", (Perm.DISPOSAL_HANDOVER_APPROVE, Perm.ASSET_DISPOSE)),
    NavItem(_("Role changes"), "accounts:role_changes", (Perm.ROLE_CHANGE_APPROVE,)),
    NavItem(_("Administration"), "admin:index", (Perm.COURT_ADMIN,)),
)


def nav_for(user, perms: set[str]) -> list[dict]:
    items = []
    for item in NAV:
        if item.perms and not any(p.value in perms for p in item.perms):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "name": item.url_name})
    return items
