"""纳入失信被执行人名单决定书: for each respondent on the dishonest list in this case (listed and not removed).
Ground and term from ``CaseParty.dishonest_ground`` ("1"-"6", the items of the 2017 rules art 1) and
``dishonest_listed_on``/``dishonest_until`` (set by the dishonest-listing action). Signed by the president
(``president_name`` setting). Template ``notices/docs/dishonest_decision.html``. No params."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import DocumentType, register
from ._common import CaseData, cn_number, fail, party_addressee, party_data
from ._samples import sample_context
from .consumption_order import president

# 2017 rules art 1, items (1)-(6), worded as findings about the debtor.
GROUNDS = {
    "1": ("一", "有履行能力而拒不履行生效法律文书确定的义务"),
    "2": ("二", "以伪造证据、暴力、威胁等方法妨碍、抗拒执行"),
    "3": ("三", "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行"),
    "4": ("四", "违反财产报告制度"),
    "5": ("五", "违反限制消费令"),
    "6": ("六", "无正当理由拒不履行执行和解协议"),
}


def _listed(data: CaseData):
    return [cp for cp in data.respondents if cp.dishonest_listed_on and not cp.dishonest_removed_on]


def addressees(case):
    return [party_addressee(cp) for cp in _listed(CaseData.load(case))]


def unavailable(case) -> str:
    data = CaseData.load(case)
    if not _listed(data):
        return _("No respondent of this case is on the dishonest-debtor list: record the listing first.")
    return ""


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    cp = data.party(addressee, role="respondent")
    if not cp.dishonest_listed_on or cp.dishonest_removed_on:
        raise fail("dishonest_listed_on", _("%(name)s is not on the dishonest-debtor list in this case.") % {
            "name": cp.party.name})
    if cp.dishonest_ground not in GROUNDS:
        raise fail("dishonest_ground", _("The ground of the listing is not recorded."))
    item, text = GROUNDS[cp.dishonest_ground]
    if cp.dishonest_ground != "1" and not cp.dishonest_until:
        raise fail("dishonest_until", _("Grounds (2)-(6) need the end of the listing term."))
    until = cp.dishonest_until if cp.dishonest_ground != "1" else None
    years = cn_number(until.year - cp.dishonest_listed_on.year) if until else None
    ctx = data.base()
    ctx.update({
        "debtor": party_data(cp),
        "applicant": {"name": data.names(data.applicants)},
        "listed_parties": [party_data(p) for p in data.applicants] + [party_data(cp)],
        "ground": {"code": cp.dishonest_ground, "item": item, "text": text},
        "listed_on": cp.dishonest_listed_on,
        "until": until,
        "term_years": years,
        "president_name": president(data),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="dishonest_decision",
    title="纳入失信被执行人名单决定书",
    label=gettext_lazy("Dishonest-debtor listing decision"),
    description=gettext_lazy("Decision putting a respondent on the dishonest-debtor list, with the ground and term; "
                             "signed by the president."),
    template="notices/docs/dishonest_decision.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=35,
    sample_context=partial(sample_context, "dishonest_decision"),
    tags=("order_to_debtor",),
))
