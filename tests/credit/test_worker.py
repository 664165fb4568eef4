"""A REAL Celery worker on a REAL Redis: the beat's removal-ground task, sent twice, opens the removal of a listing
whose debtor paid in full exactly once."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from cases.services import PartyInput
from credit import services
from credit.models import CreditMeasure
from tests.celery_worker import celery_worker, wait_for

from .conftest import debtor, resident_id

pytestmark = [pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def test_the_beat_task_opens_the_removal_once(org_committed, broker, tmp_path):
    from enforcement.celery import app
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)(parties=[
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                   id_number="11010519491231002X", phones=["13800000001"], address="天水"),
        PartyInput(role="respondent", kind="person", name="李四", id_kind="resident_id",
                   id_number=resident_id("19800101"), address="天水")])
    m = services.measure_propose(actor=org.officer, case=case, case_party=debtor(case), kind="dishonest", ground="1",
                                 reasons="拒不履行", conduct="拒不履行")
    m = services.measure_decide(actor=org.chief, measure=services.measure_approve(actor=org.chief, measure=m))
    Case.objects.filter(pk=case.pk).update(amount_recovered=case.amount_claimed)
    entry = app.conf.beat_schedule["credit-removal-grounds"]  # exactly what beat sends
    with celery_worker(tmp_path, "credit1", broker=broker):
        with app.connection_for_write(broker) as conn:
            for _ in range(2):
                app.send_task(entry["task"], connection=conn)
        wait_for(lambda: CreditMeasure.objects.get(pk=m.pk).status == "removal_open", 60, "the worker should open it")
        wait_for(lambda: (tmp_path / "credit1.log").read_text().count("succeeded") >= 2, 60, "both tasks ran")
    m.refresh_from_db()
    assert (m.removal_ground, m.removal_arose_on) == ("performed", timezone.localdate())
    assert case.events.filter(type="credit_removal_open").count() == 1
