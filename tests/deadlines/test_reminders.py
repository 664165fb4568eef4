"""Reminders: thresholds, escalation, notifications, e-mail digests, exactly once (in-process; the Celery-worker
versions are in test_worker.py)."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.conf import settings
from django.db import connections
from django.urls import reverse

from accounts.models import Role
from cases.models import Case
from deadlines.models import DeadlineKind, Notification, Reminder
from deadlines.services import deadlines_scan, email_digests_send, reminders_claim
from deadlines import engine
from tests.conftest import make_user


@pytest.fixture
def emails(org):
    for user in (org.officer, org.colleague, org.chief):
        user.email = f"{user.username}@maiji.court.invalid"
        user.save(update_fields=["email"])


def test_warning_threshold_reminds_once_and_the_next_threshold_again(org, make_case, emails):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))  # notice due 03-16, warn 3 and 1
    deadlines_scan(today=date(2026, 3, 12))
    assert not Reminder.objects.filter(deadline__kind="notice").exists()
    deadlines_scan(today=date(2026, 3, 13))
    deadlines_scan(today=date(2026, 3, 14))
    r = Reminder.objects.filter(deadline__kind="notice")
    assert list(r.values_list("threshold", "recipient__username")) == [(3, "officer")]
    deadlines_scan(today=date(2026, 3, 15))
    assert sorted(r.values_list("threshold", flat=True)) == [1, 3]
    assert Notification.objects.filter(recipient=org.officer, deadline__case=case).count() == 2
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["officer@maiji.court.invalid"]
    assert case.number in mail.outbox[0].body


def test_first_seen_inside_the_window_gets_only_the_tightest_warning(org, make_case, emails):
    make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    deadlines_scan(today=date(2026, 3, 15))
    assert list(Reminder.objects.filter(deadline__kind="notice").values_list("threshold", flat=True)) == [1]


def test_digest_is_one_email_per_user_per_scan(org, make_case, emails):
    for _ in range(3):
        make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    deadlines_scan(today=date(2026, 3, 15))
    assert Reminder.objects.count() == 3
    assert len(mail.outbox) == 1
    assert "3" in mail.outbox[0].subject
    assert Reminder.objects.filter(email_status="sent").count() == 3
    link = settings.ENF_PUBLIC_BASE_URL.rstrip("/") + reverse("deadlines:mine")  # each item links the page
    assert mail.outbox[0].body.count(f"  {link}\n") == 3
    kinds = dict(DeadlineKind.choices)  # each item named by its kind's label
    assert all(str(kinds[r.deadline.kind]) in mail.outbox[0].body for r in Reminder.objects.select_related("deadline"))


def test_overdue_escalates_to_team_leader_then_chief(org, make_case, emails):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4), officer=None, team=org.other_team)
    Case.objects.filter(pk=case.pk).update(officer=org.colleague)  # colleague handles it; other_team has a leader
    org.other_team.leader = make_user("leader2", org.court, [Role.OFFICER], [org.other_team], email="l2@x.invalid")
    org.other_team.save()
    deadlines_scan(today=date(2026, 3, 17))  # 1 day overdue
    levels = set(Reminder.objects.filter(deadline__kind="notice").values_list("level", "recipient__username"))
    assert levels == {("responsible", "colleague"), ("leader", "leader2")}
    deadlines_scan(today=date(2026, 3, 23))  # 7 days overdue
    levels = set(Reminder.objects.filter(deadline__kind="notice").values_list("level", "recipient__username"))
    assert ("chief", "chief") in levels and len(levels) == 3
    assert Notification.objects.filter(recipient=org.chief, level="chief").count() == 1


def test_met_deadline_sends_no_more_reminders(org, make_case, emails):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    deadlines_scan(today=date(2026, 3, 13))
    from cases.models import Action
    Action.objects.create(case=case, kind="notice_served", occurred_on=date(2026, 3, 14), actor=org.officer)
    deadlines_scan(today=date(2026, 3, 17))
    assert Reminder.objects.filter(deadline__kind="notice").count() == 1


def test_moved_due_date_is_reminded_again(org, make_case, emails):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    deadlines_scan(today=date(2026, 3, 13))
    Case.objects.filter(pk=case.pk).update(filed_on=date(2026, 3, 5))  # notice now due 03-16 -> still 16
    from deadlines.models import DeadlineRule
    DeadlineRule.objects.create(court=org.court, kind="notice", days=20)
    deadlines_scan(today=date(2026, 3, 22))
    assert Reminder.objects.filter(deadline__kind="notice").values("due_on").distinct().count() == 2


def test_user_without_email_gets_the_notification_but_no_mail(org, make_case):
    make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    deadlines_scan(today=date(2026, 3, 15))
    assert Notification.objects.filter(recipient=org.officer).count() == 1
    assert Reminder.objects.get().email_status == "skipped"
    assert mail.outbox == []


def test_claiming_twice_creates_nothing_new(org, make_case, emails):
    make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    engine.recompute(today=date(2026, 3, 15))
    import uuid
    assert reminders_claim(today=date(2026, 3, 15), scan_id=uuid.uuid4()) == 1
    assert reminders_claim(today=date(2026, 3, 15), scan_id=uuid.uuid4()) == 0
    assert email_digests_send() == 1
    assert email_digests_send() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_in_threads_remind_exactly_once(org_committed, make_case_committed):
    make_case = make_case_committed
    org = org_committed
    for user in (org.officer, org.chief):
        user.email = f"{user.username}@x.invalid"
        user.save(update_fields=["email"])
    for _ in range(5):
        make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait()
            deadlines_scan(today=date(2026, 3, 25))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # 5 notices overdue 9 days: officer (overdue) + chief (escalated); officer leads the team, so no leader row.
    assert Reminder.objects.count() == 10
    assert Notification.objects.count() == 10
    assert Reminder.objects.filter(email_status="sent").count() == 10
    assert len(mail.outbox) == 2


def test_digests_for_many_officers_use_a_fixed_number_of_queries(org, make_case, emails, django_assert_max_num_queries):
    from tests.conftest import make_user

    for i in range(6):
        officer = make_user(f"o{i}", org.court, [Role.OFFICER], [org.team], email=f"o{i}@x.invalid")
        make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4), officer=officer, team=org.team)
    engine.recompute(today=date(2026, 3, 15))
    import uuid
    reminders_claim(today=date(2026, 3, 15), scan_id=uuid.uuid4())
    with django_assert_max_num_queries(8):
        assert email_digests_send() == 6


def test_digests_read_each_recipient_once_and_only_the_case_number(org, make_case, emails):
    """A first claim's digests load 15,800 reminders: each recipient is read once (not joined to every reminder) and of
    each case only its number, the one thing a digest shows of it; the e-mail still names the user and the case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_user

    cases = []
    for i in range(3):
        officer = make_user(f"d{i}", org.court, [Role.OFFICER], [org.team], email=f"d{i}@x.invalid")
        cases.append(make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4), officer=officer,
                               team=org.team))
    engine.recompute(today=date(2026, 3, 15))
    import uuid
    reminders_claim(today=date(2026, 3, 15), scan_id=uuid.uuid4())
    with CaptureQueriesContext(connection) as queries:
        assert email_digests_send() == 3
    users = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(users) == 1 and "JOIN" not in users[0]
    reminder_sql = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "deadlines_reminder"')]
    assert reminder_sql and all('"cases_case"."stage"' not in sql and '"accounts_user"' not in sql
                                for sql in reminder_sql)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    for i, case in enumerate(cases):
        assert case.number in bodies[f"d{i}@x.invalid"]


def test_many_reminders_notify_the_most_urgent_one_by_one_and_count_the_rest(org, make_case, emails, settings):
    """A claim notifies each recipient of its DEADLINES_NOTIFY_MAX_ITEMS most urgent reminders one by one and of the
    rest with one notification counting them; every reminder is still claimed (and e-mailed) exactly once."""
    settings.DEADLINES_NOTIFY_MAX_ITEMS = 3
    cases = [make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 2) + timedelta(days=i)) for i in range(6)]
    deadlines_scan(today=date(2026, 3, 30))  # every case's notice deadline (due 03-12 ... 03-17) overdue
    mine = Reminder.objects.filter(recipient=org.officer)
    total = mine.count()
    assert total >= 6
    notes = list(Notification.objects.filter(recipient=org.officer).order_by("-created_at", "-id"))
    singles, summary = notes[:-1], notes[-1]  # the list shows the most urgent first and the count last
    assert len(singles) == 3 and all(n.more == 0 and n.reminder_id for n in singles)
    urgent = list(mine.order_by("due_on", "id").values_list("id", flat=True)[:3])
    assert [n.reminder_id for n in singles] == urgent
    assert summary.more == total - 3 and summary.reminder_id is None and summary.deadline_id is None
    assert summary.case_id is None
    assert {c.pk for c in cases} >= {n.case_id for n in singles}
    # the e-mail digest still lists every reminder (up to its own 50)
    assert len([m for m in mail.outbox if m.to == ["officer@maiji.court.invalid"]]) == 1
    assert mine.filter(email_status="sent").count() == total
    # nothing twice: a second scan of the same day claims and notifies nothing
    before = Notification.objects.count()
    deadlines_scan(today=date(2026, 3, 30))
    assert Notification.objects.count() == before and mine.count() == total


def test_a_summary_notification_reads_and_links_to_the_deadline_pages(client, org, make_case, emails, settings):
    from tests.conftest import login

    settings.DEADLINES_NOTIFY_MAX_ITEMS = 1
    for _ in range(3):
        make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    deadlines_scan(today=date(2026, 3, 15))  # three notices due tomorrow: one shown, two counted
    summary = Notification.objects.get(recipient=org.officer, more__gt=0)
    assert summary.more == 2
    login(client, org.officer)
    html = client.get(reverse("deadlines:notifications")).content.decode()
    assert "2" in html and reverse("deadlines:mine") in html and "dl-note-more" in html
    api = client.get("/api/v1/notifications/").json()["results"]
    row = next(r for r in api if r["id"] == summary.pk)
    assert row["more"] == 2 and row["deadline"] is None and row["text"]
    r = client.post(reverse("deadlines:notification_read", args=[summary.pk]), {"open": "1"})
    assert r.status_code == 302 and r["Location"] == reverse("deadlines:mine")
    summary.refresh_from_db()
    assert summary.read_at is not None
