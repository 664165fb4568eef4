"""Every write of the supervision app: supervision orders, dispatch tickets and the duty roster, reception days.

Services check permission themselves (``accounts.policy.require``), run in ``transaction.atomic`` and raise
``ValidationError`` naming the field. Notifications (deadlines' in-app table) and SMS (messaging's outbox) are
written by label in the same transaction as the change that causes them, so they happen exactly as often as it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Court, Role, User
from accounts.policy import Perm, has_perm, require
from cases.events import event_log
from cases.models import Case, Petition
from core import court_settings
from core.text import clean_name, clean_text

from .models import (
    SHIFT_COUNTS, DispatchKind, DispatchTicket, DutyShift, OrderStatus, ReceptionDay, ReceptionVisit,
    SupervisionAttachment, SupervisionEscalation, SupervisionOrder, TicketStatus,
)

MAX_REPLY_DAYS = 90
_MOBILE = re.compile(r"1[3-9]\d{9}")


# --- helpers -------------------------------------------------------------------------------------------------

def _mobile(value: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits if _MOBILE.fullmatch(digits) else ""


def _next_number(prefix: str, model, court: Court) -> str:
    """``<prefix><year><court id, 3 digits><serial, 4 digits>``; the court row is locked, so no two are equal."""
    Court.objects.select_for_update().filter(pk=court.pk).first()
    year = timezone.localdate().year
    head = f"{prefix}{year}{court.pk:03d}"
    # the longest number first: serial 10000 sorts after 9999 only by length
    # this court's own numbers: court 100's head is also the start of court 1000's numbers
    last = (model.objects.filter(court_id=court.pk, number__startswith=head)
            .order_by(Length("number").desc(), "-number").values_list("number", flat=True).first())
    serial = int(last[len(head):]) + 1 if last else 1
    return f"{head}{serial:04d}"


def number_parts(number: str, court_id: int) -> tuple[str, int]:
    """(year, serial) of ``<2-letter prefix><year><court id, at least 3 digits><serial>``: the court id's width is
    read from the court, not assumed (ids past 999 have four digits)."""
    year = number[2:6]
    return year, int(number[6 + len(f"{court_id:03d}"):] or 0)


def notify(*, recipients, text: str, case=None, deadline_id=None, level: str = "chief",
           threshold: int | None = None) -> int:
    """In-app notifications (the deadlines app's table, read by label), one per distinct recipient."""
    Notification = apps.get_model("deadlines", "Notification")
    now = timezone.now()
    rows = [Notification(recipient_id=uid, case_id=getattr(case, "pk", case), deadline_id=deadline_id, level=level,
                         threshold=threshold, text=text[:200], created_at=now)
            for uid in sorted({u for u in recipients if u})]
    Notification.objects.bulk_create(rows)
    return len(rows)


def queue_sms(*, court_id: int, to: str, text: str) -> int | None:
    """Queue one SMS in messaging's outbox (by label) and send it by task name after commit; None if ``to`` is not a
    mobile number. Called inside the transaction that decided to send: a rollback sends nothing."""
    address = _mobile(to)
    if not address:
        return None
    Message = apps.get_model("messaging", "Message")
    msg = Message.objects.create(court_id=court_id, purpose="other", channel="sms", address=address,
                                 body=text[:500], status="queued", next_attempt_at=timezone.now())

    def send(mid=msg.pk):
        from celery import current_app

        current_app.send_task("messaging.tasks.send_message", args=[mid])

    transaction.on_commit(send)
    return msg.pk


def court_chiefs(court_ids) -> list[User]:
    return list(User.objects.filter(court_id__in=list(court_ids), roles__contains=[Role.CHIEF], is_active=True)
                .order_by("id"))


# --- supervision orders --------------------------------------------------------------------------------------

def _parse_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError({field: [_("Enter a valid date (YYYY-MM-DD).")]}) from None


def _reply_due(value, *, today: date) -> date:
    due = _parse_date(value, "reply_due")
    if due < today:
        raise ValidationError({"reply_due": [_("The reply deadline cannot be in the past.")]})
    if due > today + timedelta(days=MAX_REPLY_DAYS):
        raise ValidationError({"reply_due": [_("The reply deadline may be at most %(n)s days away.")
                                             % {"n": MAX_REPLY_DAYS}]})
    return due


def order_open(*, actor: User, case: Case, instructions: str, reply_due, petition_ids=()) -> SupervisionOrder:
    """A chief opens a supervision order on a case of their court or of a subordinate court (SUPERVISION_ORDER,
    tree scope). The order belongs to the chief's court (the ordering court)."""
    require(actor, Perm.SUPERVISION_ORDER, case)
    if not actor.court_id:
        raise PermissionDenied(_("You do not have permission to do this."))
    today = timezone.localdate()
    text = clean_text(instructions, field="instructions", max_length=2000, multiline=True, required=True)
    due = _reply_due(reply_due, today=today)
    ids = sorted({int(p) for p in petition_ids or ()})
    petitions = list(Petition.objects.filter(pk__in=ids, case=case))
    if len(petitions) != len(ids):
        raise ValidationError({"petitions": [_("A linked petition must be a petition of this case.")]})
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            case=case, court_id=actor.court_id, number=_next_number("DB", SupervisionOrder, actor.court),
            ordered_by=actor, opened_at=timezone.now(), instructions=text, reply_due=due)
        order.petitions.set(petitions)
        event_log(case=case, type="supervision_ordered", actor=actor,
                  summary=_("Supervision order %(number)s: reply due on %(due)s") % {"number": order.number,
                                                                                      "due": due.isoformat()},
                  order_id=order.pk)
        recipients = [case.officer_id] + ([case.team.leader_id] if case.team_id and case.team.leader_id else [])
        notify(recipients=recipients, case=case, level="responsible",
               text=_("Supervision order %(number)s: reply by %(due)s") % {"number": order.number,
                                                                           "due": due.isoformat()})
    return order


def order_get_for_update(order_id: int) -> SupervisionOrder:
    return SupervisionOrder.objects.select_for_update(of=("self",)).select_related("case").get(pk=order_id)


MAX_REPLY_ATTACHMENTS = 5


def _attachments_check(uploads) -> list[tuple[str, bytes, str]]:
    """(name, content, content type) of each upload: photos or PDFs (by their content), not empty, within the
    attachment size limit, at most MAX_REPLY_ATTACHMENTS; else a ValidationError naming ``attachments``."""
    from django.conf import settings

    from cases.services.actions import sniff_content_type

    uploads = [u for u in uploads or () if u]
    if len(uploads) > MAX_REPLY_ATTACHMENTS:
        raise ValidationError({"attachments": [_("At most %(n)s attachments.") % {"n": MAX_REPLY_ATTACHMENTS}]})
    limit = settings.ENF_ATTACHMENT_MAX_BYTES
    checked = []
    for upload in uploads:
        name = clean_text(getattr(upload, "name", "") or "file", field="attachments", max_length=200) or "file"
        upload.seek(0)
        content = upload.read(limit + 1)
        if len(content) > limit:
            raise ValidationError({"attachments": [_("%(name)s is larger than %(mb)s MB.") % {
                "name": name, "mb": f"{limit / 1024 / 1024:.0f}"}]})
        if not content:
            raise ValidationError({"attachments": [_("%(name)s is empty.") % {"name": name}]})
        content_type = sniff_content_type(content[:16])
        if content_type is None:
            raise ValidationError({"attachments": [_("%(name)s is not a photo or a PDF.") % {"name": name}]})
        checked.append((name, content, content_type))
    return checked


def order_reply(*, actor: User, order: SupervisionOrder, reply: str, attachments=()) -> SupervisionOrder:
    """The case's officer (CASE_ACT on the case) answers an open order, with photos or PDFs if any; late if after
    the due date. Files written are removed again if the transaction fails."""
    import hashlib

    from django.core.files.base import ContentFile

    from cases.services._common import stored_files_removed_on_error

    require(actor, Perm.CASE_ACT, order.case)
    text = clean_text(reply, field="reply", max_length=4000, multiline=True, required=True)
    files = _attachments_check(attachments)
    with transaction.atomic(), stored_files_removed_on_error() as stored:
        order = order_get_for_update(order.pk)
        if order.status != OrderStatus.OPEN:
            raise ValidationError({"reply": [_("This order has already been answered.")]})
        now = timezone.now()
        today = timezone.localdate(now)
        order.status, order.reply, order.replied_by, order.replied_at = OrderStatus.REPLIED, text, actor, now
        order.replied_on = today
        order.late = today > order.reply_due
        order.save(update_fields=["status", "reply", "replied_by", "replied_at", "replied_on", "late"])
        for name, content, content_type in files:
            att = SupervisionAttachment(order=order, round=order.round, name=name, content_type=content_type,
                                        size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                                        uploaded_by=actor)
            att.file.save("upload", ContentFile(content), save=False)
            stored.append((att.file.storage, att.file.name))
            att.save()
        event_log(case=order.case, type="supervision_replied", actor=actor,
                  summary=(_("Supervision order %(number)s answered late") if order.late
                           else _("Supervision order %(number)s answered")) % {"number": order.number},
                  order_id=order.pk, late=order.late)
        notify(recipients=[order.ordered_by_id], case=order.case, level="responsible",
               text=_("Supervision order %(number)s has been answered") % {"number": order.number})
    return order


def may_decide(actor: User, order: SupervisionOrder) -> bool:
    """The orderer, or a chief of the ordering court who may supervise the case."""
    return actor.pk == order.ordered_by_id or (
        actor.court_id == order.court_id and has_perm(actor, Perm.SUPERVISION_ORDER, order.case))


def order_close(*, actor: User, order: SupervisionOrder, note: str = "") -> SupervisionOrder:
    if not may_decide(actor, order):
        raise PermissionDenied(_("Only the ordering chief may close a supervision order."))
    text = clean_text(note, field="note", max_length=2000, multiline=True)
    with transaction.atomic():
        order = order_get_for_update(order.pk)
        if order.status != OrderStatus.REPLIED:
            raise ValidationError({"note": [_("Only an answered order can be closed.")]})
        order.status, order.closed_by, order.closed_at, order.close_note = (OrderStatus.CLOSED, actor,
                                                                            timezone.now(), text)
        order.save(update_fields=["status", "closed_by", "closed_at", "close_note"])
        event_log(case=order.case, type="supervision_closed", actor=actor,
                  summary=_("Supervision order %(number)s closed") % {"number": order.number}, order_id=order.pk)
    return order


def order_reopen(*, actor: User, order: SupervisionOrder, instructions: str, reply_due) -> SupervisionOrder:
    """The reply is not accepted: a new round with further instructions and a new deadline."""
    if not may_decide(actor, order):
        raise PermissionDenied(_("Only the ordering chief may reopen a supervision order."))
    text = clean_text(instructions, field="instructions", max_length=2000, multiline=True, required=True)
    due = _reply_due(reply_due, today=timezone.localdate())
    with transaction.atomic():
        order = order_get_for_update(order.pk)
        if order.status != OrderStatus.REPLIED:
            raise ValidationError({"instructions": [_("Only an answered order can be reopened.")]})
        order.instructions = f"{order.instructions}\n\n【{_('Round %(n)s') % {'n': order.round + 1}}】{text}"
        order.round += 1
        order.status, order.reply_due, order.escalation_level = OrderStatus.OPEN, due, 0
        order.reply, order.replied_by, order.replied_at, order.replied_on, order.late = "", None, None, None, False
        order.save()
        event_log(case=order.case, type="supervision_reopened", actor=actor,
                  summary=_("Supervision order %(number)s reopened: reply due on %(due)s")
                  % {"number": order.number, "due": due.isoformat()}, order_id=order.pk)
        notify(recipients=[order.case.officer_id], case=order.case, level="responsible",
               text=_("Supervision order %(number)s reopened: reply by %(due)s") % {"number": order.number,
                                                                                     "due": due.isoformat()})
    return order


def escalation_level_due(order: SupervisionOrder, today: date, level2_days: int) -> int:
    """0 while the reply is not late, 1 the day after the due date, 2 after ``level2_days`` more days."""
    if today <= order.reply_due:
        return 0
    return 2 if (today - order.reply_due).days > level2_days else 1


def orders_escalate(*, today: date | None = None) -> int:
    """Escalate open orders past their reply date: each (order, round, level) once, whatever runs concurrently
    (``INSERT ... ON CONFLICT DO NOTHING``: only the run whose row went in notifies). Level 1 goes to the case's
    team leader, the chiefs of the case's court and the orderer; level 2 also to the chiefs of the superior court.
    """
    today = today or timezone.localdate()
    Deadline = apps.get_model("deadlines", "Deadline")
    made = 0
    candidates = (SupervisionOrder.objects.filter(status=OrderStatus.OPEN, reply_due__lt=today)
                  .select_related("case", "case__team", "case__court").order_by("id"))
    for order in candidates:
        level2_days = court_settings.get(order.case.court_id, "supervision_level2_days")
        top = escalation_level_due(order, today, level2_days)
        for level in range(order.escalation_level + 1, top + 1):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO supervision_supervisionescalation (order_id, round, level, escalated_at) "
                    "SELECT id, round, %s, %s FROM supervision_supervisionorder "
                    "WHERE id = %s AND status = 'open' AND round = %s "
                    "ON CONFLICT (order_id, round, level) DO NOTHING RETURNING id",
                    [level, timezone.now(), order.pk, order.round])
                row = cur.fetchone()
                if row is None:
                    continue
                SupervisionOrder.objects.filter(pk=order.pk, escalation_level__lt=level).update(
                    escalation_level=level)
                courts = [order.case.court_id]
                if level >= 2 and order.case.court.parent_id:
                    courts.append(order.case.court.parent_id)
                recipients = {u.pk for u in court_chiefs(courts)} | {order.ordered_by_id}
                if order.case.team_id and order.case.team.leader_id:
                    recipients.add(order.case.team.leader_id)
                SupervisionEscalation.objects.get(pk=row[0]).recipients.set(sorted(recipients))
                deadline_id = (Deadline.objects.filter(source_type="supervision", source_id=order.pk)
                               .values_list("id", flat=True).first())
                notify(recipients=recipients, case=order.case, deadline_id=deadline_id, level="chief",
                       threshold=-(today - order.reply_due).days,
                       text=_("Supervision order %(number)s escalated (level %(level)s): no reply since %(due)s")
                       % {"number": order.number, "level": level, "due": order.reply_due.isoformat()})
                made += 1
    return made


# --- duty roster and dispatch --------------------------------------------------------------------------------

def _officer_of(court_id: int, user_id) -> User:
    try:
        officer = User.objects.get(pk=int(user_id), court_id=court_id, is_active=True)
    except (User.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"officer": [_("Choose an officer of this court.")]}) from None
    if not officer.has_role(Role.OFFICER) and not officer.has_role(Role.CHIEF):
        raise ValidationError({"officer": [_("Choose an officer of this court.")]})
    return officer


def shift_add(*, actor: User, officer_id, starts_at: datetime, ends_at: datetime) -> DutyShift:
    require(actor, Perm.DISPATCH)
    officer = _officer_of(actor.court_id, officer_id)
    if not starts_at or not ends_at or ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The shift must end after it starts.")]})
    if ends_at - starts_at > timedelta(hours=48):
        raise ValidationError({"ends_at": [_("A shift lasts at most 48 hours.")]})
    with transaction.atomic():
        # two dispatchers adding overlapping shifts for one officer at once: the second waits and sees the first
        User.objects.select_for_update().filter(pk=officer.pk).first()
        if DutyShift.objects.filter(SHIFT_COUNTS, court_id=actor.court_id, officer=officer, starts_at__lt=ends_at,
                                    ends_at__gt=starts_at).exists():
            raise ValidationError({"starts_at": [_("This officer already has a shift at that time.")]})
        return DutyShift.objects.create(court_id=actor.court_id, officer=officer, starts_at=starts_at,
                                        ends_at=ends_at, created_by=actor)


def shift_cancel(*, actor: User, shift: DutyShift, reason: str) -> DutyShift:
    """Take a shift off the roster (the officer is ill, the roster was typed wrong): a shift not yet begun is void, a
    running one ends now; an ended one stays as the record of who was on duty. Once: a second click is refused."""
    require(actor, Perm.DISPATCH, shift)
    reason = clean_text(reason, field="reason", max_length=200, required=True,
                        required_message=_("Give the reason for the change."))
    with transaction.atomic():
        shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
        now = timezone.now()
        if shift.cancelled_at is not None or shift.ends_at <= now:
            raise ValidationError({"shift": [_("This shift has already ended or been taken off the roster.")]})
        shift.cancelled_at, shift.cancelled_by, shift.cancel_reason = now, actor, reason
        fields = ["cancelled_at", "cancelled_by", "cancel_reason"]
        if shift.starts_at < now:
            shift.ends_at = now
            fields.append("ends_at")
        shift.save(update_fields=fields)
    return shift


def on_duty(court_id: int, at: datetime) -> list[User]:
    ids = DutyShift.objects.filter(SHIFT_COUNTS, court_id=court_id, starts_at__lte=at, ends_at__gt=at).values(
        "officer_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("id"))


def response_minutes(court_id: int, kind: str) -> int:
    key = "dispatch_response_minutes_lead" if kind == DispatchKind.LEAD else "dispatch_response_minutes_urgent"
    return court_settings.get(court_id, key)


def ticket_dispatch(*, actor: User, kind: str, report: str, officer_id, case: Case | None = None,
                    reporter_name: str = "", reporter_phone: str = "", location: str = "",
                    received_at: datetime | None = None, off_roster_reason: str = "") -> DispatchTicket:
    """Dispatch a lead or urgent report to an officer. An officer not on the roster now is refused unless a reason
    is given (recorded on the ticket). The officer gets an SMS (once: in this transaction) and a notification."""
    require(actor, Perm.DISPATCH)
    errors = {}
    if kind not in DispatchKind.values:
        errors["kind"] = [_("Choose a kind.")]
    try:
        text = clean_text(report, field="report", max_length=2000, multiline=True, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        name = clean_name(reporter_name, field="reporter_name", max_length=50, required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    phone = (reporter_phone or "").strip()
    if phone and not re.fullmatch(r"[0-9+\- ]{5,20}", phone):
        errors["reporter_phone"] = [_("Enter a telephone number.")]
    try:
        place = clean_text(location, field="location", max_length=200)
        reason = clean_text(off_roster_reason, field="off_roster_reason", max_length=200)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if case is not None and case.court_id != actor.court_id:
        errors["case"] = [_("The case must be one of this court's cases.")]
    if errors:
        raise ValidationError(errors)
    officer = _officer_of(actor.court_id, officer_id)
    now = timezone.now()
    received = received_at or now
    if received > now + timedelta(minutes=1) or received < now - timedelta(days=2):
        raise ValidationError({"received_at": [_("The time received must be within the last two days.")]})
    if officer.pk not in {u.pk for u in on_duty(actor.court_id, now)} and not reason:
        raise ValidationError({"officer": [_("This officer is not on duty now: choose the officer on duty or give "
                                             "a reason.")]})
    with transaction.atomic():
        ticket = DispatchTicket.objects.create(
            court_id=actor.court_id, number=_next_number("ZH", DispatchTicket, actor.court), case=case, kind=kind,
            report=text, reporter_name=name, reporter_phone=phone, location=place, received_at=received,
            dispatched_to=officer, dispatched_by=actor, dispatched_at=now, off_roster_reason=reason,
            response_due=now + timedelta(minutes=response_minutes(actor.court_id, kind)))
        due_local = timezone.localtime(ticket.response_due).strftime("%H:%M")
        notify(recipients=[officer.pk], case=case, level="responsible",
               text=_("Dispatch %(number)s: confirm by %(time)s") % {"number": ticket.number, "time": due_local})
        queue_sms(court_id=actor.court_id, to=officer.phone,
                  text=_("[Command centre] %(number)s %(kind)s: %(report)s Location: %(location)s. Confirm by "
                         "%(time)s.") % {"number": ticket.number, "kind": ticket.get_kind_display(),
                                         "report": text[:80], "location": place or "-", "time": due_local})
        if case is not None:
            event_log(case=case, type="dispatch_sent", actor=actor,
                      summary=_("Dispatch %(number)s to %(officer)s") % {"number": ticket.number,
                                                                        "officer": officer.display_name},
                      ticket_id=ticket.pk)
    return ticket


def ticket_acknowledge(*, actor: User, ticket: DispatchTicket) -> DispatchTicket:
    """The dispatched officer confirms (once: a second press changes nothing and keeps the first time)."""
    if actor.pk != ticket.dispatched_to_id:
        raise PermissionDenied(_("Only the officer it was dispatched to may confirm it."))
    with transaction.atomic():
        DispatchTicket.objects.filter(pk=ticket.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), status=TicketStatus.ACKNOWLEDGED)
    ticket.refresh_from_db()
    return ticket


def ticket_report_back(*, actor: User, ticket: DispatchTicket, result: str) -> DispatchTicket:
    if actor.pk != ticket.dispatched_to_id:
        raise PermissionDenied(_("Only the officer it was dispatched to may report back."))
    text = clean_text(result, field="result", max_length=2000, multiline=True, required=True)
    with transaction.atomic():
        ticket = DispatchTicket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.acknowledged_at is None:
            raise ValidationError({"result": [_("Confirm the dispatch before reporting back.")]})
        if ticket.reported_back_at is not None:
            raise ValidationError({"result": [_("The result has already been reported.")]})
        ticket.reported_back_at, ticket.result, ticket.status = timezone.now(), text, TicketStatus.REPORTED
        ticket.save(update_fields=["reported_back_at", "result", "status"])
        if ticket.case_id:
            event_log(case=ticket.case, type="dispatch_reported", actor=actor,
                      summary=_("Dispatch %(number)s reported back: %(result)s") % {"number": ticket.number,
                                                                                   "result": text[:100]},
                      ticket_id=ticket.pk)
    return ticket


def tickets_escalate(*, now: datetime | None = None) -> int:
    """Mark the tickets not confirmed in time, once each (conditional ``UPDATE ... WHERE escalated_at IS NULL``:
    a concurrent run waits for the row and then finds it taken), and notify each court's chiefs in the same
    transaction (in-app and one SMS per chief per ticket)."""
    now = now or timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "UPDATE supervision_dispatchticket SET escalated_at = %s WHERE acknowledged_at IS NULL "
            "AND escalated_at IS NULL AND response_due <= %s RETURNING id", [now, now])
        ids = [r[0] for r in cur.fetchall()]
        tickets = list(DispatchTicket.objects.filter(pk__in=ids).select_related("dispatched_to").order_by("id"))
        chiefs: dict[int, list[User]] = {}
        for ticket in tickets:
            if ticket.court_id not in chiefs:
                chiefs[ticket.court_id] = court_chiefs([ticket.court_id])
            text = _("Dispatch %(number)s not confirmed by %(officer)s by %(time)s") % {
                "number": ticket.number, "officer": ticket.dispatched_to.display_name,
                "time": timezone.localtime(ticket.response_due).strftime("%H:%M")}
            notify(recipients=[u.pk for u in chiefs[ticket.court_id]], case=ticket.case_id, text=text)
            for chief in chiefs[ticket.court_id]:
                queue_sms(court_id=ticket.court_id, to=chief.phone, text=_("[Command centre] %(text)s")
                          % {"text": text})
    return len(ids)


# --- reception day -------------------------------------------------------------------------------------------

def reception_day_create(*, actor: User, held_on, chief_id, place: str = "") -> ReceptionDay:
    require(actor, Perm.RECEPTION_RECORD)
    day = _parse_date(held_on, "held_on")
    if day > timezone.localdate() + timedelta(days=60):
        raise ValidationError({"held_on": [_("A reception day may be planned at most 60 days ahead.")]})
    chief = User.objects.filter(pk=chief_id, court_id=actor.court_id, roles__contains=[Role.CHIEF],
                                is_active=True).first() if str(chief_id or "").isdigit() else None
    if chief is None:
        raise ValidationError({"chief": [_("Choose a chief of this court.")]})
    where = clean_text(place, field="place", max_length=100)
    with transaction.atomic():
        existing = ReceptionDay.objects.filter(court_id=actor.court_id, held_on=day, chief=chief).first()
        if existing:
            return existing
        return ReceptionDay.objects.create(court_id=actor.court_id, held_on=day, chief=chief, place=where,
                                           created_by=actor)


def visit_add(*, actor: User, day: ReceptionDay, visitor_name: str, matter: str, promised: str, followup_due,
              responsible_id, visitor_phone: str = "", case: Case | None = None) -> ReceptionVisit:
    require(actor, Perm.RECEPTION_RECORD, day)
    errors = {}
    values = {}
    for field, fn in (("visitor_name", lambda: clean_name(visitor_name, field="visitor_name", max_length=50)),
                      ("matter", lambda: clean_text(matter, field="matter", max_length=2000, multiline=True,
                                                    required=True)),
                      ("promised", lambda: clean_text(promised, field="promised", max_length=2000, multiline=True,
                                                      required=True))):
        try:
            values[field] = fn()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    phone = (visitor_phone or "").strip()
    if phone and not re.fullmatch(r"[0-9+\- ]{5,20}", phone):
        errors["visitor_phone"] = [_("Enter a telephone number.")]
    try:
        due = _parse_date(followup_due, "followup_due")
        if due < day.held_on:
            errors["followup_due"] = [_("The follow-up cannot be due before the reception day.")]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if case is not None and case.court_id != day.court_id:
        errors["case"] = [_("The case must be one of this court's cases.")]
    responsible = User.objects.filter(pk=responsible_id, court_id=day.court_id, is_active=True).first() \
        if str(responsible_id or "").isdigit() else None
    if responsible is None:
        errors["responsible"] = [_("Choose an officer of this court.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = ReceptionVisit.objects.create(day=day, visitor_phone=phone, case=case, followup_due=due,
                                              responsible=responsible, **values)
        notify(recipients=[responsible.pk], case=case, level="responsible",
               text=_("Reception day %(day)s: follow up with %(visitor)s by %(due)s")
               % {"day": day.held_on.isoformat(), "visitor": values["visitor_name"], "due": due.isoformat()})
        if case is not None:
            event_log(case=case, type="reception_visit", actor=actor,
                      summary=_("Reception day %(day)s: %(visitor)s received by %(chief)s")
                      % {"day": day.held_on.isoformat(), "visitor": values["visitor_name"],
                         "chief": day.chief.display_name}, visit_id=visit.pk)
    return visit


def may_follow_up(user: User, visit: ReceptionVisit) -> bool:
    return user.pk == visit.responsible_id or has_perm(user, Perm.RECEPTION_RECORD, visit.day)


def visit_follow_up(*, actor: User, visit: ReceptionVisit, note: str, done_on=None) -> ReceptionVisit:
    if not may_follow_up(actor, visit):
        raise PermissionDenied(_("You do not have permission to do this."))
    text = clean_text(note, field="followup_note", max_length=2000, multiline=True, required=True)
    done = _parse_date(done_on, "followup_done_on") if done_on else timezone.localdate()
    if done > timezone.localdate() or done < visit.day.held_on:
        raise ValidationError({"followup_done_on": [_("The date must lie between the reception day and today.")]})
    with transaction.atomic():
        visit = ReceptionVisit.objects.select_for_update().select_related("day").get(pk=visit.pk)
        if visit.followup_done_on is not None:
            raise ValidationError({"followup_note": [_("The follow-up has already been recorded.")]})
        visit.followup_done_on, visit.followup_note, visit.followup_by = done, text, actor
        visit.save(update_fields=["followup_done_on", "followup_note", "followup_by"])
    return visit

