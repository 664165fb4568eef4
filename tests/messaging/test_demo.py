"""The demo's delivery log tells the same story as the timeline: a message per SMS recipient of each case event since
the switch-on, sent after its event and never in the future; seeding twice changes nothing; the outbox then finds
nothing more to send."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from messaging import demo
from messaging.models import Message, MessageTemplate
from messaging.services import outbox_scan
from tests.assets.conftest import fund

pytestmark = pytest.mark.django_db


def test_demo_log_is_consistent_with_the_case_events(org, make_case):
    case = make_case()
    fund(case, org.finance, "12000.00")
    story = SimpleNamespace(court=org.court, staff={"chief": org.chief})
    summary = demo.seed(story, seed=20240101, cases=10)
    assert "templates" in summary
    # every event's SMS template is switched on in the demo (six events, the post-终本 query result among them)
    assert MessageTemplate.objects.filter(court=org.court, enabled=True, channel="sms").count() == 6
    assert not MessageTemplate.objects.filter(channel="email", enabled=True).exists()
    log = list(Message.objects.select_related("event").order_by("id"))
    assert {m.event_kind for m in log} == {"case_accepted", "funds_received"}
    now = timezone.now()
    for m in log:
        assert m.created_at == m.event.at
        if m.status == "sent":
            assert m.event.at < m.sent_at <= now and m.provider_id
        else:
            assert m.status in ("skipped", "failed") and m.error
    assert demo.seed(story, seed=20240101, cases=10) == "already seeded"
    before = Message.objects.count()
    outbox_scan()
    assert Message.objects.count() == before  # the first real run sends nothing again
