"""Tabs on the case page contributed by other apps (assets, funds, notices, deadlines...).

An app declares ``TABS`` in ``<app>/case_tabs.py``: a list of ``CaseTab``. The case page shows each tab the user may
see; a tab's content is rendered by its own template with the context its ``context`` function returns. Context
functions must run a bounded number of queries, whatever the case's size.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from accounts.policy import Perm

TAB_APPS = ("cases", "assets", "inquiry", "credit", "review", "delegation", "supervision", "efile", "notices",
            "deadlines", "messaging", "portal")


@dataclass(frozen=True)
class CaseTab:
    key: str  # html id and ?tab= value
    label: str
    template: str
    context: Callable  # (request, case) -> dict
    perm: Perm = Perm.CASE_VIEW
    order: int = 100


def collect() -> list[CaseTab]:
    tabs: list[CaseTab] = []
    for name in TAB_APPS:
        try:
            module = importlib.import_module(f"{name}.case_tabs")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.case_tabs":
                raise
            continue
        tabs.extend(module.TABS)
    return sorted(tabs, key=lambda t: t.order)
