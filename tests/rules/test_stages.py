"""Which step moves a case from which stage to which (core.rules.stages; domain.md §2.1 "as implemented")."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.stages import (
    EVENT_STAGE, FROZEN_STAGES, WORK_ORDER, StepEvent, action_event, stage_after,
)

from .helpers import PROPERTY

ALL_STAGES = WORK_ORDER + FROZEN_STAGES
EVENTS = tuple(EVENT_STAGE)

# (current stage, step) -> new stage (None: the case stays). Every row written out: the rule as a table.
TABLE = [
    ("registered", StepEvent.NOTICE_SERVED, "notice"),
    ("registered", StepEvent.INVESTIGATION, "investigation"),
    ("registered", StepEvent.CONTROL, "control"),  # measures at once, the notice within 3 days after (CPL-I 480)
    ("registered", StepEvent.DISPOSAL, "disposal"),
    ("registered", StepEvent.FUNDS, "payout"),  # the debtor paid at once
    ("notice", StepEvent.NOTICE_SERVED, None),
    ("notice", StepEvent.INVESTIGATION, "investigation"),
    ("notice", StepEvent.CONTROL, "control"),
    ("investigation", StepEvent.NOTICE_SERVED, None),  # a notice served again does not go back
    ("investigation", StepEvent.INVESTIGATION, None),
    ("investigation", StepEvent.CONTROL, "control"),
    ("investigation", StepEvent.FUNDS, "payout"),
    ("control", StepEvent.INVESTIGATION, None),  # a new query while assets are frozen stays at 财产控制
    ("control", StepEvent.CONTROL, None),
    ("control", StepEvent.DISPOSAL, "disposal"),
    ("control", StepEvent.FUNDS, "payout"),
    ("disposal", StepEvent.CONTROL, None),
    ("disposal", StepEvent.DISPOSAL, None),
    ("disposal", StepEvent.FUNDS, "payout"),
    ("payout", StepEvent.INVESTIGATION, None),
    ("payout", StepEvent.CONTROL, None),
    ("payout", StepEvent.DISPOSAL, None),
    ("payout", StepEvent.FUNDS, None),
    ("suspended", StepEvent.NOTICE_SERVED, None),
    ("suspended", StepEvent.FUNDS, None),
    ("stayed", StepEvent.CONTROL, None),
    ("closed", StepEvent.FUNDS, None),
    ("closed", StepEvent.INVESTIGATION, None),  # the 6-monthly query after 终本 does not reopen the case
    ("archived", StepEvent.NOTICE_SERVED, None),
    ("registered", None, None),
    ("registered", "something_else", None),
    ("no_such_stage", StepEvent.CONTROL, None),
]


@pytest.mark.parametrize("current,event,expected", TABLE)
def test_stage_after_table(current, event, expected):
    assert stage_after(current, event) == expected


def test_the_stage_values_are_the_models():
    """The rule's plain strings are the values of cases.models.Stage and ActionKind."""
    from cases.models import ActionKind, Stage
    from core.rules.stages import ACTION_EVENTS

    assert set(ALL_STAGES) == set(Stage.values)

    assert set(ACTION_EVENTS) <= set(ActionKind.values)


@pytest.mark.parametrize("kind,details,expected", [
    ("notice_served", {"documents": ["enforcement_notice", "asset_report_order"]}, StepEvent.NOTICE_SERVED),
    ("notice_served", {"documents": ["acceptance_notice"]}, None),  # the acceptance notice alone is not node 3
    ("notice_served", {}, None),
    ("network_query", {}, StepEvent.INVESTIGATION),
    ("onsite_investigation", None, StepEvent.INVESTIGATION),
    ("search", None, StepEvent.INVESTIGATION),
    ("summons", None, StepEvent.INVESTIGATION),
    ("freeze", None, StepEvent.CONTROL),
    ("seizure", None, StepEvent.CONTROL),
    ("vehicle_detention", None, StepEvent.CONTROL),
    ("consumption_restriction", None, None),
    ("dishonest_listing", None, None),
    ("fine", None, None),
    ("applicant_interview", None, None),
    ("other", None, None),
])
def test_action_event(kind, details, expected):
    assert action_event(kind, details) == expected


@PROPERTY
@given(current=st.sampled_from(ALL_STAGES), event=st.sampled_from(EVENTS + (None,)))
def test_never_backwards_never_out_of_a_pause_or_a_closure(current, event):
    new = stage_after(current, event)
    if current in FROZEN_STAGES or event is None:
        assert new is None
    if new is not None:
        assert new in WORK_ORDER and WORK_ORDER.index(new) > WORK_ORDER.index(current)
        assert new == EVENT_STAGE[event]
        assert stage_after(new, event) is None  # the same step twice moves once


@PROPERTY
@given(events=st.lists(st.sampled_from(EVENTS), max_size=12))
def test_any_sequence_of_steps_only_climbs(events):
    stage, seen = "registered", ["registered"]
    for event in events:
        stage = stage_after(stage, event) or stage
        seen.append(stage)
    assert [WORK_ORDER.index(s) for s in seen] == sorted(WORK_ORDER.index(s) for s in seen)
    if events:
        assert WORK_ORDER.index(stage) == max(WORK_ORDER.index(EVENT_STAGE[e]) for e in events)
