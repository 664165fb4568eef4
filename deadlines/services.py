"""Writes of the deadlines app: the scan (recompute, claim reminders, notify, e-mail digests), reading notifications,
and the holiday calendar.

Exactly once: a reminder is claimed by inserting its row under the unique key (deadline, due date, threshold,
recipient) with ``ON CONFLICT DO NOTHING``; the in-app notification is inserted by the same statement, so it exists
exactly when the claim succeeded. E-mail digests are sent after that commit, from the reminders whose e-mail is
still pending, claimed with ``FOR UPDATE SKIP LOCKED``; a scan that dies before sending leaves them pending for the
next scan (nothing lost), and two scans never pick the same reminder (nothing doubled). The broker holds nothing
but the hourly scan message: the database is the source of truth.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm
from core import court_settings

from . import engine
from .models import Holiday, HolidayKind, Notification, Reminder, ScanRun

log = logging.getLogger(__name__)


@dataclass
class ScanResult:
    scan_id: uuid.UUID
    as_of: date
    recompute: engine.Result | None = None
    lapsed: int | None = None
    reminders: int = 0
    emails: int = 0
    queries: dict = field(default_factory=dict)


# --- reminders ----------------------------------------------------------------------------------------------------

CLAIM_SQL = """
WITH cfg AS (
    SELECT c.id AS court_id,
           COALESCE((lead.value #>> '{}')::int, %(leader_days)s) AS leader_days,
           COALESCE((chief.value #>> '{}')::int, %(chief_days)s) AS chief_days,
           COALESCE((em.value #>> '{}')::boolean, %(email)s) AS email_on
    FROM accounts_court c
    LEFT JOIN core_courtsetting em ON em.court_id = c.id AND em.key = 'deadline_email_digest'
    LEFT JOIN core_courtsetting lead ON lead.court_id = c.id AND lead.key = 'deadline_escalate_leader_days'
    LEFT JOIN core_courtsetting chief ON chief.court_id = c.id AND chief.key = 'deadline_escalate_chief_days'
), due AS (
    SELECT d.id, d.due_on, d.responsible_id, d.team_id, d.court_id, d.case_id, d.warn_days,
           (d.due_on - %(today)s::date) AS left_days, cfg.leader_days, cfg.chief_days, cfg.email_on
    FROM deadlines_deadline d JOIN cfg ON cfg.court_id = d.court_id
    WHERE d.status IN ('open', 'overdue') AND d.warn_from <= %(today)s::date
), cand AS (
    -- the tightest warning threshold reached (a deadline first seen 2 days ahead gets the 3-day warning only)
    SELECT id, due_on, (SELECT min(x) FROM unnest(warn_days) x WHERE x >= left_days)::int AS threshold,
           responsible_id AS recipient_id, 'responsible' AS level, email_on
    FROM due WHERE left_days >= 0 AND responsible_id IS NOT NULL
    UNION ALL
    SELECT id, due_on, -1, responsible_id, 'responsible', email_on FROM due WHERE left_days < 0 AND responsible_id IS NOT NULL
    UNION ALL
    SELECT due.id, due.due_on, -due.leader_days, t.leader_id, 'leader', due.email_on
    FROM due JOIN accounts_team t ON t.id = due.team_id
    WHERE due.left_days <= -due.leader_days AND due.left_days < 0 AND t.leader_id IS NOT NULL
      AND t.leader_id IS DISTINCT FROM due.responsible_id
    UNION ALL
    SELECT due.id, due.due_on, -due.chief_days, u.id, 'chief', due.email_on
    FROM due JOIN accounts_user u ON u.court_id = due.court_id AND u.is_active AND 'chief' = ANY(u.roles)
    WHERE due.left_days <= -due.chief_days AND due.left_days < 0
), ins AS (
    INSERT INTO deadlines_reminder (deadline_id, due_on, threshold, recipient_id, level, scan_id, created_at,
                                    email_status)
    SELECT cand.id, cand.due_on, cand.threshold, cand.recipient_id, cand.level, %(scan)s, now(),
           CASE WHEN COALESCE(u.email, '') = '' OR NOT cand.email_on THEN 'skipped' ELSE 'pending' END
    FROM cand JOIN accounts_user u ON u.id = cand.recipient_id AND u.is_active
    WHERE cand.threshold IS NOT NULL
      -- reminders already sent are skipped by one anti-join, not by a unique-index probe per overdue deadline;
      -- ON CONFLICT still settles a race with a concurrent scan
      AND NOT EXISTS (SELECT 1 FROM deadlines_reminder r
                      WHERE r.deadline_id = cand.id AND r.due_on = cand.due_on AND r.threshold = cand.threshold
                        AND r.recipient_id = cand.recipient_id)
    ORDER BY cand.id, cand.recipient_id
    ON CONFLICT (deadline_id, due_on, threshold, recipient_id) DO NOTHING
    RETURNING id, deadline_id, recipient_id, level, threshold
)
INSERT INTO deadlines_notification (recipient_id, reminder_id, deadline_id, case_id, level, threshold, created_at)
SELECT ins.recipient_id, ins.id, ins.deadline_id, d.case_id, ins.level, ins.threshold, now()
FROM ins JOIN deadlines_deadline d ON d.id = ins.deadline_id
"""


def reminders_claim(*, today: date, scan_id: uuid.UUID) -> int:
    """Claim every reminder now due (warnings, overdue, escalations) and create its notification: one statement."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(CLAIM_SQL, {
            "today": today, "scan": scan_id,
            "leader_days": court_settings.registry()["deadline_escalate_leader_days"].default,
            "chief_days": court_settings.registry()["deadline_escalate_chief_days"].default,
            "email": bool(court_settings.registry()["deadline_email_digest"].default),
        })
        return cursor.rowcount


DIGEST_MAX_ITEMS = 50


def email_digests_send() -> int:
    """Send each recipient one e-mail listing their reminders not yet e-mailed (the most urgent 50, then a count).

    The pending rows are claimed with FOR UPDATE SKIP LOCKED and marked sent in the same transaction as the send, so
    two scans never mail the same reminder, and a scan that dies before committing leaves them for the next one.
    """
    from .selectors import deadline_describe_rows

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("""
                SELECT r.recipient_id, array_agg(r.id ORDER BY d.due_on, r.id)
                FROM deadlines_reminder r JOIN deadlines_deadline d ON d.id = r.deadline_id
                WHERE r.id IN (SELECT id FROM deadlines_reminder WHERE email_status = 'pending'
                               FOR UPDATE SKIP LOCKED)
                GROUP BY r.recipient_id
            """)
            claimed = cursor.fetchall()
        if not claimed:
            return 0
        shown_ids = [i for _user, ids in claimed for i in ids[:DIGEST_MAX_ITEMS]]
        shown = {r.pk: r for r in Reminder.objects.filter(pk__in=shown_ids)
                 .select_related("recipient", "deadline", "deadline__case")}
        messages, done = [], []
        base = settings.ENF_PUBLIC_BASE_URL.rstrip("/")
        with translation.override(settings.LANGUAGE_CODE):
            ordered = [shown[i] for _user, ids in claimed for i in ids[:DIGEST_MAX_ITEMS]]
            # one description pass for every digest: a query per source type, never per recipient
            described = dict(zip((r.pk for r in ordered),
                                 deadline_describe_rows([r.deadline for r in ordered], reminders=ordered)))
            for _user, ids in claimed:
                reminders = [shown[i] for i in ids[:DIGEST_MAX_ITEMS]]
                user = reminders[0].recipient
                items = [described[r.pk] for r in reminders]
                context = {"user": user, "items": items, "base_url": base, "more": len(ids) - len(reminders)}
                subject = _("Deadline reminders: %(n)s item(s)") % {"n": len(ids)}
                body = render_to_string("deadlines/email/digest.txt", context)
                messages.append(mail.EmailMessage(subject=subject, body=body, to=[user.email]))
                done.extend(ids)
        with mail.get_connection() as conn:
            sent = conn.send_messages(messages) or 0
        with connection.cursor() as cursor:
            cursor.execute("UPDATE deadlines_reminder SET email_status = 'sent', emailed_at = now() WHERE id = ANY(%s)",
                           [done])
    return sent


# --- the scan -----------------------------------------------------------------------------------------------------

def _lapse_controls(today: date) -> int | None:
    """Let the assets app lapse seizures past their expiry (SEIZE art 27) before deadlines are recomputed."""
    try:
        from assets.services import controls_lapse_due
    except ImportError:
        try:
            from assets.services.controls import controls_lapse_due
        except ImportError:
            return None
    params = inspect.signature(controls_lapse_due).parameters
    return controls_lapse_due(today=today) if "today" in params else controls_lapse_due()


def deadlines_scan(*, today: date | None = None, trigger: str = "manual", wait_for_recompute: bool = False) -> ScanResult:
    """The periodic scan: lapse expired controls, recompute deadlines, claim reminders, send e-mail digests.

    Safe to run any number of times, concurrently, and after a crash: each step is idempotent.
    """
    today = today or timezone.localdate()
    scan_id = uuid.uuid4()
    result = ScanResult(scan_id=scan_id, as_of=today)
    run = ScanRun.objects.create(id=scan_id, trigger=trigger[:20], as_of=today, started_at=timezone.now())
    result.lapsed = _lapse_controls(today)
    result.recompute = engine.recompute(today=today, wait=wait_for_recompute)
    result.reminders = reminders_claim(today=today, scan_id=scan_id)
    result.emails = email_digests_send()
    ScanRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), recomputed=not result.recompute.skipped, changed=result.recompute.changed,
        reminders=result.reminders, emails=result.emails,
    )
    log.info("deadlines scan %s (%s) as of %s: %s reminders, %s e-mails", scan_id, trigger, today,
             result.reminders, result.emails)
    return result


def deadlines_recompute_for_case(*, actor, case) -> engine.Result:
    """Recompute one case's deadlines now (the case page's refresh button)."""
    if not has_perm(actor, Perm.CASE_VIEW, case):
        raise PermissionDenied(_("You do not have permission to do this."))
    return engine.recompute(case_ids=[case.pk], wait=False)


# --- notifications ------------------------------------------------------------------------------------------------

@transaction.atomic
def notification_mark_read(*, actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read. Another user's notification is not found."""
    n = Notification.objects.select_for_update().filter(pk=notification_id, recipient=actor).first()
    if n is None:
        raise ValidationError({"notification": _("No such notification.")})
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n


@transaction.atomic
def notification_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- the holiday calendar -----------------------------------------------------------------------------------------

@transaction.atomic
def holidays_load_official(*, years: list[int] | None = None) -> int:
    """Load the State Council notices (core.rules.calendar.CHINA_OFFICIAL_HOLIDAYS) as national rows; idempotent."""
    from core.rules.calendar import CHINA_OFFICIAL_HOLIDAYS

    existing = set(Holiday.objects.filter(court__isnull=True).values_list("date", flat=True))
    rows = []
    for year, notice in sorted(CHINA_OFFICIAL_HOLIDAYS.items()):
        if years is not None and year not in years:
            continue
        for name, (first, last) in notice["holidays"].items():
            for i in range((last - first).days + 1):
                day = first + timedelta(days=i)
                if day not in existing:
                    rows.append(Holiday(court=None, date=day, kind=HolidayKind.HOLIDAY, name=name))
                    existing.add(day)
        for day in notice["makeup_workdays"]:
            if day not in existing:
                rows.append(Holiday(court=None, date=day, kind=HolidayKind.WORKDAY, name="调休上班"))
                existing.add(day)
    Holiday.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def holiday_set(*, actor, court, day: date, kind: str, name: str = "") -> Holiday:
    """A court administrator marks a day of their court's calendar (court None: national, superusers only)."""
    if kind not in HolidayKind.values:
        raise ValidationError({"kind": _("Choose a holiday or a make-up working day.")})
    if court is None:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only the system administrator edits the national calendar."))
    elif not has_perm(actor, Perm.COURT_ADMIN, court_target(court)):
        raise PermissionDenied(_("You do not have permission to do this."))
    holiday, _created = Holiday.objects.update_or_create(court=court, date=day,
                                                         defaults={"kind": kind, "name": name[:60]})
    return holiday


def court_target(court):
    from accounts.policy import Target

    return Target(court_id=getattr(court, "pk", court))


def calendar_for(court) -> "object":
    """The court's WorkCalendar (core.rules.calendar) from the Holiday table, national rows overridden by its own."""
    from core.rules.calendar import WorkCalendar

    court_id = getattr(court, "pk", court)
    days: dict[date, str] = {}
    for row in Holiday.objects.filter(court__isnull=True).values_list("date", "kind"):
        days[row[0]] = row[1]
    if court_id is not None:
        for row in Holiday.objects.filter(court_id=court_id).values_list("date", "kind"):
            days[row[0]] = row[1]
    holidays = {d for d, k in days.items() if k == HolidayKind.HOLIDAY}
    # A court row marking a weekday 'workday' over a national holiday must win: it is simply not a holiday.
    makeup = {d for d, k in days.items() if k == HolidayKind.WORKDAY and d.weekday() >= 5}
    return WorkCalendar(frozenset(holidays), frozenset(makeup))
