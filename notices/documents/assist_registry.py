"""协助执行通知书 to a real-estate registry: record the seizure (查封, or 轮候查封 when queued) of a respondent's real
estate (CPL arts 255, 262, 117; SEIZE). Addressees: one per seizure of real estate in force or queued in this case
(``control:<measure_id>``), addressed to the measure's assisting body (the registry). No params. Template
``notices/docs/assist_registry.html``."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Addressee, DocumentType, register
from ._common import CaseData, asset_data, control_term, fail, load_control, party_data
from ._samples import sample_context

OPEN = ("active", "queued")


def _controls(case):
    from assets.models import AssetKind, ControlMeasure

    return (ControlMeasure.objects.filter(case_id=case.pk, asset__kind=AssetKind.REAL_ESTATE, status__in=OPEN)
            .order_by("pk"))


def addressees(case):
    return [Addressee(key=f"control:{c.pk}", name=c.assisting_body, role="registry") for c in _controls(case)]


def unavailable(case) -> str:
    return "" if _controls(case).exists() else _("No seizure of real estate is in force or queued in this case.")


def context(case, addressee, params=None) -> dict:
    from assets.models import AssetKind

    data = CaseData.load(case)
    control = load_control(data.case, addressee, statuses=OPEN)
    if control.asset.kind != AssetKind.REAL_ESTATE:
        raise fail("addressee", _("This measure is not on real estate."))
    if not control.assisting_body:
        raise fail("assisting_body", _("The registry (assisting body) of the seizure is not recorded."))
    ctx = data.base()
    ctx.update({
        "registry": {"name": control.assisting_body},
        "debtor": party_data(control.asset.owner),
        "applicant": {"name": data.names(data.applicants)},
        "asset": asset_data(control.asset),
        "control": {"ruling_number": control.ruling_number, "ordered_on": control.ordered_on,
                    "term": control_term(control), "verb": "查封" if control.kind == "seizure" else "冻结"},
        "officer": data.officer(),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="assist_registry",
    title="协助执行通知书",
    label=gettext_lazy("Request to a real-estate registry for assistance"),
    description=gettext_lazy("Asks the real-estate registry to record the seizure of a respondent's property."),
    template="notices/docs/assist_registry.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=52,
    sample_context=partial(sample_context, "assist_registry"),
    tags=("assistance",),
))
