"""Unidentified money waiting longer than the court's limit goes to the chief, exactly once per line."""

from datetime import date

import pytest
from django.core import mail

from statements.escalation import escalated_lines, escalations_notify


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the Chinese the users see (the default language)."""


@pytest.fixture(autouse=True)
def _fixed_today():
    """These tests run on the real date (the import tests' fixed March date is for their sample files)."""

pytestmark = pytest.mark.django_db


def test_after_three_working_days_across_a_weekend_and_a_holiday(org, make_line, django_capture_on_commit_callbacks):
    from deadlines.models import Holiday

    org.chief.email = "chief@court.invalid"
    org.chief.save()
    # Thursday 2026-12-03; Friday, (weekend), Monday 12-07 is the court's own holiday, Tuesday, Wednesday 12-09.
    Holiday.objects.create(court=org.court, date=date(2026, 12, 7), kind="holiday", name="本院调休")
    line = make_line(waiting_since=date(2026, 12, 3))
    claimed = make_line(waiting_since=date(2026, 12, 3), status="claimed")
    make_line(waiting_since=date(2026, 12, 3), status="ignored")
    assert not escalated_lines(user=org.chief, today=date(2026, 12, 9)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_notify(today=date(2026, 12, 9)) == 0
    assert list(escalated_lines(user=org.chief, today=date(2026, 12, 10))) == [line, claimed]
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_notify(today=date(2026, 12, 10)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert escalations_notify(today=date(2026, 12, 11)) == 0  # once
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["chief@court.invalid"]
    assert line.bank_reference in mail.outbox[0].body
    line.refresh_from_db()
    assert line.escalated_at is not None
    # only the chief sees the list; the other court's chief sees none of these
    assert not escalated_lines(user=org.officer, today=date(2026, 12, 10)).exists()
    assert not escalated_lines(user=org.other_chief, today=date(2026, 12, 10)).exists()


def test_the_limit_is_a_court_setting(org, make_line):
    from core.models import CourtSetting

    CourtSetting.objects.create(court=org.court, key="unidentified_escalation_working_days", value=1)
    line = make_line(waiting_since=date(2026, 12, 3))  # Thursday: 1 working day = Friday
    assert list(escalated_lines(user=org.chief, today=date(2026, 12, 5))) == [line]
