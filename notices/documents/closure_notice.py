"""结案通知书: to every party after the case is closed (JA-GD, a local rule; fields UNCONFIRMED, domain.md §7):
case number, closure mode and ground, date, amounts applied for, recovered, paid out and outstanding.
Template ``notices/docs/closure_notice.html``. No params."""

from __future__ import annotations

from functools import partial

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import ClosureMode, ClosureRequest, ClosureStatus

from . import DocumentType, register
from ._common import ZERO, CaseData, fail, party_addressee, party_data, quantize
from ._samples import sample_context

MODE_NAMES = {
    ClosureMode.FULFILLED: "执行完毕",
    ClosureMode.TERMINATED_ROUND: "终结本次执行程序",
    ClosureMode.TERMINATED: "终结执行",
    ClosureMode.WITHDRAWN: "销案",
    ClosureMode.REFUSED: "不予执行",
    ClosureMode.REJECTED: "驳回申请",
    ClosureMode.REVIEW_DECIDED: "裁定或者决定",
}

# What the notice adds for each mode (practice wording).
MODE_NOTES = {
    ClosureMode.FULFILLED: "本案生效法律文书确定的义务已经履行完毕。",
    ClosureMode.TERMINATED_ROUND: "终结本次执行程序后，被执行人仍负有继续履行债务的义务；申请执行人发现被执行人有可供执行财产的，"
                                  "可以向本院申请恢复执行，不受申请执行时效期间的限制。",
    ClosureMode.TERMINATED: "本案已裁定终结执行。",
    ClosureMode.WITHDRAWN: "本案已作销案处理。",
    ClosureMode.REFUSED: "本院已裁定不予执行。",
    ClosureMode.REJECTED: "本院已裁定驳回执行申请。",
    ClosureMode.REVIEW_DECIDED: "",
}


def _closed(case) -> bool:
    return bool(case.closure_mode and case.closed_on)


def addressees(case):
    data = CaseData.load(case)
    if not _closed(data.case):
        return []
    return [party_addressee(cp) for cp in data.applicants + data.respondents]


def unavailable(case) -> str:
    return "" if _closed(CaseData.load(case).case) else _("The case is not closed yet.")


def context(case, addressee, params=None) -> dict:
    from assets.models import Payout, PayoutKind, PayoutStatus

    data = CaseData.load(case)
    cp = data.party(addressee)
    if not _closed(data.case):
        raise fail("closure_mode", _("The case is not closed yet."))
    request = (ClosureRequest.objects.filter(case_id=data.case.pk, mode=data.case.closure_mode,
                                             status=ClosureStatus.APPROVED).order_by("-decided_at", "-pk").first())
    # Paid to the applicants: a surplus payout goes back to the debtor and is not paid on the claim.
    paid = Payout.objects.filter(case_id=data.case.pk, status=PayoutStatus.EXECUTED,
                                 kind=PayoutKind.APPLICANT).aggregate(s=Sum("amount"))["s"]
    ctx = data.base()
    ctx.update({
        "recipient": party_data(cp),
        "applicant": {"name": data.names(data.applicants)},
        "debtor": {"name": data.names(data.respondents)},
        "amount": data.amounts(),
        "paid_out": quantize(paid or ZERO),
        "closure": {"mode": data.case.closure_mode, "mode_name": MODE_NAMES.get(data.case.closure_mode, ""),
                    "closed_on": data.case.closed_on, "note": MODE_NOTES.get(data.case.closure_mode, ""),
                    "reason": request.reason.strip().rstrip("。") if request else ""},
        "officer": data.officer(),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="closure_notice",
    title="结案通知书",
    label=gettext_lazy("Closure notice"),
    description=gettext_lazy("Tells each party how and when the case was closed and what was recovered."),
    template="notices/docs/closure_notice.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=80,
    sample_context=partial(sample_context, "closure_notice"),
    tags=("closure",),
))
