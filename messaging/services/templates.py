"""A court's message templates: saved (checked), deleted (the default applies again), previewed against a case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, Target, require
from core.text import clean_text

from .. import events as msg_events
from .. import texts
from ..models import Audience, Channel, EventKind, MessageTemplate


def _check_keys(event: str, channel: str) -> None:
    errors = {}
    if event not in EventKind.values:
        errors["event"] = [_("Unknown event.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def template_save(*, actor, court, event: str, channel: str, audience: str, enabled: bool, subject: str = "",
                  body: str) -> MessageTemplate:
    """Create or change the court's template for (event, channel). Switching it on starts from now: events recorded
    before never send with it."""
    require(actor, Perm.MESSAGING_MANAGE, Target(court_id=court.pk))
    _check_keys(event, channel)
    errors = {}
    if audience not in Audience.values:
        errors["audience"] = [_("Choose who receives the message.")]
    try:
        body = clean_text(body, field="body", max_length=1000, multiline=channel == Channel.EMAIL, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        subject = clean_text(subject, field="subject", max_length=200,
                             required=channel == Channel.EMAIL)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    texts.template_check(event=event, subject=subject, body=body)
    template = (MessageTemplate.objects.select_for_update()
                .filter(court=court, event=event, channel=channel).first())
    if template is None:
        template = MessageTemplate(court=court, event=event, channel=channel)
    if enabled and not template.enabled:
        template.enabled_since = timezone.now()
    template.enabled = bool(enabled)
    if not enabled:
        template.enabled_since = None
    template.audience, template.subject, template.body, template.updated_by = audience, subject, body, actor
    template.save()
    return template


@transaction.atomic
def template_delete(*, actor, template: MessageTemplate) -> None:
    require(actor, Perm.MESSAGING_MANAGE, template)
    template.delete()


def template_preview(*, actor, court, event: str, channel: str, subject: str, body: str, case) -> texts.Rendered:
    """The text as the case's first recipient would get it (the last event of that kind on the case if any)."""
    from cases.models import CaseEvent

    require(actor, Perm.MESSAGING_MANAGE, Target(court_id=court.pk))
    _check_keys(event, channel)
    if case is None or case.court_id != court.pk:
        raise ValidationError({"case": [_("Choose a case of your court.")]})
    texts.template_check(event=event, subject=subject, body=body)
    types = [t for t, k in msg_events.TYPE_MAP.items() if k == event]
    candidates = CaseEvent.objects.filter(case=case, type__in=types).order_by("-at", "-id")[:20]
    found = next((e for e in candidates if msg_events.event_kind(e) == event), None)
    if found is None:  # the case has no such event yet: a stand-in dated now
        found = CaseEvent(case=case, type=types[0], summary="", parameters={}, at=timezone.now())
    party = case.case_parties.select_related("party").order_by("role", "position").first()
    values = msg_events.values(event=found, kind=event, case=case, recipient_name=party.party.name if party else "")
    # A value the case does not have yet shows as its placeholder's name, so the preview still reads.
    values = {k: v or f"〔{k}〕" for k, v in values.items()}
    return texts.render(subject=subject, body=body, values=values)
