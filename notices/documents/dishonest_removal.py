"""删除失信信息决定书: for each respondent whose 失信 listing in this case was removed (credit app, issue 21; the
CaseParty's ``dishonest_removed_on``, the ground from ``credit.CreditMeasure.removal_ground``). Signed by the
president (``president_name``). Template ``notices/docs/dishonest_removal.html``. No params."""

from __future__ import annotations

from functools import partial

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import DocumentType, register
from ._common import CaseData, fail, party_addressee, party_data
from ._samples import sample_context
from .consumption_order import president

# Printed wording of each removal ground (credit.models.RemovalGround).
GROUNDS = {
    "performed": "被执行人已履行生效法律文书确定的全部义务",
    "settlement": "当事人达成的执行和解协议已经履行完毕",
    "applicant": "申请执行人书面申请删除失信信息，本院审查同意",
    "term_expired": "被执行人纳入失信被执行人名单的期限届满",
    "zhongben_nothing": "终结本次执行程序后，通过网络执行查控系统查询被执行人财产两次以上，未发现有可供执行财产，且申请执行人或者其他人未提供有效财产线索",
    "suspended": "因审判监督或者破产程序，人民法院依法裁定对失信被执行人中止执行",
    "not_enforced": "人民法院依法裁定不予执行",
    "terminated": "人民法院依法裁定终结执行",
    "correction": "被执行人不应被纳入失信被执行人名单",
    "guarantee": "被执行人提供了确实有效的担保",
}


def _removed(data: CaseData):
    return [cp for cp in data.respondents if cp.dishonest_listed_on and cp.dishonest_removed_on]


def addressees(case):
    return [party_addressee(cp) for cp in _removed(CaseData.load(case))]


def unavailable(case) -> str:
    if not _removed(CaseData.load(case)):
        return _("No respondent of this case has been removed from the dishonest-debtor list.")
    return ""


def removal_ground(cp, kind: str) -> str:
    """The ground (``credit.models.RemovalGround``) of the party's latest removed measure of ``kind`` (dishonest or
    restriction), read by label (notices sits above credit but needs none of its code), or "" without one."""
    try:
        measure = apps.get_model("credit", "CreditMeasure")
    except LookupError:
        return ""
    return (measure.objects.filter(case_party=cp, kind=kind, removed_on__isnull=False)
            .order_by("-removed_on", "-id").values_list("removal_ground", flat=True).first()) or ""


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    cp = data.party(addressee, role="respondent")
    if not (cp.dishonest_listed_on and cp.dishonest_removed_on):
        raise fail("dishonest_removed_on", _("%(name)s has not been removed from the dishonest-debtor list in this "
                                             "case.") % {"name": cp.party.name})
    ground = removal_ground(cp, "dishonest")
    ctx = data.base()
    ctx.update({
        "debtor": party_data(cp),
        "applicant": {"name": data.names(data.applicants)},
        "listed_parties": [party_data(p) for p in data.applicants] + [party_data(cp)],
        "listed_on": cp.dishonest_listed_on,
        "removed_on": cp.dishonest_removed_on,
        "ground_text": GROUNDS.get(ground, "出现依法应当删除失信信息的情形"),
        "president_name": president(data),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="dishonest_removal",
    title="删除失信信息决定书",
    label=gettext_lazy("Dishonest-debtor removal decision"),
    description=gettext_lazy("Decision deleting a respondent's entry from the dishonest-debtor list, with the "
                             "ground; signed by the president."),
    template="notices/docs/dishonest_removal.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=36,
    sample_context=partial(sample_context, "dishonest_removal"),
    tags=("order_to_debtor",),
))
