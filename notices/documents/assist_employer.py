"""协助执行通知书 to an employer: withhold and pay over a respondent's wages (CPL arts 254, 117). Addressees: one per
wage-income asset (``asset:<asset_id>``), addressed to the employer named on the asset. The withholding ruling is
the freeze recorded on that asset (a ``ControlMeasure``, required). Params: ``monthly_amount`` or ``percent`` of the
monthly income; neither = the court's ``wage_withhold_percent`` setting. Withholding runs until the outstanding
amount is paid. Template ``notices/docs/assist_employer.html``."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Addressee, DocumentType, register
from ._common import CaseData, asset_data, cn_number, fail, load_asset, party_data, quantize, setting
from ._samples import sample_context


class Params(forms.Form):
    monthly_amount = forms.DecimalField(label=gettext_lazy("Monthly amount (yuan)"), max_digits=12,
                                        decimal_places=2, min_value=Decimal("0.01"), required=False)
    percent = forms.IntegerField(label=gettext_lazy("Share of monthly income (%)"), min_value=1, max_value=100,
                                 required=False)

    def clean_monthly_amount(self):
        value = self.cleaned_data.get("monthly_amount")
        return str(value) if value is not None else None


def _assets(case):
    from assets.models import Asset, AssetKind

    return Asset.objects.filter(case_id=case.pk, kind=AssetKind.WAGE_INCOME).order_by("pk")


def addressees(case):
    return [Addressee(key=f"asset:{a.pk}", name=a.company_name, role="employer") for a in _assets(case)]


def unavailable(case) -> str:
    return "" if _assets(case).exists() else _("No wage income of a respondent is registered in this case.")


def context(case, addressee, params=None) -> dict:
    from assets.models import AssetKind, ControlMeasure

    params = params or {}
    data = CaseData.load(case)
    asset = load_asset(data.case, addressee, kinds=(AssetKind.WAGE_INCOME,))
    control = (ControlMeasure.objects.filter(case_id=data.case.pk, asset=asset, status="active")
               .order_by("queue_rank").first())
    if control is None:
        raise fail("control", _("Record the withholding ruling (a freeze of this income) first: CPL art 254 "
                                "requires a ruling."))
    amounts = data.amounts()
    if amounts["outstanding"] <= 0:
        raise fail("amount", _("Nothing is outstanding."))
    monthly = quantize(params["monthly_amount"]) if params.get("monthly_amount") else None
    percent = None if monthly else (params.get("percent") or setting(data.case, "wage_withhold_percent"))
    ctx = data.base()
    ctx.update({
        "employer": {"name": asset.company_name},
        "debtor": party_data(asset.owner),
        "applicant": {"name": data.names(data.applicants)},
        "asset": asset_data(asset),
        "monthly_amount": monthly,
        "percent": percent,
        "percent_text": cn_number(percent) if percent else "",
        "total": quantize(control.amount) if control.amount else amounts["outstanding"],
        "control": {"ruling_number": control.ruling_number, "ordered_on": control.ordered_on},
        "account": data.account(),
        "officer": data.officer(),
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="assist_employer",
    title="协助执行通知书",
    label=gettext_lazy("Request to an employer for assistance"),
    description=gettext_lazy("Asks an employer to withhold a respondent's wages and pay them into the case fund "
                             "account."),
    template="notices/docs/assist_employer.html",
    addressees=addressees,
    context=context,
    params_form=Params,
    unavailable=unavailable,
    order=54,
    sample_context=partial(sample_context, "assist_employer"),
    tags=("assistance",),
))
