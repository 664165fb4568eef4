"""执行通知书: to each respondent (CPL art 251; CPL-I art 480; 失信 rules 2017 art 5). Template
``notices/docs/enforcement_notice.html`` (also reachable as ``zhixing_tongzhishu.html``).

Params (optional): ``attach_property_form`` adds the 财产调查表 page (the 报告财产令 carries it anyway).
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from assets.services.calculators import enforcement_fee_calculate
from cases.models import ObligationKind

from . import DocumentType, register
from ._common import CaseData, fail, party_addressee, party_data, setting
from ._samples import sample_context


class Params(forms.Form):
    attach_property_form = forms.BooleanField(label=gettext_lazy("Attach the asset report form"), required=False)


def addressees(case):
    return [party_addressee(cp) for cp in CaseData.load(case).respondents]


def unavailable(case) -> str:
    data = CaseData.load(case)
    if not data.respondents:
        return _("The case has no respondent.")
    if not data.court.fund_account_number:
        return _("The court's case fund account is not set up.")
    return ""


def context(case, addressee, params=None) -> dict:
    params = params or {}
    data = CaseData.load(case)
    cp = data.party(addressee, role="respondent")
    if not data.applicants:
        raise fail("applicants", _("The case has no applicant."))
    case = data.case
    money = case.obligation_kind in (ObligationKind.MONEY, ObligationKind.BOTH) and case.amount_claimed > 0
    act = case.act_description.strip() if case.obligation_kind in (ObligationKind.ACT, ObligationKind.BOTH) else ""
    if not money and not act:
        raise fail("amount_claimed", _("The case states neither an amount nor an act to perform."))
    # The fee is printed on the amount applied for; where the court charges on the amount recovered
    # (fee_base = recovered) the notice says the final fee follows the amount actually recovered.
    fee = enforcement_fee_calculate(court=case.court_id, amount=case.amount_claimed if money else None).total
    ctx = data.base()
    ctx.update({
        "debtor": party_data(cp),
        "applicant": {"name": data.names(data.applicants)},
        "amount": data.amounts(),
        "no_money": not money,
        "act": act,
        "deadline": None,
        "deadline_days": setting(case, "notice_performance_days"),
        "account": data.account(),
        "enforcement_fee": fee,
        "enforcement_fee_note": "以实际执行到位金额为准" if setting(case, "fee_base") == "recovered" and money else "",
        "officer": data.officer(),
        "attach_property_form": bool(params.get("attach_property_form")),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="enforcement_notice",
    title="执行通知书",
    label=pgettext_lazy("document", "Enforcement notice"),
    description=gettext_lazy("Orders a respondent to perform, with the case fund account and the warnings of double "
                             "interest and the dishonest-debtor list."),
    template="notices/docs/enforcement_notice.html",
    addressees=addressees,
    context=context,
    params_form=Params,
    unavailable=unavailable,
    order=20,
    sample_context=partial(sample_context, "enforcement_notice"),
    tags=("notice_to_debtor",),
))
