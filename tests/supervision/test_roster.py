"""Taking a shift off the duty roster (the officer is ill, the roster was typed wrong): a shift not yet begun is void
and never puts anyone on duty, a running one ends now, an ended one stays as the record; once, with a reason, by the
court's dispatchers only (page and API)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from supervision import services
from supervision.models import DutyShift
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _shift(org, officer=None, start=1, hours=8, court=None):
    now = timezone.now()
    return DutyShift.objects.create(court=court or org.court, officer=officer or org.officer,
                                    starts_at=now + timedelta(hours=start), ends_at=now + timedelta(hours=start + hours),
                                    created_by=org.clerk)


def test_a_future_shift_is_void_and_never_counts(org):
    shift = _shift(org, start=2)
    services.shift_cancel(actor=org.clerk, shift=shift, reason="值班人员病假")
    shift.refresh_from_db()
    assert shift.void and shift.cancelled_by == org.clerk and shift.cancel_reason == "值班人员病假"
    assert services.on_duty(org.court.pk, shift.starts_at + timedelta(hours=1)) == []
    # the slot is free again for the same officer
    services.shift_add(actor=org.clerk, officer_id=org.officer.pk, starts_at=shift.starts_at, ends_at=shift.ends_at)
    assert services.on_duty(org.court.pk, shift.starts_at + timedelta(hours=1)) == [org.officer]


def test_a_running_shift_ends_now_and_stays_on_record(org):
    shift = _shift(org, start=-2)
    before = timezone.now()
    services.shift_cancel(actor=org.chief, shift=shift, reason="临时外出执行")
    shift.refresh_from_db()
    assert not shift.void and before <= shift.ends_at <= timezone.now()
    assert services.on_duty(org.court.pk, timezone.now() + timedelta(minutes=1)) == []
    assert services.on_duty(org.court.pk, shift.starts_at + timedelta(minutes=30)) == [org.officer]  # the record


def test_once_with_a_reason_and_never_an_ended_shift(org):
    shift = _shift(org, start=2)
    with pytest.raises(ValidationError) as exc:
        services.shift_cancel(actor=org.clerk, shift=shift, reason="  ")
    assert "reason" in exc.value.message_dict and DutyShift.objects.get(pk=shift.pk).cancelled_at is None
    services.shift_cancel(actor=org.clerk, shift=shift, reason="病假\u202e\x07")  # free text: invisibles stripped
    assert DutyShift.objects.get(pk=shift.pk).cancel_reason == "病假"
    with pytest.raises(ValidationError) as exc:  # a second click
        services.shift_cancel(actor=org.clerk, shift=shift, reason="病假")
    assert "shift" in exc.value.message_dict
    ended = _shift(org, start=-10, hours=2)
    with pytest.raises(ValidationError):
        services.shift_cancel(actor=org.clerk, shift=ended, reason="补录")
    assert DutyShift.objects.get(pk=ended.pk).cancelled_at is None


def test_only_the_courts_dispatchers(org):
    shift = _shift(org)
    with pytest.raises(PermissionDenied):
        services.shift_cancel(actor=org.officer, shift=shift, reason="x")
    with pytest.raises(PermissionDenied):
        services.shift_cancel(actor=org.other_chief, shift=shift, reason="x")
    assert DutyShift.objects.get(pk=shift.pk).cancelled_at is None


def test_roster_page_takes_a_shift_off_and_shows_who_and_why(client, org):
    future, running = _shift(org, start=3), _shift(org, officer=org.colleague, start=-1)
    login(client, org.clerk)
    page = client.get(reverse("supervision:roster")).content.decode()
    assert reverse("supervision:shift_cancel", args=[future.pk]) in page
    assert reverse("supervision:shift_cancel", args=[running.pk]) in page
    url = reverse("supervision:shift_cancel", args=[future.pk])
    assert client.post(url, {"reason": ""}).status_code == 302  # refused with a message, nothing changed
    assert DutyShift.objects.get(pk=future.pk).cancelled_at is None
    r = client.post(url, {"reason": "值班人员病假"}, follow=True)
    page = r.content.decode()
    assert "已从值班表撤下" in page and "值班人员病假" in page and "<del>" in page
    assert reverse("supervision:shift_cancel", args=[future.pk]) not in page  # no second button
    r = client.post(url, {"reason": "再点一次"}, follow=True)
    assert "已结束或已从值班表撤下" in r.content.decode() and DutyShift.objects.get(pk=future.pk).cancel_reason == "值班人员病假"
    client.post(reverse("supervision:shift_cancel", args=[running.pk]), {"reason": "临时外出"})
    assert DutyShift.objects.get(pk=running.pk).ends_at <= timezone.now()
    # another court's dispatcher: 404; an officer: 403
    other = _shift(org, officer=org.outsider, court=org.other_court)
    assert client.post(reverse("supervision:shift_cancel", args=[other.pk]), {"reason": "x"}).status_code == 404
    login(client, org.officer)
    assert client.post(reverse("supervision:shift_cancel", args=[other.pk]), {"reason": "x"}).status_code == 403
    assert DutyShift.objects.get(pk=other.pk).cancelled_at is None


def test_api_cancel(client, org):
    shift = _shift(org, start=2)
    login(client, org.clerk)
    url = f"/api/v1/duty-shifts/{shift.pk}/cancel/"
    r = client.post(url, {}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()
    r = client.post(url, {"reason": "病假"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["void"] is True and r.json()["cancelled_by"] == org.clerk.pk
    r = client.post(url, {"reason": "病假"}, content_type="application/json")
    assert r.status_code == 400 and "shift" in r.json()
    listed = {row["id"]: row for row in client.get("/api/v1/duty-shifts/").json()["results"]}
    assert listed[shift.pk]["cancel_reason"] == "病假"
    login(client, org.officer)  # the roster is not the officer's to see: 404, as for any record out of sight
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_adding_overlapping_shifts_at_once_make_one(org_committed):
    """The officer's row is locked for the overlap check: the second add waits, then sees the first."""
    import threading

    from django.db import connection

    org = org_committed
    now = timezone.now()
    results, barrier = [], threading.Barrier(2)

    def add(hours):
        try:
            barrier.wait()
            services.shift_add(actor=org.clerk, officer_id=org.officer.pk, starts_at=now + timedelta(hours=hours),
                               ends_at=now + timedelta(hours=hours + 8))
            results.append("added")
        except ValidationError as exc:
            results.append(next(iter(exc.message_dict)))
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(h,)) for h in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["added", "starts_at"]
    assert DutyShift.objects.filter(officer=org.officer).count() == 1
