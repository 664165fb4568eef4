"""Building and cancelling inquiry batches (集中查控).

A batch asks the chosen kinds of agency about every respondent (被执行人) of the chosen cases: one case, a list of
cases, or every case the user may act on in one stage. Applicants and third parties are never queried. Control
lines (freeze/seize with an amount) ride along; their total per case is at most what of the case's outstanding claim
is not already requested in other open batches or frozen/seized in force (``control_bounds``, SEIZE art 19). The legal basis (the case number, the officer and their document number) is copied into each request.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm, require, scope_q
from cases.models import Case, CaseParty, ClosureMode, PartyKind, PartyRole, Stage
from core.fields import money_input
from core.formats import format_money
from core.text import clean_text

from ..court_settings import channel_for, enabled_kinds
from ..models import (
    AccessAction, AgencyKind, BatchNumberSequence, BatchStatus, InquiryBatch, InquiryRequest, Measure, Purpose,
)
from .access import access_log_record_many
from .control_bounds import available_for_control, committed_amounts, lock_cases

# Which measure each kind of agency can carry out (查询 always): banks, securities firms, the business registry,
# the provident fund and payment platforms freeze; the real-estate and vehicle registries seize (查封).
CONTROL_KINDS = {
    Measure.FREEZE: {AgencyKind.BANK, AgencyKind.SECURITIES, AgencyKind.EQUITY, AgencyKind.PROVIDENT_FUND,
                     AgencyKind.PAYMENT_PLATFORM},
    Measure.SEIZE: {AgencyKind.REAL_ESTATE, AgencyKind.VEHICLE},
}
MAX_CASES = 5000  # one batch; a stage with more is split by the court's own choice of stage or list


def outstanding_claim(case: Case) -> Decimal:
    """What the debtor still owes: the amount applied for less what was recovered (the rule of
    ``cases.services.closures._outstanding``), never below zero."""
    return max(case.amount_claimed - case.amount_recovered, Decimal("0.00"))


def _queryable(case: Case) -> bool:
    """Open cases, and cases closed by 终本 (a later inquiry may find property and resume them)."""
    if case.is_open:
        return True
    return case.stage in (Stage.CLOSED, Stage.ARCHIVED) and case.closure_mode == ClosureMode.TERMINATED_ROUND


def _subject_kind(kind: str) -> str:
    return "person" if kind == PartyKind.PERSON else "company"


@dataclass(frozen=True)
class ControlLine:
    case: int
    party: int
    agency_kind: str
    measure: str
    amount: object  # text or Decimal; parsed by core.fields.money_input


def _cases_for(*, actor, case_ids: list[int] | None, stage: str | None) -> list[Case]:
    base = Case.objects.select_related("court", "officer")
    if stage:
        if stage not in Stage.values:
            raise ValidationError({"stage": _("Choose a stage.")})
        qs = base.filter(scope_q(actor, Perm.INQUIRY_RUN), stage=stage)
        if stage in (Stage.CLOSED, Stage.ARCHIVED):
            qs = qs.filter(closure_mode=ClosureMode.TERMINATED_ROUND)
        cases = list(qs.order_by("id")[:MAX_CASES + 1])
        if not cases:
            raise ValidationError({"stage": _("You have no case in this stage to inquire about.")})
        if len(cases) > MAX_CASES:
            raise ValidationError({"stage": _("More than %(n)s cases: choose them by list.") % {"n": MAX_CASES}})
        return cases
    ids = []
    for raw in case_ids or []:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise ValidationError({"cases": _("Unknown case: %(value)s.") % {"value": str(raw)[:40]}}) from None
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationError({"cases": _("Choose at least one case.")})
    if len(ids) > MAX_CASES:
        raise ValidationError({"cases": _("More than %(n)s cases: split them into several batches.") % {
            "n": MAX_CASES}})
    visible = {c.pk: c for c in base.filter(scope_q(actor, Perm.CASE_VIEW), pk__in=ids)}
    missing = [i for i in ids if i not in visible]
    if missing:
        raise Http404("No such case.")
    cases = [visible[i] for i in ids]
    for case in cases:
        require(actor, Perm.INQUIRY_RUN, case)
    return cases


def _next_number(court) -> str:
    year = timezone.localdate().year
    seq, _created = BatchNumberSequence.objects.get_or_create(court=court, year=year)
    seq = BatchNumberSequence.objects.select_for_update().get(pk=seq.pk)
    seq.last_serial += 1
    seq.save(update_fields=["last_serial"])
    # ASCII (the exchange files' names), unique in the whole system: the court's id keeps request ids unique.
    return f"CX{year}{court.pk:03d}{seq.last_serial:04d}"


@transaction.atomic
def batch_create(*, actor, kinds: list[str], case_ids: list[int] | None = None, stage: str | None = None,
                 controls: list[ControlLine] | None = None, purpose: str = Purpose.REGULAR,
                 document_number: str = "", note: str = "") -> InquiryBatch:
    """A draft batch: one query per (case, respondent, kind) plus the control lines. Refuses cases the user may not
    act on (404 unseen, 403 seen), closed cases other than 终本, kinds the court has not enabled, bad amounts."""
    if not actor.court_id and not actor.is_superuser:
        raise PermissionDenied(_("You do not have permission to do this."))
    require(actor, Perm.INQUIRY_RUN)
    errors: dict[str, list[str]] = {}
    if bool(stage) == bool(case_ids):
        raise ValidationError({"cases": _("Choose cases or a stage.")})
    cases = _cases_for(actor=actor, case_ids=case_ids, stage=stage)
    courts = {c.court_id for c in cases}
    if len(courts) > 1:
        raise ValidationError({"cases": _("A batch covers the cases of one court.")})
    court = cases[0].court
    closed = [c.number for c in cases if not _queryable(c)]
    if closed:
        errors["cases"] = [_("Closed cases cannot be inquired about (only those closed by terminating this round): "
                             "%(numbers)s.") % {"numbers": "、".join(closed[:10])}]
    kinds = list(dict.fromkeys(kinds or []))
    allowed = enabled_kinds(court)
    if not kinds:
        errors["kinds"] = [_("Choose at least one kind of agency.")]
    elif any(k not in allowed for k in kinds):
        errors["kinds"] = [_("Your court's inquiry does not reach: %(kinds)s.") % {
            "kinds": "、".join(str(AgencyKind(k).label) if k in AgencyKind.values else str(k)[:20]
                              for k in kinds if k not in allowed)}]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("Choose a purpose.")]
    try:
        document_number = clean_text(document_number, field="document_number", max_length=60)
        note = clean_text(note, field="note", max_length=300)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    respondents: dict[int, list[CaseParty]] = defaultdict(list)
    for cp in (CaseParty.objects.filter(case__in=cases, role=PartyRole.RESPONDENT).select_related("party")
               .order_by("case_id", "position", "id")):
        respondents[cp.case_id].append(cp)
    if not stage:
        without = [c.number for c in cases if not respondents[c.pk]]
        if without:
            errors.setdefault("cases", []).append(_("No respondent to inquire about: %(numbers)s.") % {
                "numbers": "、".join(without[:10])})
    else:
        cases = [c for c in cases if respondents[c.pk]]
        if not cases:
            errors.setdefault("stage", []).append(_("No case in this stage has a respondent."))
    # The cases that get control lines are locked (ascending ids) before their committed amounts are read: a
    # concurrent batch_create for the same case waits here and then sees this batch's requests.
    in_batch = {c.pk for c in cases}
    controlled = lock_cases({_int(line.case) for line in controls or []} & in_batch)
    committed = committed_amounts(controlled)
    lines = _control_lines(controls or [], cases={c.pk: c for c in cases}, respondents=respondents,
                           kinds=kinds, errors=errors,
                           available={pk: available_for_control(c, committed[pk]) for pk, c in controlled.items()},
                           claims={pk: outstanding_claim(c) for pk, c in controlled.items()})
    if errors:
        raise ValidationError(errors)

    batch = InquiryBatch.objects.create(court=court, number=_next_number(court), created_by=actor, kinds=kinds,
                                        purpose=purpose, document_number=document_number, note=note)
    officer_name = (actor.full_name or actor.get_username())[:50]
    channels = {k: channel_for(court, k) for k in kinds}
    requests, seq = [], 0

    def add(case, cp, kind, measure, amount=None):
        nonlocal seq
        seq += 1
        party = cp.party
        requests.append(InquiryRequest(
            batch=batch, seq=seq, request_id=f"{batch.number}-{seq:06d}", case=case, party=party,
            agency_kind=kind, channel=channels[kind], measure=measure, amount=amount, subject_name=party.name,
            subject_kind=_subject_kind(party.kind), subject_id_number=party.id_number, case_number=case.number,
            officer=actor, officer_name=officer_name, document_number=document_number))

    for case in cases:
        for cp in respondents[case.pk]:
            for kind in kinds:
                add(case, cp, kind, Measure.QUERY)
    by_party = {(cp.case_id, cp.party_id): cp for cps in respondents.values() for cp in cps}
    case_by_id = {c.pk: c for c in cases}
    for line in lines:
        add(case_by_id[line.case], by_party[(line.case, line.party)], line.agency_kind, line.measure, line.amount)
    InquiryRequest.objects.bulk_create(requests, batch_size=2000)
    access_log_record_many(user=actor, action=AccessAction.BATCH_CREATED, requests=requests, batch=batch)
    return batch


def _field_label(field: str) -> str:
    return {"case": _("Case number"), "party": _("Debtor"), "agency_kind": _("Agency"), "measure": _("Measure"),
            "amount": _("Amount")}[field]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _control_lines(controls, *, cases, respondents, kinds, errors, available, claims) -> list[ControlLine]:
    """Check every control line (all of them, each error naming its line) and return them with parsed amounts.
    ``available`` is what each case's new lines may total (``control_bounds.available_for_control``), per case:
    the debtors of one case owe its claim once."""
    problems, out, seen = [], [], set()
    totals: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for n, line in enumerate(controls, start=1):
        def bad(field, message):
            problems.append(_("Line %(n)s: %(field)s: %(message)s") % {
                "n": n, "field": _field_label(field), "message": message})

        try:
            case_id, party_id = int(line.case), int(line.party)
        except (TypeError, ValueError):
            bad("case", _("not a case of this batch."))
            continue
        case = cases.get(case_id)
        if case is None:
            bad("case", _("not a case of this batch."))
            continue
        if party_id not in {cp.party_id for cp in respondents.get(case_id, [])}:
            bad("party", _("not a respondent of %(number)s.") % {"number": case.number})
            continue
        if line.measure not in CONTROL_KINDS:
            bad("measure", _("choose freeze or seize."))
            continue
        if line.agency_kind not in kinds:
            bad("agency_kind", _("not one of the agencies chosen for this batch."))
            continue
        if line.agency_kind not in CONTROL_KINDS[line.measure]:
            bad("measure", _("%(agency)s cannot %(measure)s.") % {
                "agency": AgencyKind(line.agency_kind).label, "measure": Measure(line.measure).label})
            continue
        key = (case_id, party_id, line.agency_kind, line.measure)
        if key in seen:
            bad("agency_kind", _("the same instruction twice."))
            continue
        seen.add(key)
        try:
            amount = money_input(line.amount, field="amount", positive=True)
        except ValidationError as exc:
            bad("amount", " ".join(exc.message_dict["amount"]))
            continue
        limit = available[case_id]
        if totals[case_id] + amount > limit:
            bad("amount", _("%(amount)s is more than can still be frozen or seized for %(number)s: %(left)s of "
                            "%(limit)s available (outstanding claim %(claim)s, less what other open batches request "
                            "and what is frozen or seized in force).") % {
                "amount": format_money(amount), "number": case.number,
                "left": format_money(max(limit - totals[case_id], Decimal("0.00"))),
                "limit": format_money(limit), "claim": format_money(claims[case_id])})
            continue
        totals[case_id] += amount
        out.append(ControlLine(case_id, party_id, line.agency_kind, line.measure, amount))
    if problems:
        errors["controls"] = problems
    return out


def batch_require(*, actor, batch: InquiryBatch) -> None:
    """May ``actor`` act on the whole batch: INQUIRY_RUN on every case in it."""
    require(actor, Perm.INQUIRY_RUN)
    if not actor.is_superuser and batch.court_id != actor.court_id:
        raise Http404("No such batch.")
    cases = Case.objects.filter(inquiry_requests__batch=batch).distinct().only("court_id", "team_id", "officer_id")
    if not all(has_perm(actor, Perm.INQUIRY_RUN, c) for c in cases):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def batch_cancel(*, actor, batch: InquiryBatch) -> InquiryBatch:
    """Withdraw a batch that no agency has answered yet."""
    batch = InquiryBatch.objects.select_for_update().get(pk=batch.pk)
    batch_require(actor=actor, batch=batch)
    if batch.status not in (BatchStatus.DRAFT, BatchStatus.EXPORTED) or batch.result_files.exists():
        raise ValidationError({"status": _("Only a batch without answers can be cancelled.")})
    batch.status = BatchStatus.CANCELLED
    batch.cancelled_at = timezone.now()
    batch.cancelled_by = actor
    batch.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    access_log_record_many(user=actor, action=AccessAction.BATCH_CANCELLED,
                           requests=batch.requests.select_related("batch"), batch=batch)
    return batch


__all__ = ["CONTROL_KINDS", "ControlLine", "batch_cancel", "batch_create", "batch_require", "outstanding_claim"]
