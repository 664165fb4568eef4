"""Pages: the assets and funds tabs of a case (also reachable on their own), disposal, the court-wide lists, the
payout approval queue and the calculators. Thin: forms check shape, services decide, selectors scope."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Team
from accounts.policy import Perm, Target, has_perm
from cases.forms import apply_errors
from cases.models import PartyRole
from cases.selectors import case_get_for_user
from core.templatetags.core_tags import money, yuan
from core import idempotency

from . import findings, forms, over_collection, selectors, services
from .models import Asset, ControlMeasure, Disposal, Handover, HandoverStatus, LedgerEntry, Objection, ReleaseGround



def _flash_errors(request, exc: ValidationError) -> None:
    """A refused action's messages, field by field, as one error message on the page it returns to."""
    messages.error(request, " ".join(m for ms in getattr(exc, "message_dict", {"": exc.messages}).values()
                                     for m in ms))


def _case_tab_url(case, tab: str) -> str:
    try:
        return reverse("cases:detail", args=[case.pk]) + f"?tab={tab}"
    except Exception:  # cases pages not installed
        return reverse(f"assets:case_{tab}", args=[case.pk])


# --- Assets tab ------------------------------------------------------------------------------------------------

def assets_tab_context(request, case, bound: tuple[str, object] | None = None) -> dict:
    """Context of the assets tab: a bounded number of queries whatever the number of assets."""
    user = request.user
    today = timezone.localdate()
    assets = selectors.asset_list_for_case(case=case)
    can_control = has_perm(user, Perm.ASSET_CONTROL, case)
    can_handover = has_perm(user, Perm.DISPOSAL_HANDOVER, case)
    handovers = list(Handover.objects.filter(case=case).select_related("to_team", "requested_by", "decided_by")
                     .prefetch_related("assets").order_by("-requested_at", "-id"))
    teams = [] if not can_handover else list(
        services.handover.disposal_teams(case.court_id, exclude_team_id=case.team_id))
    key, bound_form = bound or (None, None)

    def pick(name, factory):
        return bound_form if key == name else factory()

    for asset in assets:
        asset.order_form = pick(f"order-{asset.pk}", lambda: forms.ControlOrderForm(
            prefix=f"order{asset.pk}", initial={"ordered_on": today}))
        asset.objection_form = pick(f"objection-{asset.pk}", lambda: forms.ObjectionForm(
            prefix=f"obj{asset.pk}", initial={"filed_on": today}))
        asset.dispose_form = pick(f"dispose-{asset.pk}", lambda: forms.DisposalStartForm(
            prefix=f"disp{asset.pk}", initial={"reference_requested_on": today}))
        covering = [h for h in handovers if h.status in (HandoverStatus.PENDING, HandoverStatus.APPROVED)
                    and (h.whole_case or any(a.pk == asset.pk for a in h.assets.all()))]
        asset.handover = next((h for h in covering if h.status == HandoverStatus.APPROVED), None)
        if asset.handover is not None:  # 移交处置: the receiving team disposes, not the case's team
            asset.can_dispose = has_perm(user, Perm.ASSET_DISPOSE,
                                         Target(court_id=case.court_id, team_id=asset.handover.to_team_id))
        else:
            asset.can_dispose = not covering and has_perm(user, Perm.ASSET_DISPOSE, case)
        asset.active_control = next((c for c in asset.controls.all() if c.status == "active"), None)
        for control in asset.controls.all():
            control.renew_form = pick(f"renew-{control.pk}", lambda: forms.RenewForm(
                prefix=f"renew{control.pk}", initial={"renewed_on": today}))
            control.release_form = pick(f"release-{control.pk}", lambda: forms.ReleaseForm(
                prefix=f"rel{control.pk}", initial={"released_on": today}))
            control.days_left = (control.expires_on - today).days if control.expires_on else None
        for objection in asset.objections.all():
            objection.decide_form = pick(f"decide-{objection.pk}", lambda: forms.ObjectionDecideForm(
                prefix=f"dec{objection.pk}", initial={"decided_on": today}))
    return {
        "case": case, "assets": assets, "can_control": can_control, "can_handover": can_handover,
        "handovers": handovers,
        "handover_form": pick("handover", lambda: forms.HandoverRequestForm(prefix="handover", assets=assets,
                                                                             teams=teams)),
        "asset_form": pick("asset", lambda: forms.AssetForm(case=case, prefix="asset")),
        "release_grounds": ReleaseGround.choices, "today": today,
    }


@login_required
def case_assets(request, pk: int, bound=None, status=200):
    case = case_get_for_user(user=request.user, pk=pk)
    ctx = assets_tab_context(request, case, bound)
    return render(request, "assets/case_assets.html", {"title": _("Assets of %(case)s") % {"case": case.number},
                                                       "ctx": ctx, "case": case}, status=status)


def _post_action(request, *, case, form, key, call, success, page, success_message, once: str | None = None):
    """Validate ``form``, call the service; on an error show the page again with the form and its errors.

    With ``once`` (an endpoint name) the form's one-time token makes the write happen once: a repeated submission
    of the same drawn form (double click, resend) goes to the first result instead of writing again."""
    if form.is_valid():
        try:
            if once:
                token = form.cleaned_data.pop(idempotency.FORM_FIELD, None)
                target, replayed = idempotency.form_once(
                    request, endpoint=once, token=token, work=lambda: (call(form.cleaned_data), success)[1])
            else:
                call(form.cleaned_data)
                target, replayed = success, False
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            if replayed:
                messages.info(request, _("This form was already submitted; nothing was recorded twice."))
            else:
                messages.success(request, success_message() if callable(success_message) else success_message)
            return redirect(target)
    messages.error(request, _("Please correct the errors below."))
    return page(request, case.pk, bound=(key, form), status=400)


@login_required
def asset_add(request, pk: int):
    """Register an asset. GET draws the form on a page of its own, filled in from a network query's finding when
    ``?finding=<action>&row=<n>`` names one of this case's (another case's query: 404, nothing shown)."""
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.ASSET_CONTROL)
    if request.method == "GET":
        initial = {}
        if "finding" in request.GET or "row" in request.GET:
            found = findings.finding_row(case, request.GET.get("finding"), request.GET.get("row"))
            if found is None:
                raise Http404
            initial = findings.prefill(case, *found)
        return _asset_page(request, case.pk, bound=("asset", forms.AssetForm(case=case, prefix="asset",
                                                                             initial=initial)))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = forms.AssetForm(request.POST, case=case, prefix="asset")

    def call(d):
        owner = case.case_parties.filter(pk=d.pop("owner")).first()
        services.asset_register(actor=request.user, case=case, owner=owner, **d)

    # A form drawn from a finding shows its errors on its own page again, the tab's form on the assets page.
    page = _asset_page if request.POST.get("asset-source_action") else case_assets
    return _post_action(request, case=case, form=form, key="asset", call=call, page=page, once="asset-register",
                        success=_case_tab_url(case, "assets"), success_message=_("Asset registered."))


def _asset_page(request, pk: int, bound, status=200):
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.ASSET_CONTROL)
    form = bound[1]
    return render(request, "assets/asset_form.html", {"title": _("Register an asset"), "case": case, "form": form},
                  status=status)


def _asset_for(request, pk: int, perm=Perm.CASE_VIEW) -> Asset:
    asset = selectors.asset_get_for_user(user=request.user, pk=pk)
    case_get_for_user(user=request.user, pk=asset.case_id, perm=perm)
    return asset


@login_required
@require_POST
def control_order(request, pk: int):
    asset = _asset_for(request, pk, Perm.ASSET_CONTROL)
    form = forms.ControlOrderForm(request.POST, prefix=f"order{asset.pk}")
    return _post_action(request, case=asset.case, form=form, key=f"order-{asset.pk}",
                        call=lambda d: services.control_order(actor=request.user, asset=asset, **d),
                        page=case_assets, success=_case_tab_url(asset.case, "assets"),
                        success_message=_("Control measure recorded."))


@login_required
@require_POST
def objection_add(request, pk: int):
    asset = _asset_for(request, pk, Perm.ASSET_CONTROL)
    form = forms.ObjectionForm(request.POST, prefix=f"obj{asset.pk}")
    return _post_action(request, case=asset.case, form=form, key=f"objection-{asset.pk}",
                        call=lambda d: services.objection_record(actor=request.user, asset=asset, **d),
                        page=case_assets, success=_case_tab_url(asset.case, "assets"),
                        success_message=_("Objection recorded; disposal is blocked until it is decided."))


@login_required
@require_POST
def objection_decide(request, pk: int):
    objection = get_object_or_404(Objection.objects.select_related("asset"), pk=pk)
    asset = _asset_for(request, objection.asset_id, Perm.ASSET_CONTROL)
    form = forms.ObjectionDecideForm(request.POST, prefix=f"dec{objection.pk}")
    return _post_action(request, case=asset.case, form=form, key=f"decide-{objection.pk}",
                        call=lambda d: services.objection_decide(actor=request.user, objection=objection, **d),
                        page=case_assets, success=_case_tab_url(asset.case, "assets"),
                        success_message=_("Objection decided."))


def _control_for(request, pk: int) -> ControlMeasure:
    control = selectors.control_get_for_user(user=request.user, pk=pk)
    case_get_for_user(user=request.user, pk=control.case_id, perm=Perm.ASSET_CONTROL)
    return control


@login_required
@require_POST
def control_renew(request, pk: int):
    control = _control_for(request, pk)
    form = forms.RenewForm(request.POST, prefix=f"renew{control.pk}")
    return _post_action(request, case=control.case, form=form, key=f"renew-{control.pk}",
                        call=lambda d: services.control_renew(actor=request.user, control=control, **d),
                        page=case_assets, success=_case_tab_url(control.case, "assets"),
                        success_message=_("Measure renewed."))


@login_required
@require_POST
def control_release(request, pk: int):
    control = _control_for(request, pk)
    form = forms.ReleaseForm(request.POST, prefix=f"rel{control.pk}")
    return _post_action(request, case=control.case, form=form, key=f"release-{control.pk}",
                        call=lambda d: services.control_release(actor=request.user, control=control, **d),
                        page=case_assets, success=_case_tab_url(control.case, "assets"),
                        success_message=_("Measure released."))


@login_required
@require_POST
def disposal_start(request, pk: int):
    asset = get_object_or_404(Asset.objects.select_related("case"), pk=pk, case__court_id=request.user.court_id)
    # Before the form: the receiving team of the asset's approved handover (移交处置), else the case's own team.
    if not services.disposal.disposal_start_allowed(user=request.user, asset=asset):
        raise PermissionDenied
    form = forms.DisposalStartForm(request.POST, prefix=f"disp{asset.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            disposal = services.disposal_start(actor=request.user, asset=asset, **d)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Disposal started."))
            return redirect("assets:disposal_detail", pk=disposal.pk)
    else:
        messages.error(request, _("Please correct the errors below."))
    if has_perm(request.user, Perm.CASE_VIEW, asset.case):
        return case_assets(request, asset.case_id, bound=(f"dispose-{asset.pk}", form), status=400)
    return redirect("assets:handovers")  # the receiving team starts disposals from its handovers page


# --- Handover for disposal (移交处置) ---------------------------------------------------------------------------

@login_required
@require_POST
def handover_request(request, pk: int):
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.DISPOSAL_HANDOVER)
    assets = list(case.assets.all())
    teams = services.handover.disposal_teams(case.court_id, exclude_team_id=case.team_id)
    form = forms.HandoverRequestForm(request.POST, prefix="handover", assets=assets, teams=teams)

    def call(d):
        chosen = [a for a in assets if a.pk in set(d["assets"])]
        services.handover_request(actor=request.user, case=case, assets=chosen, whole_case=d["whole_case"],
                                  to_team=teams.filter(pk=d["to_team"]).first() if d["to_team"] else None,
                                  reason=d["reason"])

    return _post_action(request, case=case, form=form, key="handover", call=call, page=case_assets,
                        success=_case_tab_url(case, "assets"),
                        success_message=_("Handover for disposal requested."))


@login_required
def handovers(request):
    """The chief's queue of handovers awaiting approval, and the handovers received by the user's disposal team
    with the start of each asset's disposal."""
    user = request.user
    if not (has_perm(user, Perm.DISPOSAL_HANDOVER_APPROVE) or has_perm(user, Perm.ASSET_DISPOSE)):
        raise PermissionDenied
    today = timezone.localdate()
    show_closed = request.GET.get("show") == "closed"
    queue = list(selectors.handover_queue_for_user(user=user))
    received = list(selectors.handovers_received(user=user, open_cases=not show_closed)[:100])
    for h in received:
        h.asset_list = list(h.case.assets.all()) if h.whole_case else list(h.assets.all())
        for asset in h.asset_list:
            asset.case = h.case
            # 开始处置 only where it can work: an open case, no disposal under way or concluded by a sale.
            asset.start_blocker = services.disposal.disposal_start_blocker(asset)
            if asset.start_blocker is None:
                asset.dispose_form = forms.DisposalStartForm(prefix=f"disp{asset.pk}",
                                                             initial={"reference_requested_on": today})
    return render(request, "assets/handovers.html", {"title": _("Handovers for disposal"), "queue": queue,
                                                     "received": received, "show_closed": show_closed})


HANDOVER_ACTIONS = {
    "approve": (services.handover_approve, _("Handover approved: the disposal team may now dispose of the assets.")),
    "reject": (services.handover_reject, _("Handover rejected.")),
    "withdraw": (services.handover_withdraw, _("Handover withdrawn.")),
}


@login_required
@require_POST
def handover_decide(request, pk: int, action: str):
    if action not in HANDOVER_ACTIONS:
        raise Http404
    handover = selectors.handover_get_for_user(user=request.user, pk=pk)
    perm = Perm.DISPOSAL_HANDOVER if action == "withdraw" else Perm.DISPOSAL_HANDOVER_APPROVE
    if not has_perm(request.user, perm, handover):  # before the form; the service checks again
        raise PermissionDenied
    service, message = HANDOVER_ACTIONS[action]
    form = forms.HandoverDecisionForm(request.POST)
    kwargs = {} if action == "withdraw" else {"note": form.data.get("note", "")[:300]}
    try:
        service(actor=request.user, handover=handover, **kwargs)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("assets:handovers") if action != "withdraw" else redirect(_case_tab_url(handover.case,
                                                                                               "assets"))
    messages.success(request, message)
    return redirect(_case_tab_url(handover.case, "assets") if action == "withdraw" else "assets:handovers")


# --- Disposal --------------------------------------------------------------------------------------------------

@login_required
def disposals(request):
    qs = selectors.disposal_list_for_user(user=request.user).select_related("asset", "case", "team") \
        .order_by("-created_at", "-id")
    page = selectors.page_window(qs, request.GET.get("page"))
    return render(request, "assets/disposals.html", {"title": _("Disposals"), "page": page})


DISPOSAL_FORMS = {
    "reference": (forms.ReferencePriceForm, services.disposal_reference_price_set, _("Reference price recorded.")),
    "round": (forms.RoundForm, services.auction_round_schedule, _("Round scheduled.")),
    "transfer": (forms.TransferForm, services.disposal_transfer_in_lieu, _("Transfer in payment recorded.")),
    "ruling": (forms.RulingForm, services.disposal_ruling_record, _("Ruling recorded; the measures are released.")),
    "handover": (forms.HandoverForm, services.disposal_handover_record, _("Hand-over recorded.")),
    "withdraw": (forms.ReasonForm, services.disposal_withdraw, _("Disposal withdrawn.")),
}


@login_required
def disposal_detail(request, pk: int, bound=None, status=200):
    disposal = selectors.disposal_get_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    key, bound_form = bound or (None, None)
    forms_ctx = {name: (bound_form if key == name else cls(prefix=name, initial={
        "report_on": today, "notice_on": today, "transferred_on": today, "served_on": today,
        "handed_over_on": today, "valid_months": 12})) for name, (cls, _s, _m) in DISPOSAL_FORMS.items()}
    rounds = list(disposal.rounds.all())
    pending = next((r for r in rounds if r.result == "pending"), None)
    result_form = bound_form if key == "result" else forms.RoundResultForm(prefix="result",
                                                                            initial={"ended_on": today})
    return render(request, "assets/disposal_detail.html", {
        "title": _("Disposal"), "disposal": disposal, "rounds": rounds, "pending_round": pending,
        "forms": forms_ctx, "result_form": result_form,
        "can_act": has_perm(request.user, Perm.ASSET_DISPOSE, disposal) and disposal.is_open,
        "can_finish": has_perm(request.user, Perm.ASSET_DISPOSE, disposal),
        # an objection (执异) suspending this asset's disposal, said before anyone fills a form
        "review_hold": services.disposal.review_hold(disposal.asset_id) if disposal.is_open else None,
    }, status=status)


@login_required
@require_POST
def disposal_action(request, pk: int, action: str):
    disposal = selectors.disposal_get_for_user(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.ASSET_DISPOSE, disposal):  # before the form; the services check it again
        raise PermissionDenied
    if action == "result":
        form = forms.RoundResultForm(request.POST, prefix="result")
        auction = disposal.rounds.filter(result="pending").first()
        if auction is None:
            raise Http404

        def call(d):
            services.auction_round_record_result(actor=request.user, auction=auction, **d)
        message = _("Result recorded.")
    elif action in DISPOSAL_FORMS:
        cls, service, message = DISPOSAL_FORMS[action]
        form = cls(request.POST, prefix=action)

        def call(d):
            service(actor=request.user, disposal=disposal, **d)
    else:
        raise Http404
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, message)
            return redirect("assets:disposal_detail", pk=disposal.pk)
    messages.error(request, _("Please correct the errors below."))
    return disposal_detail(request, disposal.pk, bound=(action, form), status=400)


# --- Funds tab -------------------------------------------------------------------------------------------------

def funds_tab_context(request, case, bound: tuple[str, object] | None = None) -> dict:
    user = request.user
    today = timezone.localdate()
    key, bound_form = bound or (None, None)
    entries = list(selectors.ledger_for_case(case=case))
    payees = [cp for cp in case.case_parties.select_related("party").order_by("role", "position")
              if cp.role in (PartyRole.APPLICANT, PartyRole.RESPONDENT)]
    sold = list(Disposal.objects.filter(case=case, status="sold").select_related("asset"))
    plans = [p for p in selectors.distribution_plans_for_case(case=case)[:10]]
    limits = selectors.payout_limits(case=case, today=today)
    pending = list(selectors.reversal_requests_for_case(case=case).filter(status="pending"))
    pending_ids = {r.entry_id for r in pending}
    for entry in entries:
        entry.reversal_pending = entry.pk in pending_ids
        entry.days_left = (entry.payout_due_on - today).days if entry.payout_due_on and not entry.paid_out_on \
            else None
        entry.overdue_days = -entry.days_left if entry.days_left is not None else None
    return {
        "case": case, "summary": selectors.case_funds_summary(case=case, today=today, limits=limits), "entries": entries,
        "payouts": list(selectors.payouts_for_case(case=case)),
        "can_record": has_perm(user, Perm.FUNDS_RECORD, case),
        "can_prepare": services.payouts.may_prepare(user, case),
        "payout_open": key == "payout",
        "can_approve": has_perm(user, Perm.PAYOUT_APPROVE, case),
        "receipt_form": bound_form if key == "receipt" else forms.ReceiptForm(
            prefix="receipt", disposals=sold, initial={"occurred_on": today}),
        "payout_form": bound_form if key == "payout" else forms.PayoutPrepareForm(
            prefix="payout", applicants=payees, initial=_surplus_offer(request, limits, payees)),
        "surplus_offered": key != "payout" and bool(_surplus_offer(request, limits, payees)),
        "limits": limits,
        "reverse_form": bound_form if key == "reverse" else forms.ReverseForm(prefix="reverse"),
        "reversal_requests": pending,
        "can_decide_reversal": has_perm(user, Perm.FUNDS_RECORD, case) or has_perm(user, Perm.PAYOUT_APPROVE, case),
        "reject_form": forms.RejectReversalForm(prefix="reject"),
        "fee_form": bound_form if key == "fee" else forms.FeeTransferForm(prefix="fee", initial={"occurred_on": today}),
        "plans": plans,
        "plan_form": bound_form if key == "plan" else _plan_form(case, payees),
        "can_prepare_plan": services.distribution.may_prepare(user, case),
        "can_approve_plan": services.distribution.may_approve(user, case),
        "execute_key": uuid.uuid4().hex,
        "today": today,
    }


def _surplus_offer(request, limits, payees) -> dict:
    """The payout form filled for returning the over-collected money to the debtor (超额到账 → 余款退还被执行人), when
    the flag's link (``?surplus=1``) was followed and there is some; otherwise empty."""
    if request.GET.get("surplus") != "1" or limits.over_collected <= 0:
        return {}
    debtor = next((cp for cp in payees if cp.role == PartyRole.RESPONDENT), None)
    if debtor is None:
        return {}
    return {"kind": "surplus", "payee": debtor.pk, "amount": limits.over_collected,
            "payee_account_name": debtor.party.name}


@login_required
def case_funds(request, pk: int, bound=None, status=200):
    case = case_get_for_user(user=request.user, pk=pk)
    return render(request, "assets/case_funds.html", {
        "title": _("Case funds of %(case)s") % {"case": case.number}, "case": case,
        "ctx": funds_tab_context(request, case, bound)}, status=status)


@login_required
@require_POST
def receipt_add(request, pk: int):
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.FUNDS_RECORD)
    sold = Disposal.objects.filter(case=case, status="sold")
    form = forms.ReceiptForm(request.POST, prefix="receipt", disposals=sold)

    def call(d):
        disposal_id = d.pop("disposal", None)
        services.receipt_record(actor=request.user, case=case, disposal=sold.filter(pk=disposal_id).first()
                                if disposal_id else None, **d)

    response = _post_action(request, case=case, form=form, key="receipt", call=call, page=case_funds,
                            success=_case_tab_url(case, "funds"), success_message=_("Receipt recorded."),
                            once="assets:receipt_add")
    if response.status_code == 302:
        case.refresh_from_db(fields=["amount_recovered"])
        over = selectors.payout_limits(case=case).over_collected
        if over > 0:
            messages.warning(request, _("Over-collected %(amount)s: the case's account now holds more than the claim, "
                                        "the interest and the fee can absorb; return it to the debtor.") % {
                "amount": money(over)})
    return response


@login_required
@require_POST
def entry_reverse(request, pk: int):
    """Reverse an entry in two steps: the first post checks and shows a confirmation page (nothing written); the
    post from that page (``confirmed``) reverses, or requests a second person's confirmation for a large receipt."""
    entry = selectors.ledger_get_for_user(user=request.user, pk=pk)
    # Permission before the form (the service checks it again): a disbursement is reversed under PAYOUT_APPROVE.
    if not has_perm(request.user, Perm.PAYOUT_APPROVE if entry.kind == "disbursement" else Perm.FUNDS_RECORD,
                    entry.case):
        raise PermissionDenied
    form = forms.ReverseForm(request.POST, prefix="reverse")
    if form.is_valid() and not form.cleaned_data["confirmed"]:
        try:
            second_person = services.entry_reverse_check(actor=request.user, entry=entry,
                                                         reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            # A fresh token: the funds tab draws one reverse form for every row, so the first step's token is shared.
            confirm = forms.ReverseForm(prefix="reverse", initial={
                "reason": form.cleaned_data["reason"], "confirmed": True, "form_token": idempotency.new_token()})
            confirm.fields["reason"].widget = confirm.fields["reason"].hidden_widget()
            return render(request, "assets/reverse_confirm.html", {
                "title": _("Confirm the reversal"), "entry": entry, "case": entry.case, "form": confirm,
                "reason": form.cleaned_data["reason"], "second_person": second_person,
                "back": _case_tab_url(entry.case, "funds")})

    done = []

    def call(d):
        done.append(services.entry_reverse(actor=request.user, entry=entry, reason=d["reason"]))

    def success_message():
        if done and not isinstance(done[0], LedgerEntry):
            return _("The reversal awaits confirmation by a second person (another finance officer or the division "
                     "chief).")
        return _("Reversal recorded.")

    return _post_action(request, case=entry.case, form=form, key="reverse", call=call,
                        page=case_funds, success=_case_tab_url(entry.case, "funds"),
                        success_message=success_message, once="assets:entry_reverse")


@login_required
@require_POST
def reversal_decide(request, pk: int, action: str):
    """A second person confirms or rejects a pending reversal (the requester may withdraw it)."""
    pending = selectors.reversal_request_get_for_user(user=request.user, pk=pk)
    if not (has_perm(request.user, Perm.FUNDS_RECORD, pending) or has_perm(request.user, Perm.PAYOUT_APPROVE,
                                                                            pending)):
        raise PermissionDenied
    try:
        if action == "confirm":
            services.reversal_confirm(actor=request.user, request=pending)
            messages.success(request, _("Reversal confirmed and recorded."))
        elif action == "reject":
            form = forms.RejectReversalForm(request.POST, prefix="reject")
            note = form.cleaned_data["note"] if form.is_valid() else ""
            if not form.is_valid():
                raise ValidationError({"note": _("Enter at most 300 characters.")})
            done = services.reversal_reject(actor=request.user, request=pending, note=note)
            messages.success(request, _("Reversal request withdrawn.") if done.status == "withdrawn"
                             else _("Reversal request rejected."))
        else:
            raise Http404
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        if not str(exc):
            raise
        messages.error(request, str(exc))
    return redirect(_case_tab_url(pending.case, "funds"))


def _plan_form(case, payees, data=None, initial=None):
    return forms.DistributionPlanForm(
        data, prefix="plan", initial=initial,
        applicants=[cp for cp in payees if cp.role == PartyRole.APPLICANT],
        respondents=[cp for cp in payees if cp.role == PartyRole.RESPONDENT])


@login_required
@require_POST
def fee_transfer(request, pk: int):
    """Finance transfers the enforcement fee withheld first to the court's fee account (执行费划转)."""
    case = case_get_for_user(user=request.user, pk=pk, perm=Perm.FUNDS_RECORD)
    form = forms.FeeTransferForm(request.POST, prefix="fee")

    def call(d):
        services.fee_transfer_record(actor=request.user, case=case, **d)

    return _post_action(request, case=case, form=form, key="fee", call=call, page=case_funds,
                        success=_case_tab_url(case, "funds"),
                        success_message=_("Enforcement fee transfer recorded."), once="assets:fee_transfer")


@login_required
@require_POST
def distribution_plan_prepare(request, pk: int):
    """Prepare a distribution plan; the "pro rata" button instead fills the amounts from the typed claims (the
    distribution calculator) and shows the form again, writing nothing."""
    case = case_get_for_user(user=request.user, pk=pk)
    if not services.distribution.may_prepare(request.user, case):
        raise PermissionDenied
    payees = [cp for cp in case.case_parties.select_related("party").order_by("role", "position")
              if cp.role in (PartyRole.APPLICANT, PartyRole.RESPONDENT)]
    form = _plan_form(case, payees, request.POST)
    if "pro_rata" in request.POST:
        if form.is_valid():
            try:
                shares = services.distribution.distribution_plan_pro_rata(case=case, claims=form.claims())
            except ValidationError as exc:
                apply_errors(exc, form)
            else:
                data = request.POST.copy()
                for party_id, amount in shares.items():
                    data[f"plan-amount_{party_id}"] = str(amount)
                form = _plan_form(case, payees, data)
                form.is_valid()
                messages.info(request, _("Amounts filled pro rata to the claims; check them and prepare the plan."))
                return case_funds(request, case.pk, bound=("plan", form), status=200)
        return case_funds(request, case.pk, bound=("plan", form), status=400)

    def call(d):
        services.distribution_plan_prepare(actor=request.user, case=case, lines=form.lines(), note=d.get("note", ""))

    return _post_action(request, case=case, form=form, key="plan", call=call, page=case_funds,
                        success=_case_tab_url(case, "funds"),
                        success_message=_("Distribution plan prepared; it now awaits the division chief's approval."),
                        once="assets:distribution_plan_prepare")


@login_required
@require_POST
def distribution_plan_decide(request, pk: int, action: str):
    """The chief approves a plan; a plan is withdrawn by the chief, or while a draft by whoever may prepare one."""
    plan = selectors.distribution_plan_get_for_user(user=request.user, pk=pk)
    if not (services.distribution.may_prepare(request.user, plan.case)
            or services.distribution.may_approve(request.user, plan.case)):
        raise PermissionDenied
    try:
        if action == "approve":
            services.distribution_plan_approve(actor=request.user, plan=plan)
            messages.success(request, _("Distribution plan approved."))
        elif action == "withdraw":
            form = forms.RejectReversalForm(request.POST, prefix="plan")
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.distribution_plan_withdraw(actor=request.user, plan=plan, reason=note)
            messages.success(request, _("Distribution plan withdrawn."))
        else:
            raise Http404
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        if not str(exc):
            raise
        messages.error(request, str(exc))
    return redirect(_case_tab_url(plan.case, "funds"))


@login_required
@require_http_methods(["GET", "POST"])
def payout_prepare(request, pk: int):
    """GET (the "发放" action next to the case's balance): the case's funds page with the payout form open and filled
    in where the ledger decides it (the only applicant, their name as the account name, what may be paid now).
    POST: prepare the payout; the service checks the limits."""
    case = case_get_for_user(user=request.user, pk=pk)
    if not services.payouts.may_prepare(request.user, case):
        raise PermissionDenied
    payees = case.case_parties.filter(role__in=[PartyRole.APPLICANT, PartyRole.RESPONDENT]).select_related("party")
    if request.method == "GET":
        return case_funds(request, case.pk, bound=("payout", forms.PayoutPrepareForm(
            prefix="payout", applicants=payees, initial=_payout_initial(case, payees))))
    form = forms.PayoutPrepareForm(request.POST, prefix="payout", applicants=payees)

    def call(d):
        services.payout_prepare(actor=request.user, case=case, payee=payees.filter(pk=d.pop("payee")).first(), **d)

    return _post_action(request, case=case, form=form, key="payout", call=call, page=case_funds,
                        success=_case_tab_url(case, "funds"),
                        success_message=_("Payout prepared; it now awaits approval."))


def _payout_initial(case, payees) -> dict:
    limits = selectors.payout_limits(case=case)
    applicants = [cp for cp in payees if cp.role == PartyRole.APPLICANT]
    initial = {"kind": "applicant"}
    if len(applicants) == 1:
        initial.update(payee=applicants[0].pk, payee_account_name=applicants[0].party.name)
        if limits.applicant_limit > 0:
            initial["amount"] = limits.applicant_limit
    return initial


def _safe_back(request, value: str | None) -> str:
    back = value or reverse("assets:payout_queue")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("assets:payout_queue")  # "//other.host/" is not a path of this site
    return back


@login_required
def payout_confirm(request, pk: int):
    """The confirmation step before paying (发放): the payout's amount, payee and account, a box to tick that names
    them, and the button. The payment itself is the POST to ``payout_decide`` (action execute), which checks the
    confirmation again."""
    payout = selectors.payout_get_for_user(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.PAYOUT_APPROVE, payout):
        raise PermissionDenied
    form = forms.ExecuteForm(initial={"idempotency_key": uuid.uuid4().hex, "amount": payout.amount})
    form.fields["confirm"].label = _("I confirm paying %(amount)s yuan to %(payee)s, account %(account)s at %(bank)s "
                                     "(%(name)s).") % {
        "amount": yuan(payout.amount), "payee": payout.payee.party.name, "account": payout.payee_account_number,
        "bank": payout.payee_bank, "name": payout.payee_account_name}
    return render(request, "assets/payout_confirm.html", {
        "title": _("Confirm the payment"), "payout": payout, "form": form,
        "back": _safe_back(request, request.GET.get("next"))})


@login_required
@require_POST
def payout_decide(request, pk: int, action: str):
    """Approve, return, cancel or pay a payout from the queue or the funds tab."""
    payout = selectors.payout_get_for_user(user=request.user, pk=pk)
    back = _safe_back(request, request.POST.get("next"))
    try:
        if action == "approve":
            services.payout_approve(actor=request.user, payout=payout)
            messages.success(request, _("Payout approved."))
        elif action == "execute":
            # Paying cannot be undone: only with the confirmation the confirmation page asks for (the box naming
            # the amount and the payee, and the amount shown), never on a bare POST.
            form = forms.ExecuteForm(request.POST)
            if not has_perm(request.user, Perm.PAYOUT_APPROVE, payout):
                raise PermissionDenied
            if not form.is_valid() or form.cleaned_data["amount"] != payout.amount:
                messages.error(request, _("Confirm the payment on the confirmation page first: tick the box that "
                                          "names the amount and the payee."))
                return redirect(reverse("assets:payout_confirm", args=[payout.pk]) + "?" + urlencode({"next": back}))
            key = form.cleaned_data["idempotency_key"]
            done = services.payout_execute(actor=request.user, payout=payout, idempotency_key=key)
            messages.success(request, _("Payout already paid (repeated request).") if done.replayed
                             else _("Payout paid."))
        elif action in ("return", "cancel"):
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"reason": _("Give a reason.")})
            service = services.payout_return if action == "return" else services.payout_cancel
            service(actor=request.user, payout=payout, reason=form.cleaned_data["reason"])
            messages.success(request, _("Payout returned.") if action == "return" else _("Payout cancelled."))
        else:
            raise Http404
    except ValidationError as exc:
        _flash_errors(request, exc)
    except PermissionDenied as exc:
        # An approver refused by a rule of this payout (their own payout, or above the amount their role may
        # approve) is told why on the queue instead of a bare 403 page; anyone else still gets the 403.
        if not str(exc) or not has_perm(request.user, Perm.PAYOUT_APPROVE, payout):
            raise
        messages.error(request, str(exc))
    return redirect(back)


# --- Court-wide lists ------------------------------------------------------------------------------------------

@login_required
def controls_expiring(request):
    if not has_perm(request.user, Perm.CASE_VIEW):
        raise PermissionDenied
    try:
        days = max(0, min(int(request.GET.get("days", "")), 3650))
    except ValueError:
        days = selectors.expiring_window_default(request.user)
    page = selectors.controls_expiring_window(user=request.user, within_days=days, page=request.GET.get("page"))
    today = timezone.localdate()
    for control in page:
        control.days_left = (control.expires_on - today).days
    return render(request, "assets/controls_expiring.html", {
        "title": _("Controls expiring"), "page": page, "days": days, "today": today})


@login_required
def funds_awaiting(request):
    if not any(has_perm(request.user, p) for p in (Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE, Perm.PAYOUT_PREPARE)):
        raise PermissionDenied
    entries = selectors.funds_awaiting(user=request.user)
    only_over = request.GET.get("over") == "1"
    if only_over:  # 超额到账: only the cases whose account holds more than they can absorb
        over = over_collection.over_collected_in_scope(entries)
        entries = entries.filter(case_id__in=list(over))
    page = selectors.page_window(entries, request.GET.get("page"))
    if not only_over:
        over = over_collection.over_collected({entry.case_id for entry in page})
    today = timezone.localdate()
    for entry in page:
        entry.days_left = (entry.payout_due_on - today).days
        entry.overdue_days = -entry.days_left
        entry.over_collected = over.get(entry.case_id)
    return render(request, "assets/funds_awaiting.html", {"title": _("Funds awaiting payout"), "page": page,
                                                          "only_over": only_over,
                                                          "pager_query": "over=1" if only_over else ""})


@login_required
def payout_queue(request):
    """Every payout the user may approve, a page at a time, filtered and sorted (a fixed number of queries a page)."""
    if not has_perm(request.user, Perm.PAYOUT_APPROVE):
        raise PermissionDenied
    courts = list(selectors.payout_queue_courts(user=request.user))
    teams = list(Team.objects.filter(court_id__in=[c.pk for c in courts], is_active=True).order_by("court_id", "name"))
    form = forms.PayoutQueueFilterForm(request.GET or None, courts=courts, teams=teams)
    filters = form.queue_filters() if form.is_bound and form.is_valid() else {}
    status = 400 if form.is_bound and form.errors else 200
    paginator = Paginator(selectors.payout_queue(user=request.user, **filters), 50)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "assets/payout_queue.html", {
        "title": _("Payout approvals"), "page": page, "payouts": page.object_list, "form": form,
        "query": query.urlencode()}, status=status)


# --- Calculators -----------------------------------------------------------------------------------------------

@login_required
def calculators(request):
    if not has_perm(request.user, Perm.CASE_VIEW):
        raise PermissionDenied
    which = request.POST.get("calc") if request.method == "POST" else None
    court = request.user.court_id
    ctx = {"title": _("Calculators"), "fee_form": forms.FeeCalcForm(prefix="fee"),
           "interest_form": forms.InterestCalcForm(prefix="int"),
           "dist_form": forms.DistributionCalcForm(prefix="dist"), "which": which}
    case_id = request.GET.get("case", "")
    if case_id.isdigit() and not which:
        # From a case: the claims start with its applicants' names, one line each (the principal left to fill).
        case = case_get_for_user(user=request.user, pk=int(case_id))
        names = [cp.party.name for cp in case.case_parties.filter(role=PartyRole.APPLICANT)
                 .select_related("party").order_by("position")]
        ctx["calc_case"] = case
        ctx["dist_form"] = forms.DistributionCalcForm(
            prefix="dist", initial={"claims": "\n".join(f"{name}, " for name in names)})
    if which == "fee":
        form = ctx["fee_form"] = forms.FeeCalcForm(request.POST, prefix="fee")
        if form.is_valid():
            try:
                ctx["fee"] = services.enforcement_fee_calculate(court=court, amount=form.cleaned_data["amount"],
                                                                preservation=form.cleaned_data["preservation"])
            except ValidationError as exc:
                apply_errors(exc, form)
    elif which == "interest":
        form = ctx["interest_form"] = forms.InterestCalcForm(request.POST, prefix="int")
        if form.is_valid():
            d = form.cleaned_data
            try:
                ctx["interest"] = services.interest_calculate(court=court, principal=d["principal"], start=d["start"],
                                                              end=d["end"], payments=d["payments"])
            except ValidationError as exc:
                apply_errors(exc, form)
    elif which == "distribution":
        form = ctx["dist_form"] = forms.DistributionCalcForm(request.POST, prefix="dist")
        if form.is_valid():
            d = form.cleaned_data
            try:
                ctx["distribution"] = services.distribution_calculate(
                    court=court, total=d["total"], sale_costs=d["sale_costs"] or Decimal("0"),
                    enforcement_costs=d["enforcement_costs"] or Decimal("0"), mode=d["mode"],
                    claims=[services.calculators.ClaimInput(**c) for c in d["claims"]])
            except ValidationError as exc:
                apply_errors(exc, form)
    template = "assets/_calc_result.html" if getattr(request, "htmx", False) and which else "assets/calculators.html"
    return render(request, template, ctx)


