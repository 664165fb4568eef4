"""Writes of the deadlines app: the scan (recompute, claim reminders, notify, e-mail digests), reading notifications,
and the holiday calendar.

Exactly once: a reminder is claimed by inserting its row under the unique key (deadline, due date, threshold,
recipient) with ``ON CONFLICT DO NOTHING``; the in-app notifications are inserted by the same statement, so they
exist exactly when the claim succeeded (one per reminder for each recipient's ``DEADLINES_NOTIFY_MAX_ITEMS`` most
urgent reminders of the claim, and one counting the rest). E-mail digests are sent after that commit, from the
reminders whose e-mail is still pending, claimed with ``FOR UPDATE SKIP LOCKED``; a scan that dies before sending
leaves them pending for the next scan (nothing lost), and two scans never pick the same reminder (nothing doubled).
A bulk first claim (empty tables, millions of reminders) holds both tables locked, writes its reminders already
e-mailed and sends their digests before it commits, with the same guarantees (a scan that dies first leaves nothing
claimed), instead of rewriting every row afterwards. The broker holds nothing but the hourly scan message: the
database is the source of truth.
"""

from __future__ import annotations

import inspect
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import Perm, has_perm
from core import court_settings

from . import engine
from .models import Deadline, Holiday, HolidayKind, Notification, Reminder, ScanRun

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
    seconds: dict = field(default_factory=dict)  # wall time of each step: lapse, recompute, claim, emails
    timings: list = field(default_factory=list)  # (seconds, statement) of a bulk first claim, for the benchmark


# --- reminders ----------------------------------------------------------------------------------------------------

CAND_SQL = """
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
    WHERE d.status IN ('open', 'overdue') AND d.warn_from <= %(today)s::date /*scope*/
), cand AS (
    -- the tightest warning threshold reached (a deadline first seen 2 days ahead gets the 3-day warning only)
    SELECT id, due_on, (SELECT min(x) FROM unnest(warn_days) x WHERE x >= left_days)::int AS threshold,
           responsible_id AS recipient_id, 'responsible' AS level, email_on, case_id
    FROM due WHERE left_days >= 0 AND responsible_id IS NOT NULL
    UNION ALL
    SELECT id, due_on, -1, responsible_id, 'responsible', email_on, case_id
    FROM due WHERE left_days < 0 AND responsible_id IS NOT NULL
    UNION ALL
    SELECT due.id, due.due_on, -due.leader_days, t.leader_id, 'leader', due.email_on, due.case_id
    FROM due JOIN accounts_team t ON t.id = due.team_id
    WHERE due.left_days <= -due.leader_days AND due.left_days < 0 AND t.leader_id IS NOT NULL
      AND t.leader_id IS DISTINCT FROM due.responsible_id
    UNION ALL
    SELECT due.id, due.due_on, -due.chief_days, u.id, 'chief', due.email_on, due.case_id
    FROM due JOIN accounts_user u ON u.court_id = due.court_id AND u.is_active AND 'chief' = ANY(u.roles)
    WHERE due.left_days <= -due.chief_days AND due.left_days < 0
)
"""


def most_urgent_sql(claimed: str, k: str, where: str = "TRUE") -> str:
    """A WITH clause ending in ``top``: for each recipient, the reminders of ``claimed`` (a table or CTE with id,
    deadline_id, due_on, recipient_id …) matching ``where`` that rank among the first ``k`` by urgency (due date,
    then deadline), each with its rank ``rn`` (1 = earliest due) and the recipient's ``total``; rows of later ranks
    may come too (those due on the k-th one's day). It counts the rows per recipient and due date and cuts at the day
    of the k-th, so millions of reminders are counted, not sorted. (Within one recipient, ordering by deadline and by
    reminder id agree: ids are assigned in deadline order, and a claim gives a deadline one reminder per recipient.)
    """
    return f"""
    WITH days AS (
        SELECT recipient_id, due_on, count(*) AS n FROM {claimed} WHERE {where} GROUP BY recipient_id, due_on
    ), cut AS (
        SELECT recipient_id, min(due_on) FILTER (WHERE upto >= {k}) AS last_day, max(total)::bigint AS total
        FROM (SELECT recipient_id, due_on, sum(n) OVER (PARTITION BY recipient_id ORDER BY due_on) AS upto,
                     sum(n) OVER (PARTITION BY recipient_id) AS total FROM days) c
        GROUP BY recipient_id
    ), top AS (
        SELECT r.*, cut.total,
               row_number() OVER (PARTITION BY r.recipient_id ORDER BY r.due_on, r.deadline_id) AS rn
        FROM {claimed} r JOIN cut ON cut.recipient_id = r.recipient_id
                                 AND (cut.last_day IS NULL OR r.due_on <= cut.last_day)
        WHERE {where}
    )"""


# The notifications of the reminders a claim created, in /*claimed*/ (id, deadline_id, due_on, recipient_id, level,
# threshold, case_id): the %(notify_max)s most urgent of each recipient one by one, then, if there are more, one
# notification counting the rest (``Notification.more``), as the e-mail digest lists the 50 most urgent and counts
# the others. A first scan of a large court claims hundreds of thousands of reminders for a chief; a notification
# each would bury the list and the badge (the deadline pages list them all, by urgency).
NOTES_SQL = most_urgent_sql("/*claimed*/", "%(notify_max)s + 1") + """
    SELECT recipient_id, CASE WHEN rn <= %(notify_max)s THEN id END,
           CASE WHEN rn <= %(notify_max)s THEN deadline_id END, CASE WHEN rn <= %(notify_max)s THEN case_id END,
           CASE WHEN rn <= %(notify_max)s THEN level ELSE 'responsible' END,
           CASE WHEN rn <= %(notify_max)s THEN threshold END,
           CASE WHEN rn <= %(notify_max)s THEN 0 ELSE total - %(notify_max)s END, now()
    FROM top WHERE rn <= %(notify_max)s + 1
    ORDER BY recipient_id, rn DESC  -- the list shows the newest id first: the most urgent, the count last"""

CLAIM_SQL = CAND_SQL[:-2] + """), ins AS (
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
    RETURNING id, deadline_id, due_on, recipient_id, level, threshold
), claimed AS (
    SELECT ins.id, ins.deadline_id, ins.due_on, ins.recipient_id, ins.level, ins.threshold, d.case_id
    FROM ins JOIN deadlines_deadline d ON d.id = ins.deadline_id
), notes AS (
    INSERT INTO deadlines_notification (recipient_id, reminder_id, deadline_id, case_id, level, threshold, more,
                                        created_at)
    """ + NOTES_SQL.replace("/*claimed*/", "claimed") + """
)
SELECT count(*) FROM ins
"""


# Who can receive a reminder and when escalations start: a change claims in full once.
CLAIM_KEY_SQL = """
SELECT md5(concat_ws('|', %(defaults)s::text,
    COALESCE((SELECT string_agg(ROW(id, leader_id)::text, ';' ORDER BY id) FROM accounts_team), ''),
    COALESCE((SELECT string_agg(ROW(id, is_active, court_id, 'chief' = ANY(roles))::text, ';' ORDER BY id)
              FROM accounts_user), ''),
    COALESCE((SELECT string_agg(ROW(court_id, key, value)::text, ';' ORDER BY court_id, key) FROM core_courtsetting
              WHERE key IN ('deadline_escalate_leader_days', 'deadline_escalate_chief_days')), ''),
    COALESCE((SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts_court), '')))
"""

# Since the last claim (day ``since``), a deadline can owe a new reminder only if it changed (it is listed in
# _dl_claim) or one of its reminder days came: a warning threshold (due - w), the first day overdue (due + 1), the
# escalations (due + leader days, due + chief days).
SCOPE_CHANGED = "AND d.id IN (SELECT id FROM _dl_claim)"
SCOPE_NEW_DAY = """AND (d.id IN (SELECT id FROM _dl_claim)
    OR EXISTS (SELECT 1 FROM unnest(d.warn_days) w WHERE d.due_on - w BETWEEN %(since)s::date + 1 AND %(today)s::date)
    OR d.due_on + 1 BETWEEN %(since)s::date + 1 AND %(today)s::date
    OR d.due_on + GREATEST(cfg.leader_days, 1) BETWEEN %(since)s::date + 1 AND %(today)s::date
    OR d.due_on + GREATEST(cfg.chief_days, 1) BETWEEN %(since)s::date + 1 AND %(today)s::date)"""


# A first claim into empty tables (deployment): the candidates into a temporary table with their ids, deduplicated
# on the claim key (a recipient reminded twice at one threshold, e.g. a chief who is also the responsible officer,
# keeps the lowest level), then loaded with two plain INSERTs. (The sequence's name is looked up once: as a plain
# argument of nextval, pg_get_serial_sequence ran for every row, 5 s of a 2M-row first claim.)
BULK_SQL = "CREATE TEMP TABLE _dl_rem ON COMMIT DROP AS " + CAND_SQL + """
SELECT nextval((SELECT pg_get_serial_sequence('deadlines_reminder', 'id'))::regclass) AS id, x.*
FROM (
    SELECT DISTINCT ON (cand.id, cand.due_on, cand.threshold, cand.recipient_id)
           cand.id AS deadline_id, cand.due_on, cand.threshold, cand.recipient_id, cand.level, cand.case_id,
           CASE WHEN COALESCE(u.email, '') = '' OR NOT cand.email_on THEN 'skipped' ELSE 'pending' END AS email_status
    FROM cand JOIN accounts_user u ON u.id = cand.recipient_id AND u.is_active
    WHERE cand.threshold IS NOT NULL
    ORDER BY cand.id, cand.due_on, cand.threshold, cand.recipient_id,
             array_position(ARRAY['responsible', 'leader', 'chief'], cand.level)
) x
ORDER BY x.deadline_id, x.recipient_id
"""


def _claim_into_empty_tables(run: engine._Runner, params: dict, *, deliver: bool) -> tuple[int, int]:
    """The first claim, into empty reminder and notification tables; (reminders claimed, e-mails sent). With
    ``DEADLINES_BULK_LOAD_ROWS`` or more reminders, both tables are locked and, if still empty (a concurrent first
    claim may have filled them: then it goes on as below), the reminders are loaded with their secondary indexes,
    unique constraints and foreign keys dropped and rebuilt afterwards, as the engine loads a first computation (the
    notifications, a few per recipient, are inserted with theirs in place); when ``deliver``, the
    reminders are written already e-mailed and the digests are sent before the commit (``_deliver_in_claim``), so the
    millions of rows are not rewritten by the e-mail step. Otherwise the claim key settles a concurrent claim: a
    notification is created only with the reminder this claim inserted."""
    # millions of candidates: their sorts (claim key, id order) and the foreign-key checks run in memory
    run(f"SET LOCAL work_mem = '{getattr(settings, 'DEADLINES_SCAN_WORK_MEM', '256MB')}'")
    run(BULK_SQL.replace("/*scope*/", ""), params)
    claimed = run("SELECT count(*) FROM _dl_rem").fetchone()[0]
    if claimed >= getattr(settings, "DEADLINES_BULK_LOAD_ROWS", 100_000):
        run("LOCK TABLE deadlines_reminder, deadlines_notification IN ACCESS EXCLUSIVE MODE")
        if run("SELECT NOT EXISTS (SELECT 1 FROM deadlines_reminder) "
               "AND NOT EXISTS (SELECT 1 FROM deadlines_notification)").fetchone()[0]:
            run("SET CONSTRAINTS ALL IMMEDIATE")  # pending deferred checks would forbid the ALTER TABLE
            # (the notifications are a few per recipient: they keep their indexes and checks)
            saved = engine.table_indexes_drop(run, "deadlines_reminder", foreign_keys=True)
            # Delivering: the rows are written once, in their final form ('sent', e-mailed now), and the digests go out
            # below before this transaction commits (as email_digests_send marks and sends in one transaction).
            digests = run(DIGESTS_SQL, {"n": DIGEST_MAX_ITEMS}).fetchall() if deliver else []
            run("""INSERT INTO deadlines_reminder (id, deadline_id, due_on, threshold, recipient_id, level, scan_id,
                                                   created_at, email_status, emailed_at)
                   SELECT id, deadline_id, due_on, threshold, recipient_id, level, %(scan)s, now(),
                          CASE WHEN email_status = 'pending' AND %(deliver)s THEN 'sent' ELSE email_status END,
                          CASE WHEN email_status = 'pending' AND %(deliver)s THEN now() END
                   FROM _dl_rem ORDER BY id""", {**params, "deliver": deliver})
            engine.table_indexes_restore(run, "deadlines_reminder", saved)
            run("INSERT INTO deadlines_notification (recipient_id, reminder_id, deadline_id, case_id, level, "
                "threshold, more, created_at)" + NOTES_SQL.replace("/*claimed*/", "_dl_rem"), params)
            run("ANALYZE deadlines_reminder; ANALYZE deadlines_notification")
            return claimed, _deliver_in_claim(run, params["scan"], digests)
    cur = run("""
        WITH ins AS (
            INSERT INTO deadlines_reminder (id, deadline_id, due_on, threshold, recipient_id, level, scan_id,
                                            created_at, email_status)
            SELECT id, deadline_id, due_on, threshold, recipient_id, level, %(scan)s, now(), email_status
            FROM _dl_rem ORDER BY id
            ON CONFLICT (deadline_id, due_on, threshold, recipient_id) DO NOTHING
            RETURNING id
        ), claimed AS (  -- those this claim inserted (a concurrent claim may have taken some)
            SELECT r.* FROM _dl_rem r JOIN ins ON ins.id = r.id
        ), notes AS (
            INSERT INTO deadlines_notification (recipient_id, reminder_id, deadline_id, case_id, level, threshold,
                                                more, created_at)""" + NOTES_SQL.replace("/*claimed*/", "claimed") + """
        )
        SELECT count(*) FROM ins""", params)
    return cur.fetchone()[0], 0


def reminders_claim(*, today: date, scan_id: uuid.UUID, full: bool = False) -> int:
    """Claim every reminder now due (warnings, overdue, escalations) and create the notifications: one statement.
    The number of reminders claimed; their e-mails are left pending for ``email_digests_send``."""
    return _claim(today=today, scan_id=scan_id, full=full, deliver=False)[0]


def _claim(*, today: date, scan_id: uuid.UUID, full: bool, deliver: bool,
           timings: list | None = None) -> tuple[int, int]:
    """``reminders_claim``; (reminders claimed, e-mails sent). With ``deliver`` (the scan), a bulk first claim sends
    the digests of what it claims itself, before its commit (``_claim_into_empty_tables``).

    Incremental: only the deadlines changed since the last claim (listed by the engine in deadlines_claimdirty) and
    those with a reminder day since then are looked at; what a claim of everything would add beyond them already
    exists. It claims everything the first time, when team leaders, chiefs, active users or escalation settings
    changed, after a bulk load of the deadline table, when the day went backwards, or when asked (``full``).
    Concurrent claims each look at everything they must (the list is deleted only when a claim commits); the unique
    key makes each reminder exactly once.
    """
    registry = court_settings.registry()
    params = {
        "today": today, "scan": scan_id,
        "leader_days": registry["deadline_escalate_leader_days"].default,
        "chief_days": registry["deadline_escalate_chief_days"].default,
        "email": bool(registry["deadline_email_digest"].default),
        "notify_max": settings.DEADLINES_NOTIFY_MAX_ITEMS,  # validated by enforcement/settings.py (≥ 1)
    }
    engine.state_row_ensure()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SELECT claim_as_of, claim_key, claim_reload_seq, reload_seq FROM deadlines_scanstate "
                       "WHERE id = 1")
        since, claim_key, claim_seq, seq = cursor.fetchone() or (None, "", 0, 0)
        cursor.execute(CLAIM_KEY_SQL, {"defaults": f"{params['leader_days']},{params['chief_days']}"})
        key = cursor.fetchone()[0]
        # The deadlines changed since the last claim; the rows read are deleted at the end (rows listed meanwhile
        # stay for the next claim).
        cursor.execute("DROP TABLE IF EXISTS _dl_seen, _dl_claim")
        cursor.execute("CREATE TEMP TABLE _dl_seen ON COMMIT DROP AS SELECT id, deadline_id FROM deadlines_claimdirty")
        cursor.execute("CREATE TEMP TABLE _dl_claim ON COMMIT DROP AS SELECT DISTINCT deadline_id AS id FROM _dl_seen")
        cursor.execute("ALTER TABLE _dl_claim ADD PRIMARY KEY (id); ANALYZE _dl_claim")
        if full or since is None or since > today or key != claim_key or claim_seq != seq:
            scope = ""
        else:
            scope = SCOPE_CHANGED if since == today else SCOPE_NEW_DAY
        cursor.execute("DROP TABLE IF EXISTS _dl_rem")
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM deadlines_reminder) "
                       "AND NOT EXISTS (SELECT 1 FROM deadlines_notification)")
        emails = 0
        if not scope and cursor.fetchone()[0]:
            run = engine._Runner(cursor)
            claimed, emails = _claim_into_empty_tables(run, params, deliver=deliver)
            if timings is not None:
                timings += run.timings
        else:
            cursor.execute(CLAIM_SQL.replace("/*scope*/", scope), {**params, "since": since})
            claimed = cursor.fetchone()[0]
        cursor.execute("DELETE FROM deadlines_claimdirty WHERE id IN (SELECT id FROM _dl_seen)")
        cursor.execute("UPDATE deadlines_scanstate SET claim_as_of = %s, claim_key = %s, claim_reload_seq = %s "
                       "WHERE id = 1", [today, key, seq])
        return claimed, emails


DIGEST_MAX_ITEMS = 50


def email_digests_send() -> int:
    """Send each recipient one e-mail listing their reminders not yet e-mailed (the most urgent 50, then a count).

    The pending rows are claimed with FOR UPDATE SKIP LOCKED and marked sent in the same transaction as the send, so
    two scans never mail the same reminder, and a scan that dies before committing leaves them for the next one.
    (A bulk first claim sends its own digests in its transaction: ``_deliver_in_claim``.)
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            # a first scan mails millions of reminders: let the join and the per-recipient sort run in memory
            cursor.execute(f"SET LOCAL work_mem = '{getattr(settings, 'DEADLINES_SCAN_WORK_MEM', '256MB')}'")
            # marked sent in the statement that claims them (one pass over the rows, and only the ids shown come
            # back); the mark is committed only after the send, so a failed send leaves them pending
            cursor.execute("""
                WITH s AS (
                    UPDATE deadlines_reminder r SET email_status = 'sent', emailed_at = now()
                    WHERE r.id IN (SELECT id FROM deadlines_reminder WHERE email_status = 'pending'
                                   FOR UPDATE SKIP LOCKED)
                    RETURNING r.id, r.recipient_id, r.deadline_id
                )
                SELECT s.recipient_id, count(*), (array_agg(s.id ORDER BY d.due_on, s.id))[1:%(n)s]
                FROM s JOIN deadlines_deadline d ON d.id = s.deadline_id
                GROUP BY s.recipient_id
            """, {"n": DIGEST_MAX_ITEMS})
            claimed = [(user, ids, total) for user, total, ids in cursor.fetchall()]
        return _digests_send(claimed)


# The digests of a bulk first claim, from its temporary table: as email_digests_send groups the pending reminders
# (a reminder's due date is its deadline's at the claim).
DIGESTS_SQL = most_urgent_sql("_dl_rem", "%(n)s", "email_status = 'pending'") + """
SELECT recipient_id, max(total), array_agg(id ORDER BY due_on, id) FILTER (WHERE rn <= %(n)s)
FROM top GROUP BY recipient_id
"""


def _deliver_in_claim(run: engine._Runner, scan_id: uuid.UUID, digests: list) -> int:
    """Send the digests of a bulk first claim inside its transaction, whose rows say 'sent': as in
    ``email_digests_send``, the mark commits only after the send, and a scan that dies first leaves nothing claimed
    (the next scan claims and sends again). A send that fails leaves the in-app notifications claimed and the
    e-mails pending for ``email_digests_send`` (one UPDATE of the rows: only then)."""
    if not digests:
        return 0
    try:
        with transaction.atomic():  # a savepoint: a database error while composing does not abort the claim
            return _digests_send([(user, ids, total) for user, total, ids in digests])
    except Exception:
        log.exception("deadline digests of the first claim not sent; left pending for the e-mail step")
        run("""UPDATE deadlines_reminder SET email_status = 'pending', emailed_at = NULL
               WHERE scan_id = %(scan)s AND email_status = 'sent'""", {"scan": scan_id})
        return 0


# What a digest reads of its reminders: the deadline's fields (described by ``deadline_describe_rows``) and the case's
# number (the template).
DIGEST_REMINDER_FIELDS = ("id", "recipient_id", "threshold", "level", "deadline__case__number",
                          *(f"deadline__{f.name}" for f in Deadline._meta.concrete_fields))


def _digests_send(claimed: list) -> int:
    """Compose and send one digest per (recipient, reminder ids shown, total): the e-mails sent."""
    from .selectors import deadline_describe_rows

    if not claimed:
        return 0
    shown_ids = [i for _user, ids, _total in claimed for i in ids[:DIGEST_MAX_ITEMS]]
    # Each recipient is read once (not once per reminder: 15,800 User rows for 316 digests of a first claim), and of
    # the case only its number, which is all a digest shows of it (the whole row was 1 s of a first claim's digests).
    shown = {r.pk: r for r in Reminder.objects.filter(pk__in=shown_ids)
             .select_related("deadline", "deadline__case").only(*DIGEST_REMINDER_FIELDS)}
    recipients = {u.pk: u for u in User.objects.filter(pk__in={user for user, _ids, _total in claimed})}
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        mine_url = settings.ENF_PUBLIC_BASE_URL.rstrip("/") + reverse("deadlines:mine")  # once, not per item
        ordered = [shown[i] for _user, ids, _total in claimed for i in ids]
        # one description pass for every digest: a query per source type, never per recipient
        described = dict(zip((r.pk for r in ordered),
                             deadline_describe_rows([r.deadline for r in ordered], reminders=ordered)))
        for _user, ids, total in claimed:
            reminders = [shown[i] for i in ids]
            user = recipients[reminders[0].recipient_id]
            items = [described[r.pk] for r in reminders]
            context = {"user": user, "items": items, "mine_url": mine_url, "more": total - len(reminders)}
            subject = _("Deadline reminders: %(n)s item(s)") % {"n": total}
            body = render_to_string("deadlines/email/digest.txt", context)
            messages.append(mail.EmailMessage(subject=subject, body=body, to=[user.email]))
    with mail.get_connection() as conn:
        sent = conn.send_messages(messages) or 0
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


def _vacuum_after(result: ScanResult) -> None:
    """After a scan that rewrote many rows (a first computation, a new day), vacuum the tables it wrote, so the
    counts of "my deadlines" and the unread badge read the index alone (VACUUM skips the pages left all-visible, so
    it costs in proportion to what changed). Not inside a transaction (a test's), where VACUUM cannot run."""
    if connection.in_atomic_block:
        return
    threshold = getattr(settings, "DEADLINES_VACUUM_AFTER_ROWS", 10_000)
    tables = []
    if result.recompute and result.recompute.changed >= threshold:
        tables.append("deadlines_deadline")
    if result.reminders >= threshold:
        tables += ["deadlines_reminder", "deadlines_notification"]
    if tables:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def deadlines_scan(*, today: date | None = None, trigger: str = "manual", wait_for_recompute: bool = False,
                   full: bool = False) -> ScanResult:
    """The periodic scan: lapse expired controls, recompute deadlines, claim reminders, send e-mail digests.

    Safe to run any number of times, concurrently, and after a crash: each step is idempotent. Incremental unless
    ``full`` (needed only after facts were written with the deadlines triggers bypassed, e.g. a bulk import under
    ``session_replication_role = replica``).
    """
    today = today or timezone.localdate()
    scan_id = uuid.uuid4()
    result = ScanResult(scan_id=scan_id, as_of=today)
    run = ScanRun.objects.create(id=scan_id, trigger=trigger[:20], as_of=today, started_at=timezone.now())
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        result.seconds[step] = time.perf_counter() - clock
        clock = time.perf_counter()

    result.lapsed = _lapse_controls(today)
    lap("lapse")
    result.recompute = engine.recompute(today=today, wait=wait_for_recompute, full=full)
    lap("recompute")
    result.reminders, result.emails = _claim(today=today, scan_id=scan_id, full=full, deliver=True,
                                                   timings=result.timings)
    lap("claim")
    result.emails += email_digests_send()
    lap("emails")
    _vacuum_after(result)
    lap("vacuum")
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
