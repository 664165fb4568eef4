"""Party portal: every write (signing in with a one-time code, sessions, leads and questions from parties, answers).

Anti-enumeration: ``code_request`` answers nothing (the page is the same whether or not the pair matched a party) and
``code_verify`` raises one ``CodeRejected`` for every failure (unknown pair, wrong, expired, used or void code).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from cases import events
from cases.models import CaseParty, Lead, LeadSource, PartyRole
from cases.services._common import lock_case, stored_files_removed_on_error
from cases.services.actions import sniff_content_type
from cases.services.leads import lead_due_at
from core import court_settings
from core.text import clean_text
from messaging.addresses import normalise_email, normalise_mobile
from messaging.models import Purpose
from messaging.sms import send_sms

from . import conf, limits
from .models import ActingAs, OneTimeCode, PortalLead, PortalLeadFile, PortalQuestion, PortalSession


class RateLimited(Exception):
    """Too many requests (from this address, or for this pair): the same answer whether or not the pair matched."""


class CodeRejected(Exception):
    """The one answer to any failed code entry."""


TEXT_MAX = 2000
FILES_MAX = 5
FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")
ASSET_KINDS = ("bank", "real_estate", "vehicle", "equity", "receivable", "other")
_CODE = re.compile(r"[0-9]{6}")


# --- Sign-in ------------------------------------------------------------------------------------------------------

def normalise_case_number(value: str) -> str:
    """Case numbers as typed on a phone: half-width brackets and blanks tolerated."""
    value = (value or "").strip()[:60]
    value = value.replace("(", "（").replace(")", "）")
    return re.sub(r"\s+", "", value)


def normalise_id_number(value: str) -> str:
    return re.sub(r"[\s\-]", "", (value or "").strip()[:60]).upper()


def pair_key(case_number: str, id_number: str) -> str:
    return limits.digest("pair", normalise_case_number(case_number), normalise_id_number(id_number))


@dataclass(frozen=True)
class Match:
    case_party: CaseParty
    acting_as: str
    phone: str
    email: str


def _match(case_number: str, id_number: str) -> Match | None:
    """The applicant or respondent of the case with this ID number (or whose agent has it), with a mobile to send
    the code to; None otherwise. One query."""
    number, ident = normalise_case_number(case_number), normalise_id_number(id_number)
    if not number or len(ident) < 6:
        return None
    rows = (CaseParty.objects.select_related("case", "party")
            .filter(case__number=number, role__in=(PartyRole.APPLICANT, PartyRole.RESPONDENT))
            .filter(Q(party__id_number__iexact=ident) | Q(agent_id_number__iexact=ident))
            .order_by("role", "position", "pk"))
    for cp in rows:
        if cp.party.id_number.upper() == ident:
            phone = normalise_mobile(cp.phone) or next(
                (m for m in (normalise_mobile(p) for p in cp.party.phones) if m), "")
            if phone:
                return Match(cp, ActingAs.PARTY, phone, normalise_email(cp.email or ""))
        if cp.agent_id_number.upper() == ident and (phone := normalise_mobile(cp.agent_phone)):
            return Match(cp, ActingAs.AGENT, phone, "")
    return None


def _hash_code(key: str, code: str) -> str:
    return limits.digest("code", key, code)


def code_request(*, case_number: str, id_number: str, ip: str) -> None:
    """Send a one-time code to the phone on file if the pair names a party (or agent) of the case; else nothing.

    Raises ``RateLimited`` by counters that do not depend on whether the pair matched (address, pair typed,
    cooldown). The per-phone limit is silent (the page is the same; no code is sent)."""
    if not limits.hit("req-ip", ip, limit=conf.get("PORTAL_REQUESTS_PER_IP_PER_HOUR"), window=3600):
        raise RateLimited(_("Too many requests from this connection. Try again in an hour."))
    key = pair_key(case_number, id_number)
    if limits.cooling(key, seconds=conf.get("PORTAL_RESEND_COOLDOWN_SECONDS")):
        raise RateLimited(_("A code was requested less than a minute ago. Wait a minute before asking again."))
    if not limits.hit("req-pair", key, limit=conf.get("PORTAL_CODES_PER_PAIR_PER_DAY"), window=86400):
        raise RateLimited(_("Too many codes were requested for these details today. Try again tomorrow."))
    match = _match(case_number, id_number)
    if match is None or not court_settings.get(match.case_party.case.court_id, "portal_enabled"):
        return
    if not limits.hit("req-phone", match.phone, limit=conf.get("PORTAL_CODES_PER_PHONE_PER_DAY"), window=86400):
        return
    code = f"{secrets.randbelow(10 ** 6):06d}"
    now = timezone.now()
    case = match.case_party.case
    with transaction.atomic():
        OneTimeCode.objects.filter(key=key, used_at__isnull=True, voided_at__isnull=True).update(voided_at=now)
        OneTimeCode.objects.create(key=key, case=case, case_party=match.case_party, acting_as=match.acting_as,
                                   code_hash=_hash_code(key, code), created_at=now,
                                   expires_at=now + timedelta(seconds=conf.get("PORTAL_CODE_TTL_SECONDS")))
        minutes = conf.get("PORTAL_CODE_TTL_SECONDS") // 60
        text = f"【{case.court.name}】您查询执行案件进度的验证码为{code}，{minutes}分钟内有效。请勿告诉他人。"
        send_sms(to=match.phone, text=text, purpose=Purpose.ONE_TIME_CODE, court=case.court)
        if match.email:
            transaction.on_commit(lambda: send_mail("执行案件进度查询验证码", text, None, [match.email],
                                                    fail_silently=True))


def code_verify(*, key: str, code: str, ip: str) -> str:
    """Check a code for the pair typed (``key``: ``pair_key``); on success open a portal session and return its token (for the cookie). Any failure raises
    ``CodeRejected``, the same for an unknown pair and a wrong, expired, used or void code."""
    if not limits.hit("verify-ip", ip, limit=conf.get("PORTAL_VERIFY_PER_IP_PER_HOUR"), window=3600):
        raise RateLimited(_("Too many attempts from this connection. Try again in an hour."))
    code = (code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        row = (OneTimeCode.objects.select_for_update().filter(key=key, used_at__isnull=True, voided_at__isnull=True)
               .order_by("-created_at").first())
        if row is None or row.expires_at <= now:
            raise CodeRejected
        ok = bool(_CODE.fullmatch(code)) and secrets.compare_digest(row.code_hash, _hash_code(key, code))
        if not ok:
            row.attempts += 1
            if row.attempts >= conf.get("PORTAL_CODE_MAX_ATTEMPTS"):
                row.voided_at = now
            row.save(update_fields=["attempts", "voided_at"])
    if not ok:
        raise CodeRejected
    with transaction.atomic():
        # the claim: a code is used once even if two entries race
        if not OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
            raise CodeRejected
        return session_open(case_party=row.case_party, acting_as=row.acting_as, now=now)


# --- Sessions -----------------------------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def session_open(*, case_party: CaseParty, acting_as: str, now=None) -> str:
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    PortalSession.objects.create(token_hash=token_hash(token), case_id=case_party.case_id, case_party=case_party,
                                 acting_as=acting_as, created_at=now, last_seen_at=now,
                                 expires_at=now + timedelta(seconds=conf.get("PORTAL_SESSION_MAX_SECONDS")))
    return token


def session_end(*, session: PortalSession) -> None:
    PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=timezone.now())


def session_touch(*, session: PortalSession, now) -> None:
    """Keep a session alive: written at most once a minute (the case page stays a read)."""
    if now - session.last_seen_at >= timedelta(seconds=60):
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)


# --- Leads and questions from parties -----------------------------------------------------------------------------

def _who(session: PortalSession) -> str:
    cp = session.case_party
    role = _("applicant") if cp.role == PartyRole.APPLICANT else _("respondent")
    if session.acting_as == ActingAs.AGENT:
        return _("agent %(agent)s of the %(role)s %(name)s") % {"agent": cp.agent or "", "role": role,
                                                                 "name": cp.party.name}
    return _("the %(role)s %(name)s") % {"role": role, "name": cp.party.name}


def _check_form_token(form_token: str) -> str:
    token = (form_token or "").strip()
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise ValidationError({"form_token": [_("The form has expired. Open it again.")]})
    return token


def _submission_allowed(session: PortalSession, field: str) -> None:
    """Leads, questions and correction requests of one party: at most PORTAL_SUBMISSIONS_PER_DAY a day (a flood would
    bury the officer's to-do). Counted when the form is valid; a double submit of the same form is not counted."""
    if not limits.hit("submit", str(session.case_party_id), limit=conf.get("PORTAL_SUBMISSIONS_PER_DAY"),
                      window=86400):
        raise ValidationError({field: [_("You have sent the court many items today. Try again tomorrow, or call "
                                         "the office.")]})


def _read_files(files) -> list[tuple[str, str, bytes]]:
    files = list(files or [])
    if len(files) > FILES_MAX:
        raise ValidationError({"files": [_("At most %(n)s files.") % {"n": FILES_MAX}]})
    out = []
    limit = settings.ENF_ATTACHMENT_MAX_BYTES
    for upload in files:
        name = clean_text(getattr(upload, "name", "") or "", field="files", max_length=200) or "file"
        size = getattr(upload, "size", None)
        if size is None or size > limit:
            raise ValidationError({"files": [_("%(name)s is larger than %(mb)s MB.")
                                             % {"name": name, "mb": limit // (1024 * 1024)}]})
        content = upload.read(limit + 1)
        if not content:
            raise ValidationError({"files": [_("%(name)s is empty.") % {"name": name}]})
        if len(content) > limit:
            raise ValidationError({"files": [_("%(name)s is larger than %(mb)s MB.")
                                             % {"name": name, "mb": limit // (1024 * 1024)}]})
        content_type = sniff_content_type(content[:16])
        if content_type not in FILE_TYPES:
            raise ValidationError({"files": [_("%(name)s is not a PDF, JPEG or PNG file.") % {"name": name}]})
        out.append((name, content_type, content))
    return out


def portal_lead_give(*, session: PortalSession, asset_kind: str, description: str, files=(),
                     form_token: str) -> PortalLead:
    """A party's asset lead: a ``cases.Lead`` (source: party portal) for the handling officer, with the engine's LEAD
    deadline, and its files. The same form submitted twice gives one lead."""
    errors = {}
    token = _check_form_token(form_token)
    if asset_kind not in ASSET_KINDS:
        errors["asset_kind"] = [_("Choose the kind of asset.")]
    try:
        description = clean_text(description, field="description", max_length=TEXT_MAX, multiline=True,
                                 required=True, required_message=_("Describe the lead."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        uploads = _read_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    from .labels import asset_kind_label

    with transaction.atomic(), stored_files_removed_on_error() as stored:
        case = lock_case(session.case)
        existing = PortalLead.objects.filter(case_party_id=session.case_party_id, form_token=token).first()
        if existing is not None:
            return existing
        if not case.is_open:
            raise ValidationError({"description": [_("The case is closed; the court no longer takes leads here.")]})
        _submission_allowed(session, "description")
        now = timezone.now()
        given = _("Given through the party portal by %(who)s") % {"who": _who(session)}
        text = f"【{asset_kind_label(asset_kind)}】{description}\n（{given}）"
        lead = Lead.objects.create(case=case, received_at=now, urgent=False, source=LeadSource.PORTAL,
                                   description=text[:TEXT_MAX + 200], officer=case.officer,
                                   due_at=lead_due_at(court=case.court_id, received_at=now, urgent=False),
                                   created_by=None)
        portal_lead = PortalLead.objects.create(lead=lead, case_party_id=session.case_party_id,
                                                acting_as=session.acting_as, asset_kind=asset_kind, form_token=token)
        for name, content_type, content in uploads:
            item = PortalLeadFile(portal_lead=portal_lead, original_name=name, content_type=content_type,
                                  size=len(content), sha256=hashlib.sha256(content).hexdigest())
            item.file.save("upload", ContentFile(content), save=False)
            stored.append((item.file.storage, item.file.name))
            item.save()
        events.lead_registered(case=case, actor=None, lead=lead)
        return portal_lead


def portal_question_ask(*, session: PortalSession, text: str, form_token: str) -> PortalQuestion:
    token = _check_form_token(form_token)
    text = clean_text(text, field="text", max_length=TEXT_MAX, multiline=True, required=True,
                      required_message=_("Write your question."))
    with transaction.atomic():
        case = lock_case(session.case)
        existing = PortalQuestion.objects.filter(case_party_id=session.case_party_id, form_token=token).first()
        if existing is not None:
            return existing
        if not case.is_open:
            raise ValidationError({"text": [_("The case is closed; call the court's office instead.")]})
        _submission_allowed(session, "text")
        question = PortalQuestion.objects.create(case=case, case_party_id=session.case_party_id,
                                                 acting_as=session.acting_as, text=text, asked_at=timezone.now(),
                                                 officer=case.officer, form_token=token)
        events.event_log(case=case, type="portal_question_asked", actor=None,
                         summary=_("Question from %(who)s through the party portal: %(text)s")
                         % {"who": _who(session), "text": text[:60]}, question_id=question.pk)
        return question


def portal_question_answer(*, actor, question: PortalQuestion, answer: str) -> PortalQuestion:
    """The officer's answer: shown to the party on the portal, who gets an SMS that it is there. Answered once."""
    case = question.case
    require(actor, Perm.CASE_ACT, case)
    answer = clean_text(answer, field="answer", max_length=TEXT_MAX, multiline=True, required=True,
                        required_message=_("Write the answer."))
    with transaction.atomic():
        case = lock_case(case)
        question = (PortalQuestion.objects.select_for_update(of=("self",))
                    .select_related("case_party", "case_party__party").get(pk=question.pk))
        if question.answered_at is not None:
            raise ValidationError({"answer": [_("This question has already been answered.")]})
        question.answer, question.answered_at, question.answered_by = answer, timezone.now(), actor
        question.save(update_fields=["answer", "answered_at", "answered_by"])
        events.event_log(case=case, type="portal_question_answered", actor=actor,
                         summary=_("Answered a question from the party portal: %(text)s") % {"text": answer[:60]},
                         question_id=question.pk)
        cp = question.case_party
        phone = (normalise_mobile(cp.agent_phone) if question.acting_as == ActingAs.AGENT
                 else normalise_mobile(cp.phone) or next((m for m in map(normalise_mobile, cp.party.phones) if m), ""))
        if phone:
            send_sms(to=phone, text=f"【{case.court.name}】您在执行案件{case.number}中的留言已答复，请登录当事人门户查看。",
                     purpose=Purpose.OTHER, court=case.court)
    return question


def portal_correction_submit(*, session: PortalSession, measure_id, grounds: str, files=(), form_token: str):
    """A correction request (失信/限消纠错) from the listed debtor (or their agent) against one of their measures in
    force, through ``credit.services.corrections.correction_submit`` (channel portal). The same form twice gives
    one request (the form token is the request's portal reference)."""
    from credit.models import CorrectionRequest
    from credit.selectors import measures_correctable
    from credit.services.corrections import correction_submit

    token = _check_form_token(form_token)
    cp = session.case_party
    try:
        measure_pk = int(measure_id)
    except (TypeError, ValueError):
        measure_pk = 0
    measure = measures_correctable(case=session.case, case_party=cp).filter(pk=measure_pk).first()
    if measure is None:
        raise ValidationError({"measure": [_("Choose one of your entries.")]})
    existing = CorrectionRequest.objects.filter(measure=measure, portal_reference=token).first()
    if existing is not None:
        return existing
    _submission_allowed(session, "grounds")
    agent = session.acting_as == ActingAs.AGENT
    phone = (normalise_mobile(cp.agent_phone) if agent
             else normalise_mobile(cp.phone) or next((m for m in map(normalise_mobile, cp.party.phones) if m), ""))
    return correction_submit(measure=measure, name=(cp.agent or cp.party.name) if agent else cp.party.name,
                             phone=phone, grounds=grounds, files=list(files or ()), channel="portal",
                             relation=_("agent") if agent else "", submitted_by=None, portal_reference=token)


__all__ = ["CodeRejected", "RateLimited", "code_request", "code_verify", "portal_lead_give", "portal_question_answer",
           "portal_question_ask", "session_end", "session_open"]
