"""报告财产令: to each respondent, with the 财产调查表 as its second part (CPL art 252; INVEST arts 3-10).
Template ``notices/docs/asset_report_order.html``. No params."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import DocumentType, register
from ._common import CaseData, fail, party_addressee, party_data, setting
from ._samples import sample_context


def addressees(case):
    return [party_addressee(cp) for cp in CaseData.load(case).respondents]


def unavailable(case) -> str:
    return "" if CaseData.load(case).respondents else _("The case has no respondent.")


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    cp = data.party(addressee, role="respondent")
    if not data.applicants:
        raise fail("applicants", _("The case has no applicant."))
    ctx = data.base()
    ctx.update({
        "debtor": party_data(cp),
        "applicant": {"name": data.names(data.applicants)},
        "report_days": setting(data.case, "asset_report_days"),
        "officer": data.officer(),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="asset_report_order",
    title="报告财产令",
    label=gettext_lazy("Asset report order"),
    description=gettext_lazy("Orders a respondent to report their assets, with the asset report form attached."),
    template="notices/docs/asset_report_order.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=25,
    sample_context=partial(sample_context, "asset_report_order"),
    tags=("notice_to_debtor",),
))
