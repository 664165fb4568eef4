"""The engine's whole-table paths: the bulk load of a large first computation (indexes built afterwards), the
one-pass diff of a full scan, and the bulk first claim of reminders; each must leave what the row-by-row statements
leave."""

import uuid
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Action, TermPause
from deadlines import engine
from deadlines.models import Deadline, Notification, Reminder
from deadlines.services import reminders_claim

FIELDS = ("source_type", "source_id", "kind", "seq", "code", "case_id", "court_id", "team_id", "responsible_id",
          "start_on", "due_on", "warn_from", "warn_days", "status", "met_on")


def _rows():
    return sorted(Deadline.objects.values_list(*FIELDS))


def _indexes():
    with connection.cursor() as cursor:
        # (a rebuilt partial index prints its predicate differently: compare name, columns, uniqueness, partial)
        cursor.execute("SELECT i.relname, x.indkey::text, x.indisunique, x.indpred IS NOT NULL FROM pg_index x "
                       "JOIN pg_class i ON i.oid = x.indexrelid "
                       "WHERE x.indrelid = 'deadlines_deadline'::regclass ORDER BY 1")
        return cursor.fetchall()


def test_bulk_load_of_a_first_computation_equals_the_row_by_row_one(org, make_case, settings):
    cases = [make_case(received_on=date(2026, 1, 5) + timedelta(days=i),
                       filed_on=date(2026, 1, 5) + timedelta(days=i)) for i in range(6)]
    TermPause.objects.create(case=cases[0], kind="suspension", started_on=date(2026, 1, 20), ended_on=None)
    indexes = _indexes()
    settings.DEADLINES_BULK_LOAD_ROWS = 10 ** 9  # never: the row-by-row statements
    slow = engine.recompute(today=date(2026, 3, 5))
    expected = _rows()
    Deadline.objects.all().delete()
    settings.DEADLINES_BULK_LOAD_ROWS = 1  # always, into the empty table
    fast = engine.recompute(today=date(2026, 3, 5))
    assert _rows() == expected and fast.inserted == slow.inserted == len(expected) >= 18
    assert fast.rows == len(expected)
    assert _indexes() == indexes  # every index and the unique constraint are back, as they were
    again = engine.recompute(today=date(2026, 3, 5))  # the table is not empty now: the diff, finding nothing
    assert again.changed == 0


def test_full_scan_diff_updates_inserts_and_cancels_like_the_partial_sync(org, make_case, deadline_of):
    a = make_case(received_on=date(2026, 2, 2), filed_on=date(2026, 2, 2))
    b = make_case(received_on=date(2026, 2, 3), filed_on=date(2026, 2, 3))
    engine.recompute(today=date(2026, 3, 5))
    Action.objects.create(case=a, kind="notice_served", occurred_on=date(2026, 2, 6), actor=org.officer)  # met
    c = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 2))  # new deadlines
    b.__class__.objects.filter(pk=b.pk).update(stage="closed", closed_on=date(2026, 3, 3),
                                                closure_mode="withdrawn")  # its notice no longer applies
    full = engine.recompute(today=date(2026, 3, 5))
    after_full = _rows()
    engine.recompute(today=date(2026, 3, 5), case_ids=[a.pk, b.pk, c.pk])  # partial: nothing left to change
    assert _rows() == after_full
    assert deadline_of(a, "notice").status == "met"
    assert deadline_of(b, "notice").status == "cancelled"
    assert deadline_of(c, "term").status == "open"
    assert full.updated >= 1 and full.inserted >= 3 and full.cancelled >= 1


def _claim_tables():
    reminders = sorted(Reminder.objects.values_list("deadline_id", "due_on", "threshold", "recipient_id", "level",
                                                    "email_status"))
    notifications = sorted(Notification.objects.values_list("recipient_id", "reminder__deadline_id",
                                                            "reminder__threshold", "deadline_id", "case_id", "level",
                                                            "threshold", "more"), key=str)
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
                       "FROM pg_constraint c WHERE c.conrelid IN ('deadlines_reminder'::regclass, "
                       "'deadlines_notification'::regclass) ORDER BY 1, 2")
        constraints = cursor.fetchall()
        cursor.execute("SELECT x.indrelid::regclass::text, i.relname, x.indkey::text, x.indisunique, "
                       "x.indpred IS NOT NULL FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                       "WHERE x.indrelid IN ('deadlines_reminder'::regclass, 'deadlines_notification'::regclass) "
                       "ORDER BY 1, 2")
        return reminders, notifications, constraints, cursor.fetchall()


@pytest.mark.parametrize("notify_max", [50, 2])  # 2: the officer's and the chief's further reminders counted
def test_bulk_first_claim_equals_the_row_by_row_one(org, make_case, settings, notify_max):
    from django.db import IntegrityError, transaction

    settings.DEADLINES_NOTIFY_MAX_ITEMS = notify_max
    org.officer.email = "officer@x.invalid"
    org.officer.save(update_fields=["email"])
    for i in range(5):
        make_case(received_on=date(2026, 2, 2) + timedelta(days=i), filed_on=date(2026, 2, 4) + timedelta(days=i))
    engine.recompute(today=date(2026, 3, 5))
    before = _claim_tables()
    # a notification already there: the tables are not empty, so the claim goes row by row (INSERT ... ON CONFLICT)
    blocker = Notification.objects.create(recipient=org.colleague, created_at=timezone.now())
    slow = reminders_claim(today=date(2026, 3, 5), scan_id=uuid.uuid4(), full=True)
    blocker.delete()
    expected = _claim_tables()
    for bulk_rows in (10 ** 9, 1):  # empty tables: through the temporary table, then also with indexes dropped
        Notification.objects.all().delete()
        Reminder.objects.all().delete()
        settings.DEADLINES_BULK_LOAD_ROWS = bulk_rows
        fast = reminders_claim(today=date(2026, 3, 5), scan_id=uuid.uuid4(), full=True)
        assert fast == slow == len(expected[0]) >= 10  # notices and terms overdue: officer and chief
        assert _claim_tables() == expected
    per_recipient = {}
    for reminder in expected[0]:
        per_recipient[reminder[3]] = per_recipient.get(reminder[3], 0) + 1
    assert len(expected[1]) == sum(min(n, notify_max) + (n > notify_max) for n in per_recipient.values())
    summaries = sorted((n[0], n[-1]) for n in expected[1] if n[-1])
    assert summaries == sorted((user, n - notify_max) for user, n in per_recipient.items() if n > notify_max)
    assert len(summaries) == (0 if notify_max == 50 else 2)  # the officer's and the chief's
    assert expected[2:] == before[2:]  # every constraint (foreign keys included) and index is back
    assert reminders_claim(today=date(2026, 3, 5), scan_id=uuid.uuid4(), full=True) == 0  # row by row now
    with pytest.raises(IntegrityError), transaction.atomic():  # the claim key is enforced again
        r = Reminder.objects.first()
        Reminder.objects.create(deadline_id=r.deadline_id, due_on=r.due_on, threshold=r.threshold,
                                recipient_id=r.recipient_id, level=r.level, scan_id=uuid.uuid4(),
                                created_at=r.created_at)


def _scan_outcome():
    reminders = sorted((*r[:-1], r[-1] is not None) for r in Reminder.objects.values_list(
        "deadline_id", "due_on", "threshold", "recipient_id", "level", "email_status", "emailed_at"))
    notifications = sorted(Notification.objects.values_list("recipient_id", "reminder__deadline_id",
                                                            "reminder__threshold", "case_id", "level", "more"),
                           key=str)
    mails = sorted((m.to[0], m.subject, m.body) for m in mail.outbox)
    return reminders, notifications, mails


def _reminder_rows_updated() -> int:
    with connection.cursor() as cursor:  # this transaction's row updates of the reminder table
        cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'deadlines_reminder'")
        return cursor.fetchone()[0]


@pytest.fixture
def overdue_cases(org, make_case):
    for user in (org.officer, org.chief):
        user.email = f"{user.username}@x.invalid"
        user.save(update_fields=["email"])
    for i in range(5):
        make_case(received_on=date(2026, 2, 2) + timedelta(days=i), filed_on=date(2026, 2, 4) + timedelta(days=i))
    engine.recompute(today=date(2026, 3, 5))


def _empty_claim_tables():
    Notification.objects.all().delete()
    Reminder.objects.all().delete()
    mail.outbox.clear()


@pytest.mark.parametrize("digest_max", [50, 2])  # 2: each digest lists the 2 most urgent and counts the rest
def test_bulk_first_claim_writes_reminders_already_emailed_and_sends_the_same_digests(org, overdue_cases, settings,
                                                                                      monkeypatch, digest_max):
    from deadlines import services
    from deadlines.services import deadlines_scan

    monkeypatch.setattr(services, "DIGEST_MAX_ITEMS", digest_max)
    settings.DEADLINES_NOTIFY_MAX_ITEMS = digest_max

    settings.DEADLINES_BULK_LOAD_ROWS = 10 ** 9  # row by row, then the e-mail step marks the reminders sent
    _empty_claim_tables()
    slow = deadlines_scan(today=date(2026, 3, 5), full=True)
    expected = _scan_outcome()
    assert slow.emails == len(expected[2]) == 2 and slow.reminders == len(expected[0]) >= 10
    assert {r[5] for r in expected[0]} == {"sent"}  # the officer and the chief have an address
    link = settings.ENF_PUBLIC_BASE_URL.rstrip("/") + reverse("deadlines:mine")  # one per item listed
    listed = sorted(body.count(f"  {link}\n") for _to, _subject, body in expected[2])
    assert listed == ([2, 2] if digest_max == 2 else sorted(
        Reminder.objects.filter(recipient__email=to).count() for to, _subject, _body in expected[2]))
    _empty_claim_tables()
    settings.DEADLINES_BULK_LOAD_ROWS = 1  # the bulk first claim
    updated = _reminder_rows_updated()
    fast = deadlines_scan(today=date(2026, 3, 5), full=True)
    assert (fast.reminders, fast.emails) == (slow.reminders, slow.emails)
    assert _scan_outcome() == expected  # the same reminders, notifications and e-mails
    assert _reminder_rows_updated() == updated  # written once, in their final form: no row rewritten afterwards
    again = deadlines_scan(today=date(2026, 3, 5), full=True)
    assert (again.reminders, again.emails) == (0, 0) and len(mail.outbox) == 2


def test_bulk_first_claim_whose_send_fails_keeps_the_notifications_and_leaves_the_emails_pending(
        org, overdue_cases, settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from deadlines.services import deadlines_scan, email_digests_send

    settings.DEADLINES_BULK_LOAD_ROWS = 1
    _empty_claim_tables()

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as m:
        m.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(ConnectionRefusedError):  # the e-mail step tries once more and fails as before
            deadlines_scan(today=date(2026, 3, 5), full=True)
    assert Reminder.objects.count() == Notification.objects.count() >= 10  # the claim committed
    assert set(Reminder.objects.values_list("email_status", flat=True)) == {"pending"}
    assert not Reminder.objects.filter(emailed_at__isnull=False).exists() and not mail.outbox
    assert email_digests_send() == 2  # the next scan's e-mail step sends them, once
    assert set(Reminder.objects.values_list("email_status", flat=True)) == {"sent"}
    assert email_digests_send() == 0 and len(mail.outbox) == 2


def test_bulk_first_claim_looks_up_the_reminder_sequence_once(org, overdue_cases):
    from core import court_settings
    from deadlines.services import BULK_SQL

    registry = court_settings.registry()
    params = {"today": date(2026, 3, 5), "scan": uuid.uuid4(), "email": True,
              "leader_days": registry["deadline_escalate_leader_days"].default,
              "chief_days": registry["deadline_escalate_chief_days"].default}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE, COSTS OFF) " + BULK_SQL.replace("/*scope*/", ""), params)
        plan = [row[0] for row in cursor.fetchall()]
    # once, in an InitPlan: as a plain argument of nextval it ran for each of 2M rows (5 s of the first claim)
    assert not [line for line in plan if "nextval(pg_get_serial_sequence" in line]
    assert any("InitPlan" in line for line in plan)
    assert any("pg_get_serial_sequence" in line for line in plan)
