"""案款发放通知书: tells the payee (an applicant) the case funds received and the amount paid to their account
(§5.1 practice; KUAN-DL). Addressees: approved or paid payouts (``payout:<payout_id>``). No params. Template
``notices/docs/payout_notice.html``."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import DocumentType, register
from ._payouts import payout_addressees, payout_context, payouts
from ._samples import sample_context


def addressees(case):
    return payout_addressees(case)


def unavailable(case) -> str:
    return "" if payouts(case).exists() else _("No payout of this case has been approved.")


def context(case, addressee, params=None) -> dict:
    return payout_context(case, addressee)


DOCUMENT = register(DocumentType(
    code="payout_notice",
    title="案款发放通知书",
    label=gettext_lazy("Payout notice"),
    description=gettext_lazy("Tells an applicant the case funds received and the amount paid to their account."),
    template="notices/docs/payout_notice.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=90,
    sample_context=partial(sample_context, "payout_notice"),
    tags=("funds",),
))
