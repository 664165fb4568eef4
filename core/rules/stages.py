"""Which enforcement step moves a case to which process node (执行流程节点, domain.md §2.1 "as implemented").

A pure rule on plain strings (the values of ``cases.models.Stage`` and ``ActionKind``), so it can be tested as a
table. The services that record a step call ``stage_after`` inside the step's own transaction and, when it answers a
stage, move the case there and note it on the timeline.

The rule only ever moves a case forward along the working nodes
立案 → 执行通知 → 财产调查 → 财产控制 → 财产处置 → 案款发放. It never moves a case backwards (going back is an explicit
workflow step with a reason), never moves it sideways into 中止/暂缓 or out of them, and never touches a closed or
archived case. A step may skip nodes: measures may be taken at once, before the notice (CPL-I art 480), and a
debtor may pay before anything was frozen.
"""

from __future__ import annotations

from collections.abc import Iterable

# The working nodes in their statutory order (the values of cases.models.Stage).
WORK_ORDER = ("registered", "notice", "investigation", "control", "disposal", "payout")
# Stages the rule never moves a case out of: paused (中止, 暂缓) and closed.
FROZEN_STAGES = ("suspended", "stayed", "closed", "archived")


class StepEvent:
    """The steps that advance a case, and the node each one reaches."""

    NOTICE_SERVED = "notice_served"          # the 执行通知书 served on the respondent
    INVESTIGATION = "investigation"          # network query, on-site investigation, search, summons
    CONTROL = "control"                      # freeze, seizure, detention (an action or a control ruling)
    DISPOSAL = "disposal"                    # disposal of a controlled asset started (reference price, auction)
    FUNDS = "funds"                          # money received into the case account, or paid out of it


EVENT_STAGE = {
    StepEvent.NOTICE_SERVED: "notice",
    StepEvent.INVESTIGATION: "investigation",
    StepEvent.CONTROL: "control",
    StepEvent.DISPOSAL: "disposal",
    StepEvent.FUNDS: "payout",
}

# Logged enforcement actions (cases.models.ActionKind values) that are steps. Party measures (限制消费, 失信),
# sanctions, hearings, talks and the like are not: they do not mark a node.
ACTION_EVENTS = {
    "network_query": StepEvent.INVESTIGATION,
    "onsite_investigation": StepEvent.INVESTIGATION,
    "search": StepEvent.INVESTIGATION,
    "summons": StepEvent.INVESTIGATION,
    "freeze": StepEvent.CONTROL,
    "seizure": StepEvent.CONTROL,
    "vehicle_detention": StepEvent.CONTROL,
}


def action_event(kind: str, details: dict | None = None) -> str | None:
    """The step a logged action is, if any. A notice served counts only when the 执行通知书 was among the
    documents: the acceptance notice alone (受理通知书) goes to the applicant and does not open node 3."""
    if kind == "notice_served":
        documents: Iterable[str] = (details or {}).get("documents") or ()
        return StepEvent.NOTICE_SERVED if "enforcement_notice" in documents else None
    return ACTION_EVENTS.get(kind)


def stage_after(current: str, event: str | None) -> str | None:
    """The stage a case at ``current`` moves to after ``event``, or None when it stays where it is."""
    if event is None or current in FROZEN_STAGES or current not in WORK_ORDER:
        return None
    target = EVENT_STAGE.get(event)
    if target is None:
        return None
    return target if WORK_ORDER.index(target) > WORK_ORDER.index(current) else None
