"""协助执行通知书 to a bank: query, freeze or deduct a respondent's deposit (CPL arts 253, 117; NETQ arts 3-4).

Addressees: one per bank-deposit asset of the case (``asset:<asset_id>``), addressed to the bank named on the asset.
Params (``Params``): ``measure`` = query / freeze / deduct and an optional ``amount``. Without params the measure is
"freeze" when a freeze of the account is in force or queued for this case, otherwise "query". Freeze and deduct
print the freeze ruling (its ``ControlMeasure``): deduct needs the freeze in force; the amount defaults to the
amount frozen, capped at what is still outstanding. Template ``notices/docs/assist_bank.html``.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Addressee, DocumentType, register
from ._common import CaseData, asset_data, control_term, fail, load_asset, party_data, quantize
from ._samples import sample_context

MEASURES = (("query", gettext_lazy("Query")), ("freeze", gettext_lazy("Freeze")), ("deduct", gettext_lazy("Deduct")))


class Params(forms.Form):
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=MEASURES, required=False)
    amount = forms.DecimalField(label=gettext_lazy("Amount (yuan)"), max_digits=16, decimal_places=2,
                                min_value=Decimal("0.01"), required=False)

    def clean_amount(self):
        value = self.cleaned_data.get("amount")
        return str(value) if value is not None else None  # JSON-serialisable


def addressees(case):
    from assets.models import Asset, AssetKind

    return [Addressee(key=f"asset:{a.pk}", name=a.bank_name, role="bank")
            for a in Asset.objects.filter(case_id=case.pk, kind=AssetKind.BANK_DEPOSIT).order_by("pk")]


def unavailable(case) -> str:
    from assets.models import Asset, AssetKind

    if not Asset.objects.filter(case_id=case.pk, kind=AssetKind.BANK_DEPOSIT).exists():
        return _("No bank account of a respondent is registered in this case.")
    return ""


def _freeze(case, asset):
    from assets.models import ControlKind, ControlMeasure, ControlStatus

    return (ControlMeasure.objects.filter(case_id=case.pk, asset=asset, kind=ControlKind.FREEZE,
                                          status__in=[ControlStatus.ACTIVE, ControlStatus.QUEUED])
            .order_by("queue_rank").first())


def context(case, addressee, params=None) -> dict:
    from assets.models import AssetKind

    params = params or {}
    data = CaseData.load(case)
    asset = load_asset(data.case, addressee, kinds=(AssetKind.BANK_DEPOSIT,))
    control = _freeze(data.case, asset)
    measure = params.get("measure") or ("freeze" if control else "query")
    if measure not in dict(MEASURES):
        raise fail("measure", _("Choose query, freeze or deduct."))
    amounts = data.amounts()
    amount = None
    if measure in ("freeze", "deduct"):
        if control is None:
            raise fail("measure", _("No freeze of this account is recorded for this case: record the freeze ruling "
                                    "first."))
        if measure == "deduct" and control.status != "active":
            raise fail("measure", _("Only a freeze in force can be deducted."))
        if params.get("amount"):
            amount = quantize(params["amount"])
        else:
            amount = quantize(control.amount) if control.amount else amounts["outstanding"]
            if measure == "deduct":
                amount = min(amount, amounts["outstanding"])
        if amount <= 0:
            raise fail("amount", _("Nothing is outstanding to deduct."))
    if not asset.bank_name:
        raise fail("bank_name", _("The bank of the account is not recorded."))
    ctx = data.base()
    ctx.update({
        "bank": {"name": asset.bank_name},
        "debtor": party_data(asset.owner),
        "applicant": {"name": data.names(data.applicants)},
        "asset": asset_data(asset),
        "measure": measure,
        "amount_value": amount,
        "control": {"ruling_number": control.ruling_number, "ordered_on": control.ordered_on,
                    "term": control_term(control)} if control else None,
        "account": data.account() if measure == "deduct" else None,
        "officer": data.officer(),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="assist_bank",
    title="协助执行通知书",
    label=gettext_lazy("Request to a bank for assistance"),
    description=gettext_lazy("Asks a bank to query, freeze or deduct a respondent's deposit."),
    template="notices/docs/assist_bank.html",
    addressees=addressees,
    context=context,
    params_form=Params,
    unavailable=unavailable,
    order=50,
    sample_context=partial(sample_context, "assist_bank"),
    tags=("assistance",),
))
