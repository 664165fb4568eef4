"""Case pages. Thin: shape input with a form, call a service or selector, render. Services check the policy."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import Perm, has_perm, require
from core import idempotency
from core.case_tabs import collect

from . import selectors, services
from .actions import details_form
from .forms import (
    ActionForm, AssignForm, BreachForm, ClosureForm, InstalmentFormSet, InstalmentPayForm, IntakeForm, LeadForm,
    LeadHandleForm, PartyDetailsForm, PartyFormSet, PetitionAnswerForm, PetitionForm, ResumeForm, ReturnForm, SearchForm,
    SettlementForm, StreamForm, TransitionForm, apply_errors, bootstrap,
)
from .models import (
    ActionAttachment, ActionKind, ClosureRequest, Lead, Petition, Settlement, SettlementInstalment,
)
from .services.workflow import WORK_STAGES
from .term import case_term_deadline

PAGE_SIZE = 50


def _page(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


# --- Lists ------------------------------------------------------------------------------------------------------

@login_required
def my_cases(request):
    from .sorting import current_sort, query_without_page, sort_headers

    require(request.user, Perm.CASE_ACT)
    sort = current_sort(request.GET, selectors.MY_CASES_SORTS)
    page = _page(request, selectors.my_cases(user=request.user, sort=sort))
    cases = selectors.annotate_due(selectors.with_party_names(list(page.object_list)))
    # Tick cases and open a new network-inquiry batch with them (a GET form to inquiry:batch_new, ``?case=`` each).
    inquiry_url = _url_or_none("inquiry:batch_new") if has_perm(request.user, Perm.INQUIRY_RUN) else None
    return render(request, "cases/my_cases.html", {
        "title": _("My cases"), "page": page, "cases": cases, "sort": sort, "today": timezone.localdate(),
        "inquiry_url": inquiry_url,
        "sort_headers": sort_headers(request.GET, selectors.MY_CASES_SORTS), "query": query_without_page(request.GET),
        "overdue_leads": list(selectors.leads_overdue_for_user(user=request.user, limit=20)),
        "petitions_due": list(selectors.petitions_due_for_user(user=request.user, limit=20)),
    })


@login_required
def case_list(request):
    require(request.user, Perm.CASE_VIEW)
    form = SearchForm(request.GET or None, court=request.user.court)
    search = selectors.CaseSearch()
    if form.is_valid():
        d = form.cleaned_data
        search = selectors.CaseSearch(q=d["q"], party=d["party"], fuzzy=d["fuzzy"], id_number=d["id_number"],
                                      officer=d["officer"].pk if d["officer"] else None, stage=d["stage"],
                                      stream=d["stream"], tag=d["tag"], open_only=d["open_only"])
    page = _page(request, selectors.case_search(user=request.user, search=search))
    cases = selectors.with_party_names(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/case_list.html", {"title": _("Cases"), "form": form, "page": page, "cases": cases,
                                                    "query": query.urlencode()})


@login_required
def approvals(request):
    if not (has_perm(request.user, Perm.CASE_CLOSE_APPROVE) or has_perm(request.user, Perm.PAYOUT_APPROVE)):
        raise PermissionDenied
    queue = list(selectors.closure_queue(user=request.user)[:200])
    return render(request, "cases/approvals.html", {
        "title": _("Approvals"), "queue": queue, "return_form": ReturnForm(),
        "suspension_queue": list(selectors.suspension_queue(user=request.user)[:200]),
        "payout_queue_url": _url_or_none("assets:payout_queue"),
        "overdue_leads": list(selectors.leads_overdue_for_user(user=request.user, limit=50))
        if has_perm(request.user, Perm.CASE_CLOSE_APPROVE) else [],
    })


# --- Intake -----------------------------------------------------------------------------------------------------

def _party_input(d: dict) -> services.PartyInput:
    return services.PartyInput(role=d["role"], kind=d["kind"], name=d["name"], id_kind=d["id_kind"],
                               id_number=d["id_number"], phones=[d["phone"]] if d["phone"] else [],
                               address=d["address"], legal_representative=d["legal_representative"],
                               agent=d["agent"], agent_id_number=d.get("agent_id_number") or "",
                               agent_phone=d.get("agent_phone") or "", email=d.get("email") or "",
                               resolution=d.get("resolution") or "",
                               resolution_reason=d.get("resolution_reason") or "")


def _party_inputs(formset) -> list[services.PartyInput]:
    return [_party_input(d) for d in (f.cleaned_data for f in formset.forms) if d]


def _party_rows(formset) -> list:
    """The filled-in party rows, in order (the service's ``parties.<index>`` counts these)."""
    formset.is_valid()  # every row cleaned, also when the page form failed first
    return [f for f in formset.forms if f.errors or f.cleaned_data]


def _party_precheck(formset) -> None:
    """When the page itself has errors the service is not called: still check every row whose own fields are
    valid (identification numbers, names), so one submit shows every party's errors."""
    rows = _party_rows(formset)
    labels = services.party_row_labels([f["role"].value() for f in rows])
    for i, f in enumerate(rows):
        if f.errors:
            continue
        _cleaned, errors = services.parties_errors(parties=[_party_input(f.cleaned_data)], first_index=i,
                                                   labels=[labels[i]])
        for key, row_errors in errors.items():
            name = key.split(".", 2)[2]
            for m in row_errors:
                f.add_error(name if name in f.fields else None, m)


def _party_error_summary(formset) -> list[str]:
    """Every party row's errors, each naming its row ("第2名被执行人：身份证号码校验位错误"), for the top of the page."""
    rows = _party_rows(formset)
    labels = services.party_row_labels([f["role"].value() for f in rows])
    summary = []
    for label, f in zip(labels, rows):
        for row_errors in f.errors.values():
            for m in row_errors:
                summary.append(m if m.startswith(label) else services.party_message(label, m))
    return summary


def _conflict_rows(conflict) -> list[tuple]:
    """(label, existing value, typed value, differs) per compared field, for the register page."""
    from .models import PartyKind

    labels = {"name": _("Name"), "kind": _("Kind"), "address": _("Address")}

    def shown(key, value):
        return PartyKind(value).label if key == "kind" and value in PartyKind.values else value

    return [(labels[k], shown(k, conflict.existing[k]), shown(k, conflict.typed[k]), k in conflict.fields)
            for k in ("name", "kind", "address")]


@login_required
def register(request):
    require(request.user, Perm.CASE_REGISTER)
    court = request.user.court
    if request.method == "POST":
        form = IntakeForm(request.POST, court=court)
        formset = PartyFormSet(request.POST, prefix="parties")
        if form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            registered = []

            def register_once():  # a double submit of the same drawn form goes to the first case (core.idempotency)
                registered.append(services.case_register(
                    actor=request.user, court=court, case_type=d["case_type"], received_on=d["received_on"],
                    filed_on=d["filed_on"], non_litigation=d["non_litigation"], basis_kind=d["basis_kind"],
                    basis_issuer=d["basis_issuer"], basis_number=d["basis_number"],
                    basis_effective_on=d["basis_effective_on"], basis_due_on=d["basis_due_on"], cause=d["cause"],
                    obligation_kind=d["obligation_kind"], act_description=d["act_description"],
                    principal=d["principal"], interest_awarded=d["interest_awarded"],
                    litigation_costs=d["litigation_costs"], other_amount=d["other_amount"],
                    assets_known=d["assets_known"], team=d["team"], officer=d["officer"],
                    tags=[t.strip() for t in d["tags"].replace("，", ",").split(",") if t.strip()],
                    parties=_party_inputs(formset),
                ))
                return reverse("cases:detail", args=[registered[0].pk])
            try:
                target, replayed = idempotency.form_once(request, endpoint="cases:register", token=d["form_token"],
                                                         work=register_once)
            except ValidationError as exc:
                if isinstance(exc, services.PartyConflictError):
                    # Show each clash on its row: the existing record next to what was typed, and the choice.
                    rows = [f for f in formset.forms if f.cleaned_data]
                    for conflict in exc.conflicts:
                        if conflict.index < len(rows):
                            rows[conflict.index].conflict = _conflict_rows(conflict)

                def party_field(key):
                    _p, index, name = key.split(".", 2)
                    return _party_rows(formset)[int(index)], name
                apply_errors(exc, form, prefix_map={"parties.": lambda k: party_field(k) if k.count(".") == 2
                                                    else (None, k)})
            else:
                if replayed:
                    messages.info(request, _("This form was already submitted; nothing was recorded twice."))
                    return redirect(target)
                case = registered[0]
                messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
                for w in case.intake_warnings:
                    messages.warning(request, w)
                return redirect("cases:detail", pk=case.pk)
        else:
            _party_precheck(formset)
        party_errors = _party_error_summary(formset)
    else:
        today = timezone.localdate()
        form = IntakeForm(court=court, initial={"received_on": today, "filed_on": today})
        formset = PartyFormSet(prefix="parties", initial=[{"role": "applicant"}, {"role": "respondent"}])
        party_errors = []
    return render(request, "cases/register.html", {"title": _("Register a case"), "form": form, "formset": formset,
                                                   "party_errors": party_errors})


@login_required
def party_edit(request, pk: int, party_pk: int):
    """Edit a party's contact details from one of their cases; a concurrent edit of another field is kept, one of
    the same field is refused with a message (cases.services.parties)."""
    import json
    import re

    from django.http import Http404

    case = selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_EDIT)
    link = case.case_parties.select_related("party").filter(party_id=party_pk).first()
    if link is None:
        raise Http404
    party = link.party
    initial = {"phones": ", ".join(party.phones), "address": party.address,
               "legal_representative": party.legal_representative, "postcode": party.postcode,
               "orig_phones": json.dumps(party.phones, ensure_ascii=False), "orig_address": party.address,
               "orig_legal_representative": party.legal_representative, "orig_postcode": party.postcode}
    form = PartyDetailsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            orig_phones = json.loads(d["orig_phones"] or "[]")
        except ValueError:
            orig_phones = None
        try:
            services.party_details_update(
                actor=request.user, case=case, party=party,
                changes={"phones": [p.strip() for p in re.split(r"[,，;；]", d["phones"]) if p.strip()],
                         "address": d["address"], "legal_representative": d["legal_representative"],
                         "postcode": d["postcode"]},
                original={"phones": orig_phones, "address": d["orig_address"],
                          "legal_representative": d["orig_legal_representative"],
                          "postcode": d["orig_postcode"]})
        except ValidationError as exc:
            apply_errors(exc, form)
            status = 409 if isinstance(exc, services.PartyDetailsStale) else 400
        else:
            messages.success(request, _("Party details saved."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/simple_form.html", {"title": _("Edit party: %(name)s") % {"name": party.name},
                                                      "case": case, "form": form}, status=status)


# --- The case page ----------------------------------------------------------------------------------------------

def _detail_data(request, case):
    cache = getattr(request, "_case_detail_data", None)
    if cache is None or cache[0] != case.pk:
        cache = (case.pk, selectors.case_detail_data(case=case))
        request._case_detail_data = cache
    return cache[1]


@login_required
def detail(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    data = _detail_data(request, case)
    tabs = [t for t in collect() if has_perm(request.user, t.perm, case)]
    active = request.GET.get("tab") or "timeline"
    if active not in {t.key for t in tabs}:
        active = "timeline"
    # Every tab the user may see is listed; only the open one is rendered (bounded queries, light on a phone).
    tab_contexts = [(t, {"case": case, "request": request, "user": request.user, **t.context(request, case)}
                     if t.key == active else None) for t in tabs]
    can_act = has_perm(request.user, Perm.CASE_ACT, case)
    stages = services.allowed_transitions(case) if can_act else []
    return render(request, "cases/detail.html", {
        "title": case.number, "case": case, **data, "tabs": tab_contexts, "active_tab": active,
        "term_deadline": case_term_deadline(case) if case.is_open else None,
        "can_act": can_act, "can_edit": has_perm(request.user, Perm.CASE_EDIT, case),
        "can_assign": has_perm(request.user, Perm.CASE_ASSIGN, case),
        "can_triage": has_perm(request.user, Perm.CASE_TRIAGE, case),
        "can_close": has_perm(request.user, Perm.CASE_CLOSE_REQUEST, case)
        or has_perm(request.user, Perm.CASE_CLOSE_APPROVE, case),
        "can_request_suspension": case.stage in WORK_STAGES and data["suspension_pending"] is None and (
            has_perm(request.user, Perm.CASE_CLOSE_REQUEST, case)
            or has_perm(request.user, Perm.CASE_CLOSE_APPROVE, case)),
        "can_register": has_perm(request.user, Perm.CASE_REGISTER, case),
        "can_register_assets": case.is_open and has_perm(request.user, Perm.ASSET_CONTROL, case),
        "transition_form": TransitionForm(stages=stages) if stages else None,
        "action_form": ActionForm(initial={"occurred_on": timezone.localdate()}) if can_act else None,
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def transition(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    try:
        services.case_transition(actor=request.user, case=case, to_stage=request.POST.get("to_stage", ""),
                                 reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("cases:detail", pk=case.pk)


@login_required
def assign(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_ASSIGN)
    form = AssignForm(request.POST or None, court=case.court,
                      initial={"team": case.team_id, "officer": case.officer_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign(actor=request.user, case=case, team=form.cleaned_data["team"],
                                 officer=form.cleaned_data["officer"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/simple_form.html", {"title": _("Assign"), "case": case, "form": form})


@login_required
def stream(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_TRIAGE)
    form = StreamForm(request.POST or None, initial={"stream": case.stream})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_stream_override(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/simple_form.html", {"title": _("Change stream"), "case": case, "form": form})


@login_required
def resume(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_REGISTER)
    form = ResumeForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.case_resume(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Resumed as %(number)s.") % {"number": new.number})
            return redirect("cases:detail", pk=new.pk)
    return render(request, "cases/simple_form.html", {"title": _("Resume enforcement"), "case": case, "form": form})


# --- Actions ----------------------------------------------------------------------------------------------------

def _raw_details(details, data) -> dict:
    """The detail fields as submitted (prefix ``d-``), lists for multiple choices, for the service to validate."""
    raw = {}
    for name, field in details.fields.items():
        key = f"d-{name}"
        if isinstance(field.widget, forms.SelectMultiple):
            if key in data:
                raw[name] = data.getlist(key)
        elif key in data:
            raw[name] = data.get(key)
    return raw


@login_required
def action_new(request, pk: int):
    """The one short form an officer fills in on a phone: the measure, its date, its own few fields, photos."""
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_ACT)
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind") if source.get("kind") in ActionKind.values else ActionKind.NOTICE_SERVED
    if request.method == "POST" and "refresh" not in request.POST:
        form = ActionForm(request.POST, request.FILES)
        details = bootstrap(details_form(kind, data=request.POST, case=case, prefix="d"))
        if form.is_valid():
            try:
                services.action_log(actor=request.user, case=case, kind=kind,
                                    occurred_on=form.cleaned_data["occurred_on"],
                                    details=_raw_details(details, request.POST), summary=form.cleaned_data["summary"],
                                    attachments=request.FILES.getlist("attachments"))
            except ValidationError as exc:
                details.is_valid()  # show the detail form's own messages on its fields

                def detail_field(key):
                    name = key.split(".", 1)[1] if "." in key else None
                    if name and name in details.fields and name not in details.errors:
                        return details, name
                    return (None, key) if name is None else (details, "__skip__")
                apply_errors(exc, form, prefix_map={"details": detail_field})
            else:
                messages.success(request, _("Recorded."))
                return redirect(reverse("cases:detail", args=[case.pk]) + "#timeline")
        else:
            details.is_valid()
    else:
        form = ActionForm(initial={"kind": kind, "occurred_on": source.get("occurred_on") or timezone.localdate()})
        details = bootstrap(details_form(kind, case=case, prefix="d"))
    if request.htmx and request.GET.get("partial"):
        return render(request, "cases/partials/action_fields.html", {"details": details, "kind": kind})
    return render(request, "cases/action_form.html", {"title": _("Record an action"), "case": case, "form": form,
                                                      "details": details, "kind": kind})


@login_required
def attachment(request, pk: int):
    att = selectors.related_get_for_user(user=request.user, model=ActionAttachment, pk=pk, case_path="action__case")
    response = FileResponse(att.file.open("rb"), content_type=att.content_type, as_attachment=False,
                            filename=att.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'self'; sandbox"
    return response


# --- Leads, petitions, settlements --------------------------------------------------------------------------------

def _simple(request, case, form, title, call, success):
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, success)
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/simple_form.html", {"title": title, "case": case, "form": form})


@login_required
def lead_new(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_EDIT)
    form = LeadForm(request.POST or None)
    return _simple(request, case, form, _("Register an asset lead"),
                   lambda d: services.lead_register(actor=request.user, case=case, description=d["description"],
                                                    source=d["source"], urgent=d["urgent"],
                                                    received_at=d["received_at"]), _("Lead registered."))


@login_required
def lead_handle(request, pk: int):
    lead = selectors.related_get_for_user(user=request.user, model=Lead, pk=pk, perm=Perm.CASE_ACT)
    form = LeadHandleForm(request.POST or None)
    return _simple(request, lead.case, form, _("Record what was done about a lead"),
                   lambda d: services.lead_handle(actor=request.user, lead=lead, result=d["result"],
                                                  outcome=d["outcome"]),
                   _("Lead handled."))


@login_required
def petition_new(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_EDIT)
    form = PetitionForm(request.POST or None, initial={"received_on": timezone.localdate()})
    return _simple(request, case, form, _("Register a petition"),
                   lambda d: services.petition_register(actor=request.user, case=case, **d), _("Petition registered."))


@login_required
def petition_answer(request, pk: int):
    petition = selectors.related_get_for_user(user=request.user, model=Petition, pk=pk, perm=Perm.CASE_ACT)
    form = PetitionAnswerForm(request.POST or None, initial={"answered_on": timezone.localdate()})
    return _simple(request, petition.case, form, _("Answer a petition"),
                   lambda d: services.petition_answer(actor=request.user, petition=petition, **d),
                   _("Answer recorded."))


@login_required
def settlement_new(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_ACT)
    form = SettlementForm(request.POST or None, initial={"signed_on": timezone.localdate(), "pause_term": True})
    formset = InstalmentFormSet(request.POST or None, prefix="inst")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.settlement_register(
                actor=request.user, case=case, signed_on=form.cleaned_data["signed_on"],
                terms=form.cleaned_data["terms"], pause_term=form.cleaned_data["pause_term"],
                instalments=[(f.cleaned_data["due_on"], f.cleaned_data["amount"]) for f in formset.forms
                             if f.cleaned_data])
        except ValidationError as exc:
            def inst_field(key):
                _p, index, name = key.split(".", 2)
                return formset.forms[int(index)], name
            apply_errors(exc, form, prefix_map={"instalments.": lambda k: inst_field(k) if k.count(".") == 2
                                                else (None, k)})
        else:
            messages.success(request, _("Settlement agreement recorded."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/settlement_form.html", {"title": _("Record a settlement agreement"), "case": case,
                                                           "form": form, "formset": formset})


@login_required
def instalment_pay(request, pk: int):
    inst = selectors.related_get_for_user(user=request.user, model=SettlementInstalment, pk=pk, perm=Perm.CASE_ACT,
                                          case_path="settlement__case")
    form = InstalmentPayForm(request.POST or None, initial={"paid_on": timezone.localdate(),
                                                             "paid_amount": inst.amount})
    return _simple(request, inst.settlement.case, form, _("Record an instalment payment"),
                   lambda d: services.instalment_record(actor=request.user, instalment=inst, **d),
                   _("Payment recorded."))


@login_required
def settlement_breach(request, pk: int):
    settlement = selectors.related_get_for_user(user=request.user, model=Settlement, pk=pk, perm=Perm.CASE_ACT)
    form = BreachForm(request.POST or None, initial={"breached_on": timezone.localdate()})
    return _simple(request, settlement.case, form, _("Record a breach of the settlement"),
                   lambda d: services.settlement_breach(actor=request.user, settlement=settlement, **d),
                   _("Breach recorded; enforcement may resume."))


# --- Closure ----------------------------------------------------------------------------------------------------

@login_required
def closure_new(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    if not (has_perm(request.user, Perm.CASE_CLOSE_REQUEST, case)
            or has_perm(request.user, Perm.CASE_CLOSE_APPROVE, case)):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else (request.GET if request.GET.get("mode") else None)
    mode = (data or {}).get("mode") or ("review_decided" if case.case_type in ("执异", "执复", "执监")
                                        else "terminated_round")
    form = ClosureForm(data, initial={"mode": mode})  # the mode whose checklist is shown
    checks = services.closure_checklist(case, mode, (data or {}).get("ground", ""))
    if request.method == "POST" and form.is_valid():
        try:
            req = services.closure_request(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Case closed.") if req.status == "approved"
                             else _("Closure request sent for approval."))
            return redirect("cases:detail", pk=case.pk)
    template = "cases/partials/checklist.html" if request.htmx and request.method == "GET" else \
        "cases/closure_form.html"
    return render(request, template, {"title": _("Close the case"), "case": case, "form": form, "checks": checks,
                                      "debtors": services.debtor_cards(checks), "mode": mode})


@login_required
@require_POST
def closure_decide(request, pk: int):
    req = selectors.related_get_for_user(user=request.user, model=ClosureRequest, pk=pk,
                                         perm=Perm.CASE_CLOSE_APPROVE)
    return request_decide(request, req, approve=services.closure_approve, return_=services.closure_return,
                          approved=_("Approved: %(number)s is closed.") % {"number": req.case.number})


def request_decide(request, req, *, approve, return_, approved: str):
    """The chief's decision on a case request (closure, 中止) from the approvals page: ``decision`` approve or return
    (with ``return_reason``), the service's refusals as messages, then back to ``next`` on this site."""
    try:
        if request.POST.get("decision") == "approve":
            approve(actor=request.user, request=req)
            messages.success(request, approved)
        elif request.POST.get("decision") == "return":
            return_(actor=request.user, request=req, return_reason=request.POST.get("return_reason", ""))
            messages.info(request, _("Returned to the officer."))
        else:
            return HttpResponseNotAllowed(["POST"])
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    back = request.POST.get("next") or ""
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
        back = reverse("cases:approvals")  # never redirect to another site ("//evil.example/", "https://...")
    return redirect(back)

