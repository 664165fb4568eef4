"""The demo court's objections (review.demo) tell a consistent story with the rest of the demo: one pending
objection holds an open disposal, one third-party objection dismissed, one upheld, one reversed at 甘05; every date
after the enforcement case's filing and not in the future; seeding twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from assets.services.disposal import review_hold
from review.models import Objection


@pytest.mark.slow
def test_demo_objections_are_consistent(db):
    call_command("seed_demo", "--cases", "200", "--seed", "20240101", verbosity=0)
    today = timezone.localdate()
    objections = list(Objection.objects.select_related("enforcement_case", "case", "reconsideration"))
    assert len(objections) == 4
    pending = [o for o in objections if o.status == "pending"]
    assert len(pending) == 1 and pending[0].disposal_id and review_hold(pending[0].asset_id) == pending[0].case.number
    outcomes = sorted((o.kind, o.outcome) for o in objections if o.status == "ruled")
    assert outcomes == [("act", "dismissed"), ("act", "upheld"), ("third_party", "dismissed")]
    reversed_ = [o for o in objections if hasattr(o, "reconsideration") and o.reconsideration.outcome == "reversed"]
    assert len(reversed_) == 1
    for o in objections:
        assert o.enforcement_case.filed_on <= o.received_on <= o.accepted_on <= today
        assert o.case.number.startswith(f"（{o.received_on.year}）") or "执异" in o.case.number
        for s in o.sessions.all():
            assert o.accepted_on <= s.held_on <= (o.ruled_on or today)
        if o.ruled_on:
            assert o.accepted_on <= o.ruled_on <= (o.served_on or today) <= today
            assert o.case.closed_on == o.ruled_on
    call_command("seed_demo", "--cases", "200", "--seed", "20240101", verbosity=0)
    assert Objection.objects.count() == 4
