"""执行案件受理通知书: to each applicant once the case is filed (LAJA-2014 art 2; practice adds the officer and the
term). Template ``notices/docs/acceptance_notice.html``. No params."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import DocumentType, register
from ._common import CaseData, party_addressee, party_data, setting
from ._samples import sample_context


def addressees(case):
    return [party_addressee(cp) for cp in CaseData.load(case).applicants]


def unavailable(case) -> str:
    return "" if CaseData.load(case).applicants else _("The case has no applicant.")


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    cp = data.party(addressee, role="applicant")
    months_key = "term_months_non_litigation" if data.case.non_litigation else "term_months"
    ctx = data.base()
    ctx.update({
        "creditor": party_data(cp),
        "amount": data.amounts(),
        "officer": data.officer(),
        "account": data.account(),
        "term_months": setting(data.case, months_key),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="acceptance_notice",
    title="执行案件受理通知书",
    label=gettext_lazy("Acceptance notice"),
    description=gettext_lazy("Tells an applicant the case was filed: case number, officer, term and case fund "
                             "account."),
    template="notices/docs/acceptance_notice.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=10,
    sample_context=partial(sample_context, "acceptance_notice"),
    tags=("notice_to_applicant",),
))
