"""The demo seed: idempotent, deterministic counts, consistent dates (nothing before filing or in the future)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from supervision import demo, selectors
from supervision.models import DispatchTicket, ReceptionVisit, SupervisionEscalation, SupervisionOrder
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_demo_seed_tells_a_consistent_story(org, make_case):
    today = timezone.localdate()
    for _ in range(8):
        make_case(received_on=today - timedelta(days=92), filed_on=today - timedelta(days=90))
    officer3 = make_user("officer3", org.court, ["officer"], [org.other_team])
    staff = {"chief": org.chief, "zy_chief": org.supervisor, "clerk1": org.clerk, "officer1": org.officer,
             "officer2": org.colleague, "officer3": officer3}
    demo_org = SimpleNamespace(court=org.court, staff=staff)
    summary = demo.seed(demo_org, seed=1, cases=10)
    assert summary.startswith("4 supervision orders")
    assert demo.seed(demo_org, seed=1, cases=10) == ""  # idempotent
    now = timezone.now()
    for o in SupervisionOrder.objects.select_related("case"):
        assert o.case.filed_on <= timezone.localdate(o.opened_at) and o.opened_at <= now
        assert o.replied_at is None or o.opened_at < o.replied_at <= now
    late = SupervisionOrder.objects.get(late=True)
    assert late.status == "closed" and late.escalations.count() == 1
    assert SupervisionOrder.objects.filter(court=org.intermediate).count() == 1
    assert selectors.orders_overdue(user=org.chief).count() == 1  # the open one two days late, escalated
    assert SupervisionEscalation.objects.count() == 2
    tickets = list(DispatchTicket.objects.all())
    assert tickets and all(t.dispatched_at < t.acknowledged_at < t.reported_back_at <= now for t in tickets)
    assert sum(1 for t in tickets if t.escalated_at) == 1
    assert selectors.response_stats(user=org.chief)
    assert selectors.followups_overdue(user=org.chief).count() == 1
    assert ReceptionVisit.objects.count() == 3


def test_seed_demo_command_includes_the_supervision_story(db):
    from django.core.management import call_command

    call_command("seed_demo", "--cases", "400", "--seed", "20240101", verbosity=0)
    orders = SupervisionOrder.objects.select_related("ordered_by")
    assert orders.count() == 4
    assert orders.filter(ordered_by__username="zy_chief").count() == 1
    assert orders.filter(late=True, status="closed").count() == 1
    assert DispatchTicket.objects.filter(escalated_at__isnull=False).count() == 1
    from deadlines.models import Deadline

    # the scan that ends the seeding carries the orders' and visits' deadlines
    assert Deadline.objects.filter(kind="supervision_reply").count() == 4
    assert Deadline.objects.filter(kind="reception_followup").count() == 2
