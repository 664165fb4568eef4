"""Pages of resumption proposals: the list waiting for the user, and the officer's and chief's decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.policy import Perm, has_perm

from . import selectors_resumption as selectors
from .services import resumption as services


@login_required
@require_GET
def resumptions(request):
    """Proposals waiting for the user: ``?show=officer`` (to look at and put to the chief) or ``?show=chief`` (to
    decide); without it, the first the user has."""
    user = request.user
    allowed = [s for s, (_status, perm) in selectors.WAITING_FOR.items() if has_perm(user, perm)]
    if not allowed:
        raise PermissionDenied
    show = request.GET.get("show")
    if show not in allowed:
        show = "chief" if "chief" in allowed else allowed[0]
    proposals = with_permissions(user, selectors.proposals_for_page(
        selectors.proposals_waiting(user=user, show=show))[:200])
    return render(request, "inquiry/resumptions.html", {
        "title": _("Resumption proposals"), "proposals": proposals, "show": show, "allowed": allowed,
    })


def with_permissions(user, proposals) -> list:
    """The proposals with what ``user`` may do on each (``can_act``: put to the chief; ``can_decide``)."""
    out = list(proposals)
    for p in out:
        p.can_act = has_perm(user, Perm.CASE_ACT, p.case)
        p.can_decide = has_perm(user, Perm.CASE_CLOSE_APPROVE, p.case)
    return out


def tab_context(request, case) -> dict:
    return {"proposals": with_permissions(request.user, selectors.proposals_of_case(case=case))}


def _back(request, proposal):
    back = request.POST.get("next") or ""
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
        back = reverse("cases:detail", args=[proposal.case_id]) + "?tab=resumption"
    return redirect(back)


def _decide(request, pk: int, work, done: str):
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk)
    try:
        result = work(proposal)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return _back(request, proposal)
    messages.success(request, done if isinstance(done, str) else done(result))
    return _back(request, proposal)


@login_required
@require_POST
def resumption_submit(request, pk: int):
    return _decide(request, pk, lambda p: services.proposal_submit(actor=request.user, proposal=p,
                                                                   note=request.POST.get("note", "")),
                   _("Put to the chief."))


@login_required
@require_POST
def resumption_accept(request, pk: int):
    return _decide(request, pk, lambda p: services.proposal_accept(actor=request.user, proposal=p,
                                                                   reason=request.POST.get("reason", "")),
                   lambda case: _("Enforcement resumed as %(number)s.") % {"number": case.number})


@login_required
@require_POST
def resumption_dismiss(request, pk: int):
    return _decide(request, pk, lambda p: services.proposal_dismiss(actor=request.user, proposal=p,
                                                                    reason=request.POST.get("reason", "")),
                   _("Proposal dismissed."))
