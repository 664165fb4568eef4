"""The action log: what officers do every day, with the measure's own fields and attachments."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from core.rules.periods import blacklist_term_expiry, check_blacklist_allowed
from core.rules.stages import action_event
from core.text import clean_text

from .. import events
from ..actions import details_form
from ..models import Action, ActionAttachment, ActionKind, Case, CaseParty, ClosureMode, PartyKind, Stage
from ._common import audited, lock_case, stored_files_removed_on_error
from .workflow import stage_advance

# After 终本 the court keeps querying every 6 months and tells the applicant (§2.4): those stay possible.
AFTER_ZHONGBEN_KINDS = (ActionKind.NETWORK_QUERY, ActionKind.NOTICE_SERVED, ActionKind.APPLICANT_INTERVIEW,
                        ActionKind.OTHER)
MAX_ATTACHMENTS_PER_ACTION = 20

# Allowed attachment types, recognised by their first bytes (the browser's claim is not trusted).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    return None


def _apply_party_measure(*, actor, case: Case, action: Action, details: dict) -> None:
    """Consumption restriction and dishonest listing change the respondent's status in this case (§3.5-3.6)."""
    parties = {cp.pk: cp for cp in CaseParty.objects.select_for_update().select_related("party")
               .filter(case=case, pk__in=details["party_ids"])}
    on = action.occurred_on
    for pk in details["party_ids"]:
        cp = parties.get(pk)
        if cp is None or cp.role != "respondent":
            raise ValidationError({"details.party_ids": [_("Choose respondents of this case.")]})
        if action.kind == ActionKind.CONSUMPTION_RESTRICTION:
            if details["measure"] == "impose":
                if cp.restricted_on and not cp.restriction_lifted_on:
                    raise ValidationError({"details.party_ids": [
                        _("%(name)s is already under a consumption restriction.") % {"name": cp.party.name}]})
                cp.restricted_on, cp.restriction_lifted_on = on, None
                text = _("consumption restricted from %(on)s") % {"on": on}
            else:
                if not cp.restricted_on or cp.restriction_lifted_on:
                    raise ValidationError({"details.party_ids": [
                        _("%(name)s is not under a consumption restriction.") % {"name": cp.party.name}]})
                cp.restriction_lifted_on = on
                text = _("consumption restriction lifted on %(on)s") % {"on": on}
        else:
            if details["measure"] == "list":
                if cp.dishonest_listed_on and not cp.dishonest_removed_on:
                    raise ValidationError({"details.party_ids": [
                        _("%(name)s is already on the dishonest list.") % {"name": cp.party.name}]})
                if cp.party.kind == PartyKind.PERSON:
                    try:
                        check_blacklist_allowed(decided_on=on, birth_date=cp.party.birth_date)
                    except ValidationError as exc:
                        raise ValidationError({"details.party_ids": exc.messages}) from None
                try:
                    until = blacklist_term_expiry(ground=details["ground"], decided_on=on,
                                                  extension_years=details.get("extension_years") or 0)
                except ValidationError as exc:
                    raise ValidationError({"details.extension_years": exc.messages}) from None
                cp.dishonest_listed_on, cp.dishonest_until, cp.dishonest_removed_on = on, until, None
                from core.rules.periods import BlacklistGround

                cp.dishonest_ground = str(list(BlacklistGround.values).index(details["ground"]) + 1)
                text = _("listed as dishonest from %(on)s until %(until)s") % {
                    "on": on, "until": until or _("removed")}
            else:
                if not cp.dishonest_listed_on or cp.dishonest_removed_on:
                    raise ValidationError({"details.party_ids": [
                        _("%(name)s is not on the dishonest list.") % {"name": cp.party.name}]})
                cp.dishonest_removed_on = on
                text = _("removed from the dishonest list on %(on)s") % {"on": on}
        cp.save()
        events.party_status_changed(case=case, actor=actor, case_party=cp, text=text)


def _strip_invisible_texts(value):
    """The detail form's free texts without invisible or direction-changing characters (core.text)."""
    from core.text import strip_invisible

    if isinstance(value, str):
        return strip_invisible(value, multiline=True)
    if isinstance(value, dict):
        return {k: _strip_invisible_texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_invisible_texts(v) for v in value]
    return value


@audited
def action_log(*, actor, case: Case, kind: str, occurred_on: date, details: dict | None = None, summary: str = "",
               attachments=()) -> Action:
    """Record an enforcement measure; it appears on the case timeline at once."""
    case = lock_case(case)
    require(actor, Perm.CASE_ACT, case)
    if kind not in ActionKind.values:
        raise ValidationError({"kind": [_("Unknown measure.")]})
    if not case.is_open and not (case.closure_mode == ClosureMode.TERMINATED_ROUND and kind in AFTER_ZHONGBEN_KINDS):
        raise ValidationError({"kind": [_("The case is closed; only network queries, notices and interviews may "
                                          "be recorded after 终本.")]})
    if case.stage == Stage.SUSPENDED and kind not in (ActionKind.NOTICE_SERVED, ActionKind.OTHER,
                                                       ActionKind.APPLICANT_INTERVIEW, ActionKind.SETTLEMENT_TALK):
        raise ValidationError({"kind": [_("Enforcement is suspended; resume the case first.")]})
    if not isinstance(occurred_on, date):
        raise ValidationError({"occurred_on": [_("Enter a date.")]})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": [_("The date cannot be in the future.")]})
    if occurred_on < case.received_on:
        raise ValidationError({"occurred_on": [_("The date cannot be before the application was received.")]})
    form = details_form(kind, data=details or {}, case=case)
    if not form.is_valid():
        errors = {}
        for field, messages in form.errors.items():
            errors["details" if field == "__all__" else f"details.{field}"] = list(messages)
        raise ValidationError(errors)
    clean = _strip_invisible_texts(form.details())
    summary = clean_text(summary, field="summary", max_length=300) or form.summarize()[:300]
    action = Action.objects.create(case=case, kind=kind, occurred_on=occurred_on, actor=actor, details=clean,
                                   summary=summary[:300])
    if kind in (ActionKind.CONSUMPTION_RESTRICTION, ActionKind.DISHONEST_LISTING):
        _apply_party_measure(actor=actor, case=case, action=action, details=clean)
    events.action_logged(case=case, actor=actor, action=action)
    stage_advance(actor=actor, case=case, event=action_event(kind, clean), step_label=action.get_kind_display())
    with stored_files_removed_on_error() as stored:
        for upload in attachments or ():
            _attachment_store(actor=actor, case=case, action=action, upload=upload, stored=stored)
    return action


def _attachment_store(*, actor, case: Case, action: Action, upload, stored: list) -> ActionAttachment:
    """Check and store one upload; the stored file's name goes into ``stored`` so the caller can delete it again
    if the transaction fails after the file was written (a row rolled back must not leave its file behind)."""
    limit = settings.ENF_ATTACHMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        raise ValidationError({"attachments": [_("%(name)s is larger than %(mb)s MB.") % {
            "name": getattr(upload, "name", "?"), "mb": f"{limit / 1024 / 1024:.0f}"}]})
    if size == 0:
        raise ValidationError({"attachments": [_("%(name)s is empty.") % {"name": upload.name}]})
    if action.attachments.count() >= MAX_ATTACHMENTS_PER_ACTION:
        raise ValidationError({"attachments": [_("Too many attachments on this action.")]})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"attachments": [_("%(name)s is larger than %(mb)s MB.") % {
            "name": upload.name, "mb": f"{limit / 1024 / 1024:.0f}"}]})
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationError({"attachments": [_("%(name)s is not a photo or a PDF.") % {"name": upload.name}]})
    attachment = ActionAttachment(action=action, original_name=(upload.name or "file")[-200:],
                                  content_type=content_type, size=len(content),
                                  sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor)
    attachment.file.save("upload", ContentFile(content), save=False)
    stored.append((attachment.file.storage, attachment.file.name))
    attachment.save()
    events.attachment_added(case=case, actor=actor, attachment=attachment)
    return attachment


@audited
def attachment_add(*, actor, action: Action, upload) -> ActionAttachment:
    case = lock_case(action.case)
    require(actor, Perm.CASE_ACT, case)
    with stored_files_removed_on_error() as stored:
        return _attachment_store(actor=actor, case=case, action=action, upload=upload, stored=stored)
