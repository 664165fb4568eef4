"""Pages: matching results and finance's one-click confirmation, the unidentified queue with the claim form, claims
awaiting finance, and the chief's escalations. Thin: the work is in statements.posting/claims/escalation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.policy import Perm, has_perm
from cases.models import Case
from core import court_settings, idempotency
from core.formats import format_money

from . import queue
from .claims import claim_confirm, claim_create, claim_reject
from .escalation import escalated_lines
from .matching import match_lines
from .models import Claim
from .posting import lines_confirm


def _need(user, *perms) -> None:
    if not any(has_perm(user, p) for p in perms):
        raise PermissionDenied


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for ms in exc.message_dict.values() for m in ms)
    return " ".join(exc.messages)


@login_required
@require_GET
def matches(request):
    """A statement's matching results: proposed lines with confidence and rule, the one-click confirmation."""
    _need(request.user, Perm.FUNDS_RECORD)
    statements = list(queue.statements_recent(user=request.user)[:20])
    statement_id = _int(request.GET.get("statement"))
    statement = None
    if statement_id:
        statement = get_object_or_404(queue.statements_recent(user=request.user), pk=statement_id)
    proposed = queue.proposed_lines(user=request.user, statement_id=statement_id)
    page = Paginator(proposed, 100).get_page(request.GET.get("page"))
    threshold = court_settings.get(request.user.court_id, "statement_auto_confidence")
    return render(request, "statements/matches.html", {
        "title": _("Matching results"), "statements": statements, "statement": statement, "page": page,
        "threshold": threshold, "form_token": idempotency.new_token(),
        "pager_query": f"statement={statement.pk}" if statement else "",
        "posted": queue.posted_lines(user=request.user, statement_id=statement.pk)[:100] if statement else [],
    })


@login_required
@require_POST
def matches_confirm(request):
    """Finance's one click: every proposed line of the statement at or above the court's threshold, or the ticked
    ones. The form's one-time token makes a double click post once (the row locks would anyway)."""
    _need(request.user, Perm.FUNDS_RECORD)
    statement_id = _int(request.POST.get("statement"))
    ticked = [i for i in (_int(v) for v in request.POST.getlist("line")) if i]
    back = reverse("statements:matches") + (f"?statement={statement_id}" if statement_id else "")
    outcome = {}

    def work():
        statement = None
        if not ticked:
            if not statement_id:
                raise ValidationError(_("Tick the lines to post."))
            statement = get_object_or_404(queue.statements_recent(user=request.user), pk=statement_id)
        outcome["result"] = lines_confirm(actor=request.user, court_id=request.user.court_id,
                                          line_ids=ticked or None, statement=statement)
        return back

    try:
        target, replayed = idempotency.form_once(request, endpoint="statements.confirm",
                                                 token=request.POST.get(idempotency.FORM_FIELD), work=work)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(back)
    if replayed:
        messages.info(request, _("This form was already submitted; nothing was recorded twice."))
        return redirect(target)
    result = outcome["result"]
    messages.success(request, _("%(count)s lines posted to their cases' ledgers, %(amount)s in all.") % {
        "count": len(result.posted), "amount": format_money(result.total)})
    for line_id, why in result.refused.items():
        messages.error(request, _("Line %(id)s was not posted: %(why)s It is back in the unidentified queue.")
                       % {"id": line_id, "why": why})
    for case_id, amount in result.over_collected.items():
        number = Case.objects.filter(pk=case_id).values_list("number", flat=True).first()
        messages.warning(request, _("Case %(case)s: over-collected %(amount)s, to be returned to the debtor.")
                         % {"case": number, "amount": format_money(amount)})
    return redirect(target)


@login_required
@require_POST
def rematch(request):
    """Run the matcher again over the court's unidentified lines (new cases may have been registered)."""
    _need(request.user, Perm.FUNDS_RECORD)
    summary = match_lines(court=request.user.court_id)
    messages.success(request, _("%(lines)s unidentified lines matched again: %(found)s found a case.") % {
        "lines": summary.lines, "found": summary.lines - summary.unmatched})
    return redirect("statements:unidentified")


@login_required
@require_GET
def unidentified(request):
    _need(request.user, Perm.FUNDS_RECORD, Perm.FUNDS_CLAIM)
    page = Paginator(queue.unidentified_lines(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "statements/unidentified.html", {
        "title": _("Unidentified money"), "page": page, "today": timezone.localdate(),
        "may_claim": has_perm(request.user, Perm.FUNDS_CLAIM), "may_record": has_perm(request.user, Perm.FUNDS_RECORD),
        "form_token": idempotency.new_token(),
        "my_claims": queue.my_claims(user=request.user)[:20] if has_perm(request.user, Perm.FUNDS_CLAIM) else [],
    })


@login_required
@require_POST
def claim_new(request):
    """An officer claims an unidentified line for a case (typed by its number) with a reason."""
    _need(request.user, Perm.FUNDS_CLAIM)
    from core.rules.case_numbers import parse_case_number

    line = queue.unidentified_lines(user=request.user).filter(pk=_int(request.POST.get("line")) or 0).first()
    if line is None:
        messages.error(request, _("This money is no longer in the unidentified queue."))
        return redirect("statements:unidentified")

    def work():
        try:
            number = parse_case_number(request.POST.get("case_number") or "").normalized
        except ValidationError:
            raise ValidationError({"case": _("Enter the case number, e.g. （2026）甘0503执123号.")}) from None
        case = Case.objects.filter(court_id=line.court_id, number=number).first()
        if case is None or not has_perm(request.user, Perm.FUNDS_CLAIM, case):
            raise ValidationError({"case": _("Case %(case)s is not one of the cases you may claim money for.")
                                   % {"case": number}})
        claim_create(actor=request.user, line=line, case=case, reason=request.POST.get("reason") or "")
        return reverse("statements:unidentified")

    try:
        target, replayed = idempotency.form_once(request, endpoint="statements.claim",
                                                 token=request.POST.get(idempotency.FORM_FIELD), work=work)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("statements:unidentified")
    if replayed:
        messages.info(request, _("This form was already submitted; nothing was recorded twice."))
    else:
        messages.success(request, _("Claimed: finance will confirm it."))
    return redirect(target)


@login_required
@require_GET
def claims(request):
    _need(request.user, Perm.FUNDS_RECORD)
    page = Paginator(queue.pending_claims(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "statements/claims.html", {"title": _("Claims awaiting finance"), "page": page})


@login_required
@require_POST
def claim_decide(request):
    _need(request.user, Perm.FUNDS_RECORD)
    claim = Claim.objects.filter(pk__in=queue.pending_claims(user=request.user).values("pk"),
                                 pk=_int(request.POST.get("claim")) or 0).select_related("case").first()
    if claim is None:
        messages.error(request, _("This claim has already been decided."))
        return redirect("statements:claims")
    action = request.POST.get("action")
    try:
        if action == "confirm":
            entry = claim_confirm(actor=request.user, claim=claim)
            messages.success(request, _("Posted %(amount)s to case %(case)s.") % {
                "amount": format_money(entry.amount), "case": claim.case.number})
        elif action == "reject":
            claim_reject(actor=request.user, claim=claim, reason=request.POST.get("reason") or "")
            messages.success(request, _("Claim rejected; the money is back in the unidentified queue."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("statements:claims")


@login_required
@require_GET
def escalations(request):
    _need(request.user, Perm.CASE_CLOSE_APPROVE)
    page = Paginator(escalated_lines(user=request.user).select_related(None), 50).get_page(request.GET.get("page"))
    return render(request, "statements/escalations.html", {
        "title": _("Unidentified money waiting too long"), "page": page,
        "days": court_settings.get(request.user.court_id, "unidentified_escalation_working_days")})


def claim_of(user, pk) -> Claim:  # used by the API
    return get_object_or_404(Claim.objects.filter(pk__in=queue.pending_claims(user=user).values("pk")), pk=pk)

