"""The demo court's delegations (delegation.demo) are consistent with their cases and with the deadlines."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from cases.models import CaseEvent
from deadlines.models import Deadline
from delegation.models import Delegation


def test_demo_delegations_tell_a_consistent_story(db):
    call_command("seed_demo", "--cases", "300", "--seed", "20240101", verbosity=0)
    today = timezone.localdate()
    rows = list(Delegation.objects.select_related("case", "receiving_court").order_by("pk"))
    assert [d.status for d in rows] == ["answered", "sent", "accepted", "sent"]
    assert [d.external for d in rows] == [False, False, False, True]
    for d in rows:
        assert d.case.filed_on <= d.sent_on <= today
        assert d.accepted_on is None or d.sent_on <= d.accepted_on <= today
        assert d.answered_on is None or (d.accepted_on or d.sent_on) <= d.answered_on <= today
        for event in CaseEvent.objects.filter(case=d.case, parameters__delegation_id=d.pk):
            assert timezone.localtime(event.at).date() <= today
            assert timezone.localtime(event.at).date() >= d.case.filed_on
    answered, _pending, late, _external = rows
    assert CaseEvent.objects.filter(case=answered.case, type="delegation_answered").exists()
    overdue = Deadline.objects.filter(source_type="delegation", source_id=late.pk, due_on__lt=today,
                                      status__in=("open", "overdue"))
    assert overdue.filter(kind="delegation_report", court=late.receiving_court).exists()
    # seeding again changes nothing
    call_command("seed_demo", "--cases", "300", "--seed", "20240101", verbosity=0)
    assert Delegation.objects.count() == 4
