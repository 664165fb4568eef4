"""Pages of delegation: the outgoing and incoming lists, a new request from a case, the delegation's page (each
court sees its own part and its own buttons), papers and the structured export."""

from __future__ import annotations

import json
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policy import Perm, has_perm
from cases.forms import apply_errors
from cases.selectors import case_get_for_user
from core import idempotency

from . import selectors, services
from .exchange import delegation_export
from .forms import AcceptForm, DelegationForm, EmptyForm, ReasonForm, ReplyForm
from .models import Kind, PaperSide, Status


@login_required
@require_GET
def delegation_list(request):
    box = request.GET.get("box")
    may_receive = has_perm(request.user, Perm.DELEGATION_RECEIVE)
    may_see_out = has_perm(request.user, Perm.CASE_VIEW)
    if box not in (selectors.INCOMING, selectors.OUTGOING):
        box = selectors.INCOMING if may_receive else selectors.OUTGOING
    show = request.GET.get("show") if request.GET.get("show") in selectors.SHOWS else "open"
    if (box == selectors.INCOMING and not may_receive) or (box == selectors.OUTGOING and not may_see_out):
        raise PermissionDenied
    qs = selectors.delegation_list(user=request.user, box=box, show=show)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "delegation/list.html", {
        "title": _("Incoming delegations") if box == selectors.INCOMING else _("Outgoing delegations"),
        "box": box, "show": show, "page": page, "total": page.paginator.count, "may_receive": may_receive,
        "may_see_out": may_see_out,
        "shows": [("open", _("Not yet closed")), ("waiting", _("Awaiting acceptance")), ("overdue", _("Overdue")),
                  ("answered", _("Answered")), ("all", _("All"))],
    })


def _run(request, *, form, endpoint: str, work, success: str, message: str):
    """Validate, run the service once per form token; ValidationError goes onto the form (returns None then)."""
    if not form.is_valid():
        return None
    token = form.cleaned_data.pop(idempotency.FORM_FIELD, None)
    try:
        target, replayed = idempotency.form_once(request, endpoint=endpoint, token=token,
                                                 work=lambda: (work(form.cleaned_data), success)[1])
    except ValidationError as exc:
        apply_errors(exc, form)
        return None
    if replayed:
        messages.info(request, _("This form was already submitted; nothing was recorded twice."))
    else:
        messages.success(request, message)
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def delegation_new(request, case_pk: int):
    case = case_get_for_user(user=request.user, pk=case_pk, perm=Perm.DELEGATION_SEND)
    form = DelegationForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST":
        def work(data):
            d = services.delegation_create(
                actor=request.user, case=case, kind=data["kind"], receiving_court=data.get("receiving_court"),
                external_court_name=data.get("external_court_name", ""),
                external_court_address=data.get("external_court_address", ""),
                instructions=data["instructions"], amount=data.get("amount") or None,
                party_ids=data.get("parties") or None, papers=request.FILES.getlist("papers"))
            return d

        if form.is_valid():
            token = form.cleaned_data.pop(idempotency.FORM_FIELD, None)
            try:
                target, replayed = idempotency.form_once(
                    request, endpoint="delegation:new", token=token,
                    work=lambda: reverse("delegation:detail", args=[work(form.cleaned_data).pk]))
            except ValidationError as exc:
                apply_errors(exc, form, prefix_map={"case": lambda key: (None, key)})
            else:
                if replayed:
                    messages.info(request, _("This form was already submitted; nothing was recorded twice."))
                else:
                    messages.success(request, _("Draft saved. Check it and send it."))
                return redirect(target)
        messages.error(request, _("Please correct the errors below."))
    return render(request, "delegation/new.html", {"title": _("New delegation"), "case": case, "form": form},
                  status=400 if request.method == "POST" else 200)


def _detail_context(request, d, sides, **forms):
    user = request.user
    sending = sides["sending"]
    may_send = sending and has_perm(user, Perm.DELEGATION_SEND, d.case)
    receiving = sides["receiving"] or (d.external and sending)
    may_receive = services.may_receive(user, d)
    may_assign = services.may_assign(user, d)
    papers = list(d.papers.all())
    ctx = {
        "title": d.number or _("Draft delegation"), "d": d, "sides": sides, "sending": sending,
        "request_papers": [p for p in papers if p.side == PaperSide.REQUEST],
        "reply_papers": [p for p in papers if p.side == PaperSide.REPLY],
        "events": d.events.select_related("actor", "court"),
        "can_send": may_send and d.status == Status.DRAFT,
        "can_withdraw": may_send and d.status in (Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS),
        "can_close": may_send and d.status in (Status.ANSWERED, Status.REFUSED),
        "can_accept": may_assign and d.status == Status.SENT,
        "can_start": receiving and may_receive and not d.external and d.status == Status.ACCEPTED,
        "can_reply": receiving and may_receive and d.kind != Kind.WHOLE_CASE and (
            d.status == Status.SENT if d.external else d.status in (Status.ACCEPTED, Status.IN_PROGRESS)),
        "empty_form": EmptyForm(),
        "withdraw_form": forms.get("withdraw_form") or ReasonForm(prefix="withdraw"),
        "refuse_form": forms.get("refuse_form") or ReasonForm(prefix="refuse"),
        "accept_form": forms.get("accept_form") or AcceptForm(court_id=d.receiving_court_id, prefix="accept"),
        "reply_form": forms.get("reply_form") or ReplyForm(prefix="reply"),
        "today": timezone.localdate(),
        "deadlines": selectors.delegation_deadlines(d),
        "letter_url": _url_or_none("notices:delegation_letter", d.pk) if d.status != Status.DRAFT else None,
        "reply_url": _url_or_none("notices:delegation_reply", d.pk) if d.answered_on else None,
    }
    return ctx


def _url_or_none(name: str, pk: int) -> str | None:
    """A page of a higher app (notices prints the letters), if it is installed."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


@login_required
@require_GET
def delegation_detail(request, pk: int):
    d, sides = selectors.delegation_get_for_user(user=request.user, pk=pk)
    return render(request, "delegation/detail.html", _detail_context(request, d, sides))


def _sender(user, d) -> bool:
    return has_perm(user, Perm.DELEGATION_SEND, d.case)


def _action(request, pk: int, *, form_cls, key: str, call, message: str, allowed, form_kwargs=None):
    """A step on the delegation: 404 when not visible, 403 when the user may not take it (before the form is
    read), the service once per form token, the page again with the errors otherwise."""
    d, sides = selectors.delegation_get_for_user(user=request.user, pk=pk)
    if not allowed(request.user, d):
        raise PermissionDenied
    form = form_cls(request.POST, request.FILES or None, prefix=key if key != "empty" else None,
                    **(form_kwargs(d) if form_kwargs else {}))
    success = reverse("delegation:detail", args=[d.pk])
    response = _run(request, form=form, endpoint=f"delegation:{key}", work=lambda data: call(d, data),
                    success=success, message=message)
    if response is not None:
        return response
    messages.error(request, _("Please correct the errors below."))
    errors = form.errors.get("__all__")
    if key == "empty" and errors:
        for e in errors:
            messages.error(request, e)
    return render(request, "delegation/detail.html",
                  _detail_context(request, d, sides, **{f"{key}_form": form}), status=400)


@login_required
@require_POST
def delegation_send(request, pk: int):
    return _action(request, pk, allowed=_sender, form_cls=EmptyForm, key="empty", message=_("Sent."),
                   call=lambda d, data: services.delegation_send(actor=request.user, delegation=d))


@login_required
@require_POST
def delegation_withdraw(request, pk: int):
    return _action(request, pk, allowed=_sender, form_cls=ReasonForm, key="withdraw", message=_("Withdrawn."),
                   call=lambda d, data: services.delegation_withdraw(actor=request.user, delegation=d,
                                                                     reason=data["reason"]))


@login_required
@require_POST
def delegation_close(request, pk: int):
    return _action(request, pk, allowed=_sender, form_cls=EmptyForm, key="empty", message=_("Closed."),
                   call=lambda d, data: services.delegation_close(actor=request.user, delegation=d))


@login_required
@require_POST
def delegation_accept(request, pk: int):
    return _action(request, pk, allowed=services.may_assign, form_cls=AcceptForm, key="accept",
                   message=_("Accepted and assigned."),
                   form_kwargs=lambda d: {"court_id": d.receiving_court_id},
                   call=lambda d, data: services.delegation_accept(actor=request.user, delegation=d,
                                                                   team=data["team"], officer=data.get("officer")))


@login_required
@require_POST
def delegation_refuse(request, pk: int):
    return _action(request, pk, allowed=services.may_assign, form_cls=ReasonForm, key="refuse",
                   message=_("Refused; the sending court is told."),
                   call=lambda d, data: services.delegation_refuse(actor=request.user, delegation=d,
                                                                   reason=data["reason"]))


@login_required
@require_POST
def delegation_start(request, pk: int):
    return _action(request, pk, allowed=services.may_receive, form_cls=EmptyForm, key="empty",
                   message=_("Marked as started."),
                   call=lambda d, data: services.delegation_start(actor=request.user, delegation=d))


@login_required
@require_POST
def delegation_reply(request, pk: int):
    return _action(request, pk, allowed=services.may_receive, form_cls=ReplyForm, key="reply",
                   message=_("Reply recorded; it is on the sending case's timeline."),
                   call=lambda d, data: services.delegation_reply(
                       actor=request.user, delegation=d, result=data["result"], outcome=data["outcome"],
                       answered_on=data.get("answered_on"), papers=request.FILES.getlist("reply-papers")))


@login_required
@require_GET
def delegation_paper(request, pk: int, paper_pk: int):
    d, _sides = selectors.delegation_get_for_user(user=request.user, pk=pk)
    paper = get_object_or_404(d.papers, pk=paper_pk)
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(handle, content_type=paper.content_type, as_attachment=True,
                            filename=paper.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def delegation_export_json(request, pk: int):
    d, _sides = selectors.delegation_get_for_user(user=request.user, pk=pk)
    if d.status == Status.DRAFT:
        raise Http404("A draft has no letter yet.")
    body = json.dumps(delegation_export(d), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    safe = (d.number or str(d.pk)).translate(str.maketrans("（）", "()"))
    response["Content-Disposition"] = (f"attachment; filename=\"delegation-{d.pk}.json\"; "
                                       f"filename*=UTF-8''{quote(f'委托函{safe}.json')}")
    return response
