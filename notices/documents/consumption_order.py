"""限制消费令: to a respondent (XGXF-2010 as amended 2015, arts 1, 3, 5, 11). For a unit the order names its legal
representative (required) and binds its principal responsible persons, persons directly responsible and actual
controller. Signed by the president: the court's ``president_name`` setting. Template
``notices/docs/consumption_order.html``. No params."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.court_setup import setting_missing_message

from . import DocumentType, register
from ._common import CaseData, fail, party_addressee, party_data, setting
from ._samples import sample_context


def addressees(case):
    return [party_addressee(cp) for cp in CaseData.load(case).respondents]


def unavailable(case) -> str:
    data = CaseData.load(case)
    if not data.respondents:
        return _("The case has no respondent.")
    if not setting(data.case, "president_name"):
        return setting_missing_message("president_name")
    return ""


def president(data: CaseData) -> str:
    name = setting(data.case, "president_name")
    if not name:
        raise fail("president_name", setting_missing_message("president_name"))
    return name


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    cp = data.party(addressee, role="respondent")
    debtor = party_data(cp)
    if debtor["is_unit"] and not debtor["legal_representative"]:
        raise fail("legal_representative", _("The order must name the unit's legal representative: add it to the "
                                             "party %(name)s.") % {"name": debtor["name"]})
    if not data.applicants:
        raise fail("applicants", _("The case has no applicant."))
    ctx = data.base()
    ctx.update({
        "debtor": debtor,
        "applicant": {"name": data.names(data.applicants)},
        "president_name": president(data),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="consumption_order",
    title="限制消费令",
    label=gettext_lazy("Consumption restriction order"),
    description=gettext_lazy("Bars a respondent (and for a unit its legal representative and managers) from high "
                             "consumption; signed by the president."),
    template="notices/docs/consumption_order.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=30,
    sample_context=partial(sample_context, "consumption_order"),
    tags=("order_to_debtor",),
))
