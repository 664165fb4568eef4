"""The home page's to-do tiles: per role, how many items wait, each a link to the page that lists exactly them.

Each tile's number comes from the selector of the page it links to (``tests/core/test_home_tiles.py`` checks the
number against that page's count), and the tiles of a user cost a fixed number of queries whatever the data. An app
not installed, or a page the user may not open, gives no tile.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from typing import Callable
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import Perm, has_perm


@dataclass
class Tile:
    key: str
    label: str
    count: int
    url: str
    urgent: bool = False  # shown in red when there is something


def _url(name: str, **query) -> str | None:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def _officer(user, today: date) -> list[Tile]:
    from deadlines.selectors import deadline_mine_counts

    counts = deadline_mine_counts(user=user, today=today)  # one query for the three tiles
    tiles = [("mine_overdue", _("My overdue deadlines"), counts["overdue"], "overdue", True),
             ("mine_today", _("My deadlines due today"), counts["today"], "today", True),
             ("mine_leads", _("Asset leads to check"), counts["leads"], "leads", False)]
    url = _url("deadlines:mine")
    return [Tile(key, label, n, f"{url}?{urlencode({'view': 'list', 'show': show})}", urgent)
            for key, label, n, show, urgent in tiles] if url else []


def _chief(user, today: date) -> list[Tile]:
    tiles = []
    if has_perm(user, Perm.CASE_CLOSE_APPROVE) and (url := _url("cases:approvals")):
        from cases.selectors import approvals_waiting

        # the approvals page's two queues: closure requests and 中止 requests
        tiles.append(Tile("closures", _("Closure and suspension requests awaiting approval"),
                          approvals_waiting(user=user)["total"], url))
    if has_perm(user, Perm.REPORT_VIEW) and (url := _url("deadlines:overdue")):
        from deadlines.selectors import deadline_overdue_count

        tiles.append(Tile("bureau_overdue", _("Overdue deadlines in the bureau"),
                          deadline_overdue_count(user=user, today=today), url, urgent=True))
    return tiles


def _unidentified(user, today: date) -> list[Tile]:
    """The chief's tile: unidentified money waiting longer than the court's limit (statements.escalation)."""
    if not has_perm(user, Perm.CASE_CLOSE_APPROVE) or not (url := _url("statements:escalations")):
        return []
    from statements.escalation import escalated_lines

    return [Tile("unidentified_escalated", _("Unidentified money waiting too long"),
                 escalated_lines(user=user, today=today).count(), url, urgent=True)]


def _payouts(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.PAYOUT_APPROVE) or not (url := _url("assets:payout_queue")):
        return []
    from assets.selectors import payout_queue

    return [Tile("payouts", _("Payouts awaiting approval or payment"), payout_queue(user=user).count(), url)]


def _funds(user, today: date) -> list[Tile]:
    if not any(has_perm(user, p) for p in (Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE, Perm.PAYOUT_PREPARE)):
        return []
    if not (url := _url("assets:funds_awaiting")):
        return []
    from assets.selectors import funds_awaiting

    return [Tile("funds", _("Receipts not yet paid out"), funds_awaiting(user=user).count(), url)]


def _role_changes(user, today: date) -> list[Tile]:
    if not (has_perm(user, Perm.ROLE_CHANGE_APPROVE) or has_perm(user, Perm.COURT_ADMIN)):
        return []
    if not (url := _url("accounts:role_changes")):
        return []
    from accounts.views import _role_change_scope

    return [Tile("role_changes", _("Role change requests waiting"),
                 _role_change_scope(user).filter(status="pending").count(), url)]


def notices_selection(today: date):
    """The clerk's notices to print: this week's new cases still without the enforcement notice (the batch
    printing page with these filters lists exactly them)."""
    from notices import batch

    monday, sunday = batch.this_week(today)
    return batch.BatchSelection(filed_from=monday, filed_to=sunday, without="enforcement_notice")


def _notices(user, today: date) -> list[Tile]:
    if not has_perm(user, Perm.NOTICE_ISSUE) or not _url("notices:batch"):
        return []
    from notices import batch

    selection = notices_selection(today)
    url = _url("notices:batch", filed_from=selection.filed_from.isoformat(),
               filed_to=selection.filed_to.isoformat(), without=selection.without)
    return [Tile("notices", _("New cases this week without an enforcement notice"),
                 batch.batch_case_candidates(user=user, selection=selection).count(), url)]


def _resumptions(show: str, key: str, label):
    """Resumption proposals after a post-终本 query found assets: the officer's to put to the chief, the chief's to
    decide (the list page ``inquiry:resumptions?show=...`` lists exactly them)."""
    def build(user, today: date) -> list[Tile]:
        url = _url("inquiry:resumptions", show=show)
        if not url:
            return []
        from inquiry.selectors_resumption import WAITING_FOR, proposals_waiting

        if not has_perm(user, WAITING_FOR[show][1]):
            return []
        return [Tile(key, label, proposals_waiting(user=user, show=show).count(), url)]

    return build


_resumptions_officer = _resumptions("officer", "resumptions_officer", _("Post-终本 finds to look at (恢复执行)"))
_resumptions_chief = _resumptions("chief", "resumptions_chief", _("Resumptions awaiting your decision (恢复执行)"))


# The tiles of each role, in order (a user with several roles gets each tile once).
ROLE_TILES: dict[str, tuple[Callable, ...]] = {
    Role.OFFICER: (_officer, _resumptions_officer),
    Role.CHIEF: (_chief, _resumptions_chief, _payouts, _role_changes, _unidentified),
    Role.CLERK: (_notices,),
    Role.FINANCE: (_funds, _payouts),
    Role.COURT_ADMIN: (_role_changes,),
}


# Apps that add tiles through their own ``<app>/todo.py``: ``TILES = {Role.CHIEF: (build, ...), ...}``, each
# ``build(user, today) -> list[Tile]`` following this module's rules (the number from the selector of the page the
# tile opens, a fixed number of queries, no tile when the page is not there or the user may not open it).
TODO_APPS = ("credit", "review", "delegation", "supervision", "efile", "signing", "portal")
_app_tiles: dict[str, tuple[Callable, ...]] | None = None


def app_tiles() -> dict[str, tuple[Callable, ...]]:
    global _app_tiles
    if _app_tiles is None:
        found: dict[str, tuple[Callable, ...]] = {}
        for name in TODO_APPS:
            try:
                module = importlib.import_module(f"{name}.todo")
            except ModuleNotFoundError as exc:
                if exc.name not in (name, f"{name}.todo"):
                    raise
                continue
            for role, builders in module.TILES.items():
                found[role] = found.get(role, ()) + tuple(builders)
        _app_tiles = found
    return _app_tiles


def tiles_for(user, *, today: date | None = None) -> list[Tile]:
    today = today or timezone.localdate()
    seen: set[Callable] = set()
    tiles: list[Tile] = []
    extra = app_tiles()
    for role in getattr(user, "roles", None) or []:
        for build in ROLE_TILES.get(role, ()) + extra.get(role, ()):
            if build in seen:
                continue
            seen.add(build)
            try:
                tiles += build(user, today)
            except ImportError:  # the app is not installed in this deployment
                continue
    return tiles
