"""Command-centre dispatch (执行110): roster, SMS once, acknowledgement once, callback after ack, escalation once."""

import json
import threading
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from deadlines.models import Notification
from messaging.models import Message
from supervision import selectors, services
from supervision.models import DispatchTicket
from tests.celery_worker import celery_worker, wait_for
from tests.conftest import login, make_user

pytestmark = pytest.mark.django_db


def _dispatch(org, officer=None, **kw):
    args = {"kind": "urgent_report", "report": "被执行人车辆甘E·12345出现在麦积区商场停车场",
            "location": "麦积区商埠路", "reporter_phone": "13900000000", **kw}
    return services.ticket_dispatch(actor=org.clerk, officer_id=(officer or org.officer).pk, **args)


@pytest.fixture
def phones(org):
    type(org.officer).objects.filter(pk=org.officer.pk).update(phone="13812345678")
    type(org.chief).objects.filter(pk=org.chief.pk).update(phone="13887654321")
    org.officer.refresh_from_db()


def test_dispatch_to_the_officer_on_duty_sends_one_sms(org, on_duty, phones):
    ticket = _dispatch(org)
    assert ticket.number.startswith("ZH") and ticket.status == "dispatched"
    assert (ticket.response_due - ticket.dispatched_at) == timedelta(minutes=30)  # the urgent default
    sms = Message.objects.get()
    assert sms.address == "13812345678" and ticket.number in sms.body and sms.purpose == "other"
    assert Notification.objects.filter(recipient=org.officer, text__contains=ticket.number).count() == 1


def test_response_minutes_are_a_court_setting(org, on_duty):
    from core.models import CourtSetting

    CourtSetting.objects.create(court=org.court, key="dispatch_response_minutes_lead", value=15)
    ticket = _dispatch(org, kind="lead")
    assert ticket.response_due - ticket.dispatched_at == timedelta(minutes=15)


def test_dispatch_to_an_officer_not_on_duty_needs_a_reason(org, on_duty):
    with pytest.raises(ValidationError) as exc:
        _dispatch(org, officer=org.colleague)
    assert "officer" in exc.value.message_dict
    ticket = _dispatch(org, officer=org.colleague, off_roster_reason="值班人员在外执行，就近指派")
    assert ticket.off_roster_reason


def test_dispatch_refuses_other_courts_officer_and_case_and_bad_input(org, on_duty, foreign_case):
    with pytest.raises(ValidationError) as exc:
        _dispatch(org, officer=org.outsider, off_roster_reason="x")
    assert "officer" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _dispatch(org, case=foreign_case)
    assert "case" in exc.value.message_dict
    for kw, field in (({"report": " "}, "report"), ({"kind": "x"}, "kind"),
                      ({"reporter_name": "张\u202e三"}, "reporter_name"), ({"reporter_phone": "abc电话"},
                                                                            "reporter_phone")):
        with pytest.raises(ValidationError) as exc:
            _dispatch(org, **kw)
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.ticket_dispatch(actor=org.officer, kind="lead", report="x", officer_id=org.officer.pk)
    assert not DispatchTicket.objects.exists() and not Message.objects.exists()


def test_acknowledge_twice_keeps_the_first_time(org, on_duty):
    ticket = _dispatch(org)
    first = services.ticket_acknowledge(actor=org.officer, ticket=ticket).acknowledged_at
    again = services.ticket_acknowledge(actor=org.officer, ticket=ticket).acknowledged_at
    assert first is not None and first == again
    ticket.refresh_from_db()
    assert ticket.acknowledged_at == first and ticket.status == "acknowledged" and ticket.response_seconds >= 0
    with pytest.raises(PermissionDenied):
        services.ticket_acknowledge(actor=org.colleague, ticket=ticket)


def test_callback_before_acknowledgement_is_refused(org, on_duty):
    ticket = _dispatch(org)
    with pytest.raises(ValidationError) as exc:
        services.ticket_report_back(actor=org.officer, ticket=ticket, result="到场未见车辆")
    assert "result" in exc.value.message_dict
    services.ticket_acknowledge(actor=org.officer, ticket=ticket)
    ticket = services.ticket_report_back(actor=org.officer, ticket=ticket, result="到场扣押车辆一辆")
    assert ticket.status == "reported"
    with pytest.raises(ValidationError):
        services.ticket_report_back(actor=org.officer, ticket=ticket, result="again")


def test_escalation_once_with_notification_and_sms_to_the_chief(org, on_duty, phones):
    ticket = _dispatch(org)
    Message.objects.all().delete()
    assert services.tickets_escalate() == 0
    later = ticket.response_due + timedelta(seconds=1)
    assert services.tickets_escalate(now=later) == 1
    assert services.tickets_escalate(now=later) == 0
    assert Notification.objects.filter(recipient=org.chief, text__contains=ticket.number).count() == 1
    assert list(Message.objects.values_list("address", flat=True)) == ["13887654321"]
    assert list(selectors.tickets_escalated(user=org.chief)) == [ticket]
    services.ticket_acknowledge(actor=org.officer, ticket=ticket)  # late confirmation still counts
    assert not selectors.tickets_escalated(user=org.chief).exists()
    stats = selectors.response_stats(user=org.chief)
    assert stats[0]["late"] == 1 and stats[0]["acknowledged"] == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_escalation_runs_escalate_once(org_committed):
    org = org_committed
    type(org.chief).objects.filter(pk=org.chief.pk).update(phone="13887654321")
    from supervision.models import DutyShift

    now = timezone.now()
    DutyShift.objects.create(court=org.court, officer=org.officer, starts_at=now - timedelta(hours=1),
                             ends_at=now + timedelta(hours=1), created_by=org.clerk)
    tickets = [_dispatch(org) for _ in range(3)]
    Message.objects.all().delete()
    later = max(t.response_due for t in tickets) + timedelta(seconds=1)
    results, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(services.tickets_escalate(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 3
    assert Message.objects.count() == 3
    assert Notification.objects.filter(recipient=org.chief, text__contains="ZH").count() == 3


def test_other_courts_ticket_is_not_found(client, org, on_duty):
    ticket = _dispatch(org)
    other_clerk = make_user("oclerk", org.other_court, ["clerk"])
    login(client, other_clerk)
    assert client.get(f"/supervision/dispatch/{ticket.pk}/").status_code == 404
    assert client.post(f"/api/v1/dispatch-tickets/{ticket.pk}/acknowledge/").status_code == 404
    login(client, org.colleague)
    assert client.get(f"/supervision/dispatch/{ticket.pk}/").status_code == 404
    login(client, org.officer)
    r = client.post(f"/supervision/dispatch/{ticket.pk}/report/", {"result": "x"})
    assert r.status_code == 400  # not yet confirmed
    assert client.post(f"/supervision/dispatch/{ticket.pk}/ack/").status_code == 302
    assert client.post(f"/supervision/dispatch/{ticket.pk}/ack/").status_code == 302
    r = client.post(f"/api/v1/dispatch-tickets/{ticket.pk}/report-back/", {"result": "已到场"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "reported"


def test_board_and_stats_pages(client, org, on_duty):
    ticket = _dispatch(org)
    login(client, org.clerk)
    r = client.get("/supervision/dispatch/")
    assert r.status_code == 200 and ticket.number in r.content.decode()
    r = client.get("/supervision/dispatch/", HTTP_HX_REQUEST="true")
    assert "<html" not in r.content.decode() and ticket.number in r.content.decode()
    assert client.get("/supervision/dispatch/stats/").status_code == 200
    assert client.get("/api/v1/dispatch-stats/").status_code == 200
    login(client, org.officer)
    assert client.get("/supervision/dispatch/").status_code == 403
    assert client.get("/api/v1/dispatch-stats/").status_code == 403


@pytest.fixture
def broker():
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.mark.celery
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_real_worker_escalates_once_and_sends_the_chiefs_sms_once(org_committed, broker, tmp_path):
    """The beat entry sent twice to a REAL worker: the overdue ticket escalates once and the chief's SMS goes out
    once through the file backend."""
    from enforcement.celery import app
    from supervision.models import DutyShift

    org = org_committed
    type(org.chief).objects.filter(pk=org.chief.pk).update(phone="13887654321")
    now = timezone.now()
    DutyShift.objects.create(court=org.court, officer=org.officer, starts_at=now - timedelta(hours=1),
                             ends_at=now + timedelta(hours=1), created_by=org.clerk)
    ticket = _dispatch(org)
    DispatchTicket.objects.filter(pk=ticket.pk).update(dispatched_at=now - timedelta(minutes=40),
                                                       response_due=now - timedelta(minutes=10))
    entry = app.conf.beat_schedule["supervision-dispatch-escalate"]
    outbox = tmp_path / "sms" / "outbox.jsonl"
    with celery_worker(tmp_path, "sv1", broker=broker):
        with app.connection_for_write(broker) as conn:
            for _ in range(2):
                app.send_task(entry["task"], connection=conn)
        wait_for(lambda: DispatchTicket.objects.filter(pk=ticket.pk, escalated_at__isnull=False).exists(), 60,
                 "the worker should escalate the ticket")
        wait_for(lambda: Message.objects.filter(address="13887654321", status="sent").exists(), 60,
                 "the chief's SMS should be sent")
        wait_for(lambda: outbox.exists() and "13887654321" in outbox.read_text(), 30, "written by the backend")
    lines = [json.loads(x) for x in outbox.read_text(encoding="utf-8").splitlines()]
    assert [x["to"] for x in lines if x["to"] == "13887654321"] == ["13887654321"]
    assert Notification.objects.filter(recipient=org.chief, text__contains=ticket.number).count() == 1
