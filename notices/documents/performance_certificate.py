"""自动履行证明书: for a respondent who performed voluntarily (local "positive incentive" practice; no national form,
domain.md §7 UNCONFIRMED). Issued only when the case closed as fully enforced (执行完毕), every receipt on the case
fund account is the debtor's own payment (no bank deduction, auction proceeds or field collection) and no asset was
frozen, seized or detained. Template ``notices/docs/performance_certificate.html``. No params."""

from __future__ import annotations

from functools import partial

from django.db.models import Max, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import ClosureMode

from . import DocumentType, register
from ._common import CaseData, fail, party_addressee, party_data, quantize
from ._samples import sample_context


def _why_not(data: CaseData) -> str:
    from assets.models import RECEIPT_KIND_VALUES, ControlMeasure, EntryKind, LedgerEntry

    if data.case.closure_mode != ClosureMode.FULFILLED:
        return _("The case has not been closed as fully enforced.")
    forced = LedgerEntry.objects.filter(case_id=data.case.pk, kind__in=RECEIPT_KIND_VALUES).exclude(
        kind=EntryKind.DEBTOR_PAYMENT)
    if forced.exists():
        return _("Money was recovered by compulsory measures, not paid voluntarily.")
    if ControlMeasure.objects.filter(case_id=data.case.pk).exists():
        return _("Property of the respondent was frozen, seized or detained.")
    return ""


def addressees(case):
    data = CaseData.load(case)
    return [] if _why_not(data) else [party_addressee(cp) for cp in data.respondents]


def unavailable(case) -> str:
    return _why_not(CaseData.load(case))


def context(case, addressee, params=None) -> dict:
    from assets.models import EntryKind, LedgerEntry

    data = CaseData.load(case)
    cp = data.party(addressee, role="respondent")
    reason = _why_not(data)
    if reason:
        raise fail("closure_mode", reason)
    paid = LedgerEntry.objects.filter(case_id=data.case.pk, kind=EntryKind.DEBTOR_PAYMENT).aggregate(
        total=Sum("amount"), last=Max("occurred_on"))
    ctx = data.base()
    ctx.update({
        "debtor": party_data(cp),
        "applicant": {"name": data.names(data.applicants)},
        "amount": data.amounts(),
        "paid_total": quantize(paid["total"] or 0),
        "last_paid_on": paid["last"] or data.case.closed_on,
        "closed_on": data.case.closed_on,
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="performance_certificate",
    title="自动履行证明书",
    label=gettext_lazy("Certificate of voluntary performance"),
    description=gettext_lazy("Certifies that a respondent performed the obligation voluntarily."),
    template="notices/docs/performance_certificate.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=85,
    sample_context=partial(sample_context, "performance_certificate"),
    tags=("closure",),
))
