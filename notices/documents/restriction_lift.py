"""解除限制消费令: for each respondent whose consumption restriction in this case was lifted (credit app, issue 21;
the CaseParty's ``restriction_lifted_on``; XGXF-2010 art 9). Signed by the president. Template
``notices/docs/restriction_lift.html``. No params."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import DocumentType, register
from ._common import CaseData, fail, party_addressee, party_data
from ._samples import sample_context
from .consumption_order import president
from .dishonest_removal import GROUNDS, removal_ground


def _lifted(data: CaseData):
    return [cp for cp in data.respondents if cp.restricted_on and cp.restriction_lifted_on]


def addressees(case):
    return [party_addressee(cp) for cp in _lifted(CaseData.load(case))]


def unavailable(case) -> str:
    if not _lifted(CaseData.load(case)):
        return _("No respondent of this case has had a consumption restriction lifted.")
    return ""


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    cp = data.party(addressee, role="respondent")
    if not (cp.restricted_on and cp.restriction_lifted_on):
        raise fail("restriction_lifted_on", _("%(name)s's consumption restriction in this case has not been "
                                              "lifted.") % {"name": cp.party.name})
    ctx = data.base()
    ctx.update({
        "debtor": party_data(cp),
        "applicant": {"name": data.names(data.applicants)},
        "restricted_on": cp.restricted_on,
        "lifted_on": cp.restriction_lifted_on,
        "ground_text": GROUNDS.get(removal_ground(cp, "restriction"), "出现依法应当解除限制消费措施的情形"),
        "president_name": president(data),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="restriction_lift",
    title="解除限制消费令",
    label=gettext_lazy("Consumption restriction lifting order"),
    description=gettext_lazy("Lifts a respondent's consumption restriction (and for a unit its legal "
                             "representative's and managers'); signed by the president."),
    template="notices/docs/restriction_lift.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=31,
    sample_context=partial(sample_context, "restriction_lift"),
    tags=("order_to_debtor",),
))
