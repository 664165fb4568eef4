"""案款领取收据: the payee's receipt for a payout from the case fund account, amount in figures and capitals, to sign
and return. Addressees: approved or paid payouts (``payout:<payout_id>``). No params. Template
``notices/docs/payout_receipt.html``."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import DocumentType, register
from ._common import yuan_upper
from ._payouts import payout_addressees, payout_context, payouts
from ._samples import sample_context


def addressees(case):
    return payout_addressees(case)


def unavailable(case) -> str:
    return "" if payouts(case).exists() else _("No payout of this case has been approved.")


def context(case, addressee, params=None) -> dict:
    ctx = payout_context(case, addressee)
    ctx["amount_upper"] = yuan_upper(ctx["payout"]["amount"])
    return ctx


DOCUMENT = register(DocumentType(
    code="payout_receipt",
    title="案款领取收据",
    label=gettext_lazy("Payout receipt"),
    description=gettext_lazy("The payee's receipt for a payout, with the amount in figures and in capitals."),
    template="notices/docs/payout_receipt.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=92,
    sample_context=partial(sample_context, "payout_receipt"),
    tags=("funds",),
))
