"""Shared by the payout notice and receipt: the payout an addressee ``payout:<id>`` names, and the case fund ledger
summary printed with it (2 queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import Addressee
from ._common import ZERO, CaseData, fail, key_id, party_data, quantize

ENTRY_NAMES = {"debtor_payment": "被执行人交款", "bank_deduction": "银行扣划", "auction_proceeds": "拍卖、变卖价款",
               "field_collection": "现场收取", "disbursement": "案款发放", "reversal": "冲正"}
PAYABLE = ("approved", "executed")


def _local(moment):
    return timezone.localtime(moment).date() if moment else None


def payouts(case, statuses=PAYABLE):
    from assets.models import Payout

    return (Payout.objects.filter(case_id=case.pk, status__in=statuses).select_related("payee__party")
            .order_by("prepared_at", "pk"))


def payout_addressees(case, statuses=PAYABLE) -> list[Addressee]:
    return [Addressee(key=f"payout:{p.pk}", name=p.payee.party.name,
                      address=p.payee.service_address or p.payee.party.address, phone=p.payee.phone,
                      role=p.payee.role) for p in payouts(case, statuses)]


def payout_context(case, addressee, *, statuses=PAYABLE) -> dict[str, Any]:
    from assets.models import RECEIPT_KIND_VALUES, LedgerEntry, Payout

    data = CaseData.load(case)
    pk = key_id(addressee, "payout")
    payout = Payout.objects.select_related("payee__party", "approved_by").filter(pk=pk, case_id=data.case.pk).first()
    if payout is None:
        raise fail("addressee", _("No such payout in this case."))
    if payout.status not in statuses:
        raise fail("status", _("This payout has not been approved."))
    entries = list(LedgerEntry.objects.filter(case_id=data.case.pk).filter(
        Q(kind__in=RECEIPT_KIND_VALUES) | Q(kind="reversal")).order_by("occurred_on", "pk")
        .values("kind", "amount", "signed_amount", "occurred_on", "payer"))
    received = quantize(sum((e["signed_amount"] for e in entries), ZERO))
    # Paid to the applicants before this one: a surplus payout to the debtor is not paid on the claim (it still left
    # the account, so the balance counts it).
    earlier = dict(Payout.objects.filter(case_id=data.case.pk, status="executed").exclude(pk=payout.pk).filter(
        prepared_at__lte=payout.prepared_at).values_list("kind").annotate(s=Sum("amount")).order_by())
    before = earlier.get("applicant") or ZERO
    out_before = sum((v or ZERO for v in earlier.values()), ZERO)
    ctx = data.base()
    ctx.update({
        "payee": party_data(payout.payee),
        "payout": {"id": payout.pk, "amount": quantize(payout.amount), "account_name": payout.payee_account_name,
                   "bank": payout.payee_bank, "account_number": payout.payee_account_number, "note": payout.note,
                   "status": payout.status, "approved_on": _local(payout.approved_at), "executed_on": _local(payout.executed_at)},
        "receipts": [{"kind": ENTRY_NAMES.get(e["kind"], ""), "amount": quantize(e["signed_amount"]),
                      "on": e["occurred_on"], "payer": e["payer"]} for e in entries],
        "received_total": received,
        "paid_before": quantize(before),
        "balance_after": quantize(received - out_before - payout.amount),
        "amount": data.amounts(),
        "account": data.account(),
        "applicant": {"name": data.names(data.applicants)},
        "debtor": {"name": data.names(data.respondents)},
        "officer": data.officer(),
    })
    return ctx
