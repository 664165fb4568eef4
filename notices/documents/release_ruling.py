"""执行裁定书 lifting a freeze, seizure or detention (SEIZE art 28). Addressees: the released measures of the case
(``control:<measure_id>``), addressed to the property's owner. The ground comes from ``ControlMeasure.release_ground``
(and ``release_note`` for "other"). No params. Template ``notices/docs/release_ruling.html``."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Addressee, DocumentType, register
from ._common import CONTROL_VERBS, CaseData, asset_data, fail, load_control, party_data
from ._samples import sample_context

# SEIZE (2020) art 28, items (1)-(6), as findings.
GROUNDS = {
    "third_party_property": ("一", "该财产属于案外人所有"),
    "withdrawn": ("二", "申请执行人撤回执行申请或者放弃债权"),
    "unsaleable": ("三", "该财产流拍或者变卖不成，申请执行人和其他执行债权人又不同意接受抵债，且对该财产又无法采取其他执行措施"),
    "debt_paid": ("四", "被执行人的债务已经清偿"),
    "guarantee": ("五", "被执行人提供担保且申请执行人同意解除"),
    "disposed": ("六", "该财产已经依法处置完毕"),
    "other": ("六", ""),
}


def _released(case):
    from assets.models import ControlMeasure

    return (ControlMeasure.objects.filter(case_id=case.pk, status="released").select_related("asset__owner__party")
            .order_by("pk"))


def addressees(case):
    return [Addressee(key=f"control:{c.pk}", name=c.asset.owner.party.name,
                      address=c.asset.owner.service_address or c.asset.owner.party.address,
                      phone=c.asset.owner.phone, role=c.asset.owner.role) for c in _released(case)]


def unavailable(case) -> str:
    return "" if _released(case).exists() else _("No measure of this case has been released.")


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    control = load_control(data.case, addressee)
    if control.status != "released" or not control.released_on:
        raise fail("status", _("This measure has not been released."))
    if control.release_ground not in GROUNDS:
        raise fail("release_ground", _("The release ground is not recorded."))
    item, text = GROUNDS[control.release_ground]
    if control.release_ground == "other":
        text = control.release_note.strip().rstrip("。")
        if not text:
            raise fail("release_note", _("Describe the ground for the release."))
    owner = control.asset.owner
    amount = control.amount if control.kind == "freeze" and control.asset.kind == "bank_deposit" else None
    ctx = data.base()
    ctx.update({
        "debtor": party_data(owner),
        "applicant": {"name": data.names(data.applicants)},
        "ruling_parties": [party_data(p) for p in data.applicants] + [party_data(owner)],
        "asset": asset_data(control.asset, amount=amount),
        "control": {"kind": control.kind, "verb": CONTROL_VERBS[control.kind], "ruling_number": control.ruling_number,
                    "ordered_on": control.ordered_on, "released_on": control.released_on},
        "ground": {"code": control.release_ground, "item": item, "text": text},
        "signatures": [{"role": "执行员", "name": data.officer()["name"]}],
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="release_ruling",
    title="执行裁定书",
    label=gettext_lazy("Ruling to lift a freeze or seizure"),
    description=gettext_lazy("The ruling that lifts a freeze, seizure or detention, with the statutory ground."),
    template="notices/docs/release_ruling.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=62,
    sample_context=partial(sample_context, "release_ruling"),
    tags=("ruling",),
))
