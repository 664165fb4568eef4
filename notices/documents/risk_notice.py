"""执行风险告知书: to each applicant at filing (practice, RISK-AL): the risks of enforcement and the case fund
account with the warning not to pay elsewhere. Template ``notices/docs/risk_notice.html``. No params."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import DocumentType, register
from ._common import CaseData, party_addressee, party_data
from ._samples import sample_context


def addressees(case):
    return [party_addressee(cp) for cp in CaseData.load(case).applicants]


def unavailable(case) -> str:
    data = CaseData.load(case)
    if not data.applicants:
        return _("The case has no applicant.")
    if not data.court.fund_account_number:
        return _("The court's case fund account is not set up.")
    return ""


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    cp = data.party(addressee, role="applicant")
    ctx = data.base()
    ctx.update({"creditor": party_data(cp), "account": data.account(), "officer": data.officer()})
    return ctx


DOCUMENT = register(DocumentType(
    code="risk_notice",
    title="执行风险告知书",
    label=gettext_lazy("Risk notice"),
    description=gettext_lazy("Tells an applicant at filing the risks of enforcement and the only account to pay "
                             "into."),
    template="notices/docs/risk_notice.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=15,
    sample_context=partial(sample_context, "risk_notice"),
    tags=("notice_to_applicant",),
))
