"""Pages of the messaging app: the court's message templates (edit, preview), opt-outs, and the officer's opt-out
button on the case's 消息 tab. Thin: forms check shape, services decide, selectors scope."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policy import Perm, Target, require
from cases.forms import apply_errors
from cases.models import Case
from cases.selectors import case_get_for_user

from . import forms, selectors, services, texts
from .models import Audience, Channel, EventKind, MessageTemplate, OptOut


def _manager_court(request):
    court = request.user.court
    if court is None:
        raise PermissionDenied(_("Your account belongs to no court."))
    require(request.user, Perm.MESSAGING_MANAGE, Target(court_id=court.pk))
    return court



def _keys(event: str, channel: str) -> tuple[str, str]:
    if event not in EventKind.values or channel not in Channel.values:
        raise Http404("No such template.")
    return event, channel


def _preview_cases(court):
    return list(Case.objects.filter(court=court).order_by("-filed_on", "-id").values("pk", "number")[:30])


@login_required
def templates_list(request):
    court = _manager_court(request)
    rows = selectors.template_rows(court_id=court.pk)
    for row in rows:
        row["event_label"] = EventKind(row["event"]).label
        row["channel_label"] = Channel(row["channel"]).label
        t = row["template"]
        row["audience_label"] = Audience(t.audience if t else row["default"]["audience"]).label
    return render(request, "messaging/templates_list.html", {
        "title": _("Message templates"), "rows": rows, "court": court})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, event: str, channel: str):
    court = _manager_court(request)
    event, channel = _keys(event, channel)
    template = MessageTemplate.objects.filter(court=court, event=event, channel=channel).first()
    audience, subject, body = texts.DEFAULTS[(event, channel)]
    preview, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "delete" and template is not None:
            services.template_delete(actor=request.user, template=template)
            messages.success(request, _("The court's template was removed; the default text applies (not sent)."))
            return redirect("messaging:templates")
        form = forms.TemplateForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if action == "preview":
                    case = Case.objects.filter(court=court, pk=d.get("case")).first() if d.get("case") else None
                    preview = services.template_preview(
                        actor=request.user, court=court, event=event, channel=channel, subject=d["subject"],
                        body=d["body"], case=case)
                else:
                    services.template_save(actor=request.user, court=court, event=event, channel=channel,
                                           audience=d["audience"], enabled=d["enabled"], subject=d["subject"],
                                           body=d["body"])
                    messages.success(request, _("The template was saved."))
                    return redirect("messaging:template_edit", event=event, channel=channel)
            except ValidationError as exc:
                apply_errors(exc, form)
                status = 400
        else:
            status = 400
    elif template is not None:
        form = forms.TemplateForm(initial={"audience": template.audience, "enabled": template.enabled,
                                           "subject": template.subject, "body": template.body})
    else:
        form = forms.TemplateForm(initial={"audience": audience, "enabled": False, "subject": subject, "body": body})
    return render(request, "messaging/template_edit.html", {
        "title": _("Message template: %(event)s (%(channel)s)") % {
            "event": EventKind(event).label, "channel": Channel(channel).label},
        "event": event, "channel": channel, "is_sms": channel == Channel.SMS, "template": template, "form": form,
        "placeholders": texts.placeholders_for(event), "preview": preview, "cases": _preview_cases(court),
        "segment": texts.SMS_SEGMENT, "court": court}, status=status)


@login_required
def template_preview(request, event: str, channel: str):
    """The court's saved template (or the default) rendered with one of the court's cases (``?case=``)."""
    court = _manager_court(request)
    event, channel = _keys(event, channel)
    template = MessageTemplate.objects.filter(court=court, event=event, channel=channel).first()
    _audience, subject, body = texts.DEFAULTS[(event, channel)]
    if template is not None:
        subject, body = template.subject, template.body
    cases = _preview_cases(court)
    raw = request.GET.get("case", "")
    case_id = int(raw) if raw.isdigit() else (cases[0]["pk"] if cases else None)
    case = Case.objects.filter(court=court, pk=case_id).first() if case_id else None
    if raw and case is None:
        raise Http404("No such case in your court.")
    preview = (services.template_preview(actor=request.user, court=court, event=event, channel=channel,
                                         subject=subject, body=body, case=case) if case else None)
    return render(request, "messaging/template_preview.html", {
        "title": _("Preview: %(event)s (%(channel)s)") % {"event": EventKind(event).label,
                                                          "channel": Channel(channel).label},
        "event": event, "channel": channel, "is_sms": channel == Channel.SMS, "preview": preview, "case": case,
        "cases": cases, "template": template, "segment": texts.SMS_SEGMENT})


@login_required
@require_http_methods(["GET", "POST"])
def optouts(request):
    court = _manager_court(request)
    status = 200
    if request.method == "POST":
        form = forms.OptOutForm(request.POST)
        if form.is_valid():
            try:
                services.optout_record(actor=request.user, court=court, address=form.cleaned_data["address"],
                                       note=form.cleaned_data["note"])
            except ValidationError as exc:
                apply_errors(exc, form)
                status = 400
            else:
                messages.success(request, _("The opt-out was recorded."))
                return redirect("messaging:optouts")
        else:
            status = 400
    else:
        form = forms.OptOutForm()
    return render(request, "messaging/optouts.html", {
        "title": _("Opt-outs"), "form": form, "rows": selectors.optout_list(court_id=court.pk), "court": court},
        status=status)


@login_required
@require_POST
def optout_delete(request, pk: int):
    court = _manager_court(request)
    optout = get_object_or_404(OptOut, pk=pk, court=court)  # another court's (or a reply's) opt-out: 404
    services.optout_remove(actor=request.user, optout=optout)
    messages.success(request, _("The opt-out was removed."))
    return redirect("messaging:optouts")


@login_required
@require_POST
def case_optout(request, pk: int):
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_ACT)
    form = forms.CaseOptOutForm(request.POST)
    url = reverse("cases:detail", args=[case.pk]) + "?tab=messages"
    if not form.is_valid():
        messages.error(request, _("Choose a party and a channel."))
        return redirect(url)
    case_party = case.case_parties.select_related("party").filter(pk=form.cleaned_data["case_party"]).first()
    if case_party is None:
        raise Http404("No such party in this case.")
    try:
        services.case_party_opt_out(actor=request.user, case_party=case_party, channel=form.cleaned_data["channel"])
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, _("%(party)s will get no more messages on this channel.") % {
            "party": case_party.party.name})
    return redirect(url)


# --- Replies from the SMS gateway ---------------------------------------------------------------------------------

@csrf_exempt
@require_POST
def inbound(request):
    """The gateway's callback for a reply (上行短信): JSON ``{"from": "138…", "text": "TD"}`` with
    ``Authorization: Bearer SMS_INBOUND_TOKEN``. "TD"/"退订" records an opt-out; other replies are ignored. Without
    the setting the URL answers 404 (switched off); a wrong token 403. No session, no CSRF: the token is the check."""
    token = getattr(settings, "SMS_INBOUND_TOKEN", "")
    if not token:
        raise Http404("Replies are not enabled.")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return JsonResponse({"detail": "forbidden"}, status=403)
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("from"), str) or not isinstance(data.get("text"), str):
        return JsonResponse({"from": ["Send the sender's number and the text."]}, status=400)
    optout = services.inbound_reply(sender=data["from"], text=data["text"][:100])
    return JsonResponse({"opted_out": optout is not None})
