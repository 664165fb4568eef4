"""执行裁定书 to freeze, seize or detain a respondent's property (CPL arts 157(1)(11), 253-255; CPL-I art 485;
SEIZE). One ruling per control measure: addressees are the case's measures (``control:<measure_id>``), addressed to
the property's owner; the ruling is served on both parties (print it again for the applicant: the register returns
the same PDF). The number printed under the title is the measure's own ``ruling_number`` (set as
``document_number``), so the ruling carries the number that the assistance notices to banks and registries cite;
the register still gives the document its own gapless serial.
No params. Template
``notices/docs/control_ruling.html``."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Addressee, DocumentType, register
from ._common import CONTROL_VERBS, CaseData, asset_data, control_term, fail, load_control, party_data
from ._samples import sample_context


def _controls(case):
    from assets.models import ControlMeasure

    return ControlMeasure.objects.filter(case_id=case.pk).select_related("asset__owner__party").order_by("pk")


def addressees(case):
    return [Addressee(key=f"control:{c.pk}", name=c.asset.owner.party.name,
                      address=c.asset.owner.service_address or c.asset.owner.party.address,
                      phone=c.asset.owner.phone, role=c.asset.owner.role) for c in _controls(case)]


def unavailable(case) -> str:
    return "" if _controls(case).exists() else _("No freeze, seizure or detention is recorded in this case.")


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    control = load_control(data.case, addressee)
    if not control.ruling_number:
        raise fail("ruling_number", _("The measure has no ruling number."))
    owner = control.asset.owner
    amount = control.amount if control.kind == "freeze" and control.asset.kind == "bank_deposit" else None
    ctx = data.base()
    ctx.update({
        "debtor": party_data(owner),
        "applicant": {"name": data.names(data.applicants)},
        "ruling_parties": [party_data(p) for p in data.applicants] + [party_data(owner)],
        "asset": asset_data(control.asset, amount=amount),
        "control": {"kind": control.kind, "verb": CONTROL_VERBS[control.kind], "ruling_number": control.ruling_number,
                    "ordered_on": control.ordered_on, "term": control_term(control),
                    "preservation": control.preservation, "amount": control.amount,
                    "wages": control.asset.kind == "wage_income"},
        "signatures": [{"role": "执行员", "name": data.officer()["name"]}],
        "document_number": control.ruling_number,
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="control_ruling",
    title="执行裁定书",
    label=gettext_lazy("Ruling to freeze, seize or detain"),
    description=gettext_lazy("The enforcement ruling behind a freeze, seizure or detention, with the property and "
                             "the period."),
    template="notices/docs/control_ruling.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=60,
    sample_context=partial(sample_context, "control_ruling"),
    tags=("ruling",),
))
