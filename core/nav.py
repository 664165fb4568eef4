"""The navigation, one entry per page, each shown only to users holding its permission.

Entries of the same topic (``group``) are shown together under one drop-down menu when a user sees two or more of
them, so a chief's menu with every page fits one line of a 1366 px screen; a group with a single visible entry is
shown as a plain link.

Entries whose URL does not resolve (an app not installed in this deployment) are left out, so the menu never links
to a missing page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perms: tuple[Perm, ...]  # any one of them shows the entry; empty = every signed-in user
    group: str = ""  # a key of GROUPS: shown in that drop-down menu; empty = always a top-level link


# The drop-down menus, by topic, in the order they first appear in NAV.
GROUPS: dict[str, str] = {
    "supervision": pgettext_lazy("menu", "Supervision"),
    "money": pgettext_lazy("menu", "Assets and funds"),
    "documents": pgettext_lazy("menu", "Documents"),
    "reports": pgettext_lazy("menu", "Statistics"),
    "admin": pgettext_lazy("menu", "Management"),
}


NAV: tuple[NavItem, ...] = (
    NavItem(_("Workbench"), "core:home", ()),
    NavItem(_("My cases"), "cases:my_cases", (Perm.CASE_ACT,)),
    NavItem(_("Cases"), "cases:list", (Perm.CASE_VIEW,)),
    NavItem(_("Register a case"), "cases:register", (Perm.CASE_REGISTER,)),
    NavItem(_("My deadlines"), "deadlines:mine", (Perm.CASE_ACT,)),
    NavItem(_("Overdue"), "deadlines:overdue", (Perm.CASE_CLOSE_APPROVE,), "supervision"),
    NavItem(_("Approvals"), "cases:approvals", (Perm.CASE_CLOSE_APPROVE, Perm.PAYOUT_APPROVE), "supervision"),
    NavItem(_("Inquiry access log"), "inquiry:access_log", (Perm.INQUIRY_AUDIT,), "supervision"),
    NavItem(_("Listings and restrictions"), "credit:list", (Perm.CREDIT_DECIDE, Perm.CREDIT_PUBLISH),
            "supervision"),
    NavItem(_("Delegations"), "delegation:list", (Perm.DELEGATION_SEND, Perm.DELEGATION_RECEIVE), "supervision"),
    NavItem(_("Supervision orders"), "supervision:orders", (Perm.SUPERVISION_ORDER,), "supervision"),
    NavItem(_("Command centre"), "supervision:board", (Perm.DISPATCH,), "supervision"),
    NavItem(_("Reception days"), "supervision:reception", (Perm.RECEPTION_RECORD,), "supervision"),
    NavItem(_("Seized assets"), "assets:controls_expiring", (Perm.ASSET_CONTROL, Perm.CASE_CLOSE_APPROVE), "money"),
    NavItem(_("Case funds"), "assets:funds_awaiting", (Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE, Perm.PAYOUT_PREPARE),
            "money"),
    NavItem(_("Bank statements"), "statements:list", (Perm.FUNDS_RECORD,), "money"),
    NavItem(_("Unidentified money"), "statements:unidentified", (Perm.FUNDS_RECORD, Perm.FUNDS_CLAIM), "money"),
    NavItem(_("Batch printing"), "notices:batch", (Perm.NOTICE_ISSUE,), "documents"),
    NavItem(_("Document register"), "notices:register", (Perm.NOTICE_ISSUE,), "documents"),
    NavItem(_("Document templates"), "notices:templates", (Perm.COURT_ADMIN,), "documents"),
    NavItem(_("Search the case files"), "efile:search", (Perm.EFILE_ARCHIVE,), "documents"),
    NavItem(_("Network inquiry"), "inquiry:batch_list", (Perm.INQUIRY_RUN,), "money"),
    NavItem(_("Calculators"), "assets:calculators", (Perm.CASE_VIEW,), "money"),
    NavItem(_("Dashboard"), "reports:dashboard", (Perm.REPORT_VIEW,), "reports"),
    NavItem(_("Weekly reports"), "reports:weekly_list", (Perm.REPORT_VIEW,), "reports"),
    NavItem(_("Case funds by age"), "reports:funds_ageing", (Perm.REPORT_VIEW, Perm.FUNDS_RECORD), "money"),
    NavItem(_("Handovers for disposal"), "assets:handovers", (Perm.DISPOSAL_HANDOVER_APPROVE, Perm.ASSET_DISPOSE),
            "money"),
    NavItem(_("Role changes"), "accounts:role_changes", (Perm.ROLE_CHANGE_APPROVE,), "admin"),
    NavItem(_("Message templates"), "messaging:templates", (Perm.MESSAGING_MANAGE,), "admin"),
    NavItem(_("Administration"), "admin:index", (Perm.COURT_ADMIN,), "admin"),
    # signing (issue 22)
    NavItem(_("Awaiting signature"), "signing:queue", (Perm.DOCUMENT_SIGN,), "documents"),
    NavItem(_("Electronic seal"), "signing:settings", (Perm.SIGNING_MANAGE,), "admin"),
    NavItem(_("Objections"), "review:objection_list", (Perm.REVIEW_HANDLE,), "supervision"),
    NavItem(_("Objection KPIs"), "review:kpis", (Perm.REPORT_VIEW,), "reports"),
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
        items.append({"label": item.label, "url": url, "name": item.url_name, "group": item.group})
    return items


def nav_menu(items: list[dict], path: str = "") -> list[dict]:
    """The menu bar for ``nav_for``'s entries: top-level links and, where a topic has two or more entries, one
    drop-down per topic (placed where its first entry would be). Each element has ``label`` and either ``url`` and
    ``name`` (a link) or ``children`` (a drop-down); ``active`` marks the current page's link or drop-down."""
    counts: dict[str, int] = {}
    for item in items:
        if item["group"]:
            counts[item["group"]] = counts.get(item["group"], 0) + 1
    menu: list[dict] = []
    groups: dict[str, dict] = {}
    for item in items:
        entry = dict(item, active=item["url"] == path)
        key = item["group"]
        if not key or counts[key] < 2:
            menu.append(entry)
            continue
        if key not in groups:
            groups[key] = {"label": GROUPS[key], "key": key, "children": [], "active": False, "badge": 0}
            menu.append(groups[key])
        groups[key]["children"].append(entry)
        groups[key]["active"] = groups[key]["active"] or entry["active"]
        groups[key]["badge"] += entry.get("badge") or 0  # a closed drop-down still shows what waits inside it
    return menu
