"""Letters of delegation between courts (issue 23, h6; the delegation app's requests and replies):

* 委托执行函 (a whole case) / 协助执行事项委托函 (a step: serve, investigate, freeze, seize, hand over), from the
  sending court to the receiving court (CPL art 240; 最高人民法院关于委托执行若干问题的规定);
* 委托事项回复函, the receiving court's reply with the result.

Addressees of a case: one per delegation sent from it (``delegation:<id>``; for the reply, one per answered
delegation). The letter's number is the delegation's own (（2026）甘0503执委12号), so issuing it from the case's
documents registers that number. The same templates print from the delegation's page for both courts
(``notices.delegation_views``), without registering. Templates ``notices/docs/delegation_letter.html`` and
``notices/docs/delegation_reply.html``.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Addressee, DocumentType, register
from ._common import fail, key_id

KIND_PHRASE = {"serve": "代为送达法律文书", "investigate": "代为调查被执行人财产情况", "freeze": "代为冻结被执行人财产",
               "seize": "代为查封、扣押被执行人财产", "handover": "代为交付财产或者票证", "whole_case": "委托执行"}
OUTCOME_PHRASE = {"done": "已办理完毕", "partly": "已部分办理", "not_done": "未能办理"}


def _delegations(case, *, answered: bool):
    from delegation.models import Delegation

    qs = Delegation.objects.filter(case_id=case.pk).exclude(status__in=["draft", "withdrawn"])
    if answered:
        qs = qs.filter(answered_on__isnull=False).exclude(kind="whole_case")
    return qs.select_related("receiving_court", "sending_court").order_by("pk")


def _addressees(case, *, answered: bool):
    return [Addressee(key=f"delegation:{d.pk}", name=d.receiver_name, address=(
        d.receiving_court.address if d.receiving_court_id else d.external_court_address), role="court")
        for d in _delegations(case, answered=answered)]


def letter_addressees(case):
    return _addressees(case, answered=False)


def reply_addressees(case):
    return _addressees(case, answered=True)


def letter_unavailable(case) -> str:
    return "" if _delegations(case, answered=False).exists() else _("No delegation was sent from this case.")


def reply_unavailable(case) -> str:
    return "" if _delegations(case, answered=True).exists() else _("No delegation of this case was answered.")


def _load(case, addressee):
    from delegation.models import Delegation

    d = (Delegation.objects.select_related("case", "sending_court", "receiving_court", "receiving_case")
         .filter(pk=key_id(addressee, "delegation"), case_id=case.pk).exclude(status="draft").first())
    if d is None:
        raise fail("addressee", _("No such delegation in this case."))
    return d


def delegation_context(d, *, reply: bool = False) -> dict:
    """The printed context of a delegation's letter (or reply): plain data, the sending case's shared part only."""
    case = d.case
    sender, receiver = d.sending_court, d.receiving_court
    outstanding = max(case.amount_claimed - case.amount_recovered, 0)
    applicants = [s["name"] for s in d.subjects if s.get("role") == "applicant"]
    debtors = [s for s in d.subjects if s.get("role") == "respondent"]
    ctx = {
        "court_name": (receiver.name if reply else sender.name),
        "case_number": case.number,
        "document_number": d.number or "",
        "issue_date": (d.answered_on if reply else d.sent_on) or timezone.localdate(),
        "addressee": (sender.name if reply else d.receiver_name),
        "letter": {"number": d.number or "", "kind": d.kind, "whole_case": d.kind == "whole_case",
                   "phrase": KIND_PHRASE.get(d.kind, ""), "instructions": d.instructions,
                   "amount": d.amount, "sent_on": d.sent_on},
        "sender": {"name": sender.name, "address": sender.address, "phone": sender.phone},
        "case": {"number": case.number, "basis_issuer": case.basis_issuer, "basis_number": case.basis_number,
                 "amount_claimed": case.amount_claimed, "outstanding": outstanding, "cause": case.cause},
        "applicants": "、".join(applicants),
        "debtors": [{"name": s.get("name", ""), "id_number": s.get("id_number", ""),
                     "address": s.get("address", "")} for s in debtors],
        "contact": {"name": d.contact_name, "phone": d.contact_phone},
        "attachments": [p.original_name for p in d.papers.all() if p.side == ("reply" if reply else "request")],
        "reply": {"result": d.result, "outcome": OUTCOME_PHRASE.get(d.outcome, ""), "answered_on": d.answered_on,
                  "officer": d.officer.display_name if d.officer_id else ""},
    }
    return ctx


def letter_context(case, addressee, params=None) -> dict:
    return delegation_context(_load(case, addressee))


def reply_context(case, addressee, params=None) -> dict:
    d = _load(case, addressee)
    if not d.answered_on:
        raise fail("addressee", _("This delegation has not been answered."))
    return delegation_context(d, reply=True)


def _sample(reply: bool) -> dict:
    from datetime import date
    from decimal import Decimal

    return {
        "court_name": "天水市秦州区人民法院" if reply else "天水市麦积区人民法院",
        "case_number": "（2026）甘0503执1234号", "document_number": "（2026）甘0503执委12号",
        "issue_date": date(2026, 11, 20), "addressee": "天水市麦积区人民法院" if reply else "天水市秦州区人民法院",
        "letter": {"number": "（2026）甘0503执委12号", "kind": "freeze", "whole_case": False,
                   "phrase": KIND_PHRASE["freeze"], "instructions": "请协助冻结被执行人在贵辖区开户银行的存款。",
                   "amount": Decimal("50000.00"), "sent_on": date(2026, 11, 2)},
        "sender": {"name": "天水市麦积区人民法院", "address": "甘肃省天水市麦积区商埠路", "phone": "0938-2700000"},
        "case": {"number": "（2026）甘0503执1234号", "basis_issuer": "天水市麦积区人民法院",
                 "basis_number": "（2025）甘0503民初456号", "amount_claimed": Decimal("100000.00"),
                 "outstanding": Decimal("80000.00"), "cause": "买卖合同纠纷"},
        "applicants": "张三", "debtors": [{"name": "天水示例建材有限公司", "id_number": "91110108551385082Q",
                                          "address": "甘肃省天水市秦州区民主西路8号"}],
        "contact": {"name": "郑强", "phone": "0938-2700001"}, "attachments": ["执行裁定书"],
        "reply": {"result": "已冻结被执行人在中国银行天水分行账户存款50,000.00元。", "outcome": "已办理完毕",
                  "answered_on": date(2026, 11, 20), "officer": "何平"},
    }


LETTER = register(DocumentType(
    code="delegation_letter",
    title="协助执行事项委托函",
    label=gettext_lazy("Delegation letter to another court"),
    description=gettext_lazy("Asks another court to carry out an enforcement step, or entrusts it with the whole "
                             "case (委托执行函)."),
    template="notices/docs/delegation_letter.html",
    addressees=letter_addressees,
    context=letter_context,
    unavailable=letter_unavailable,
    order=70,
    sample_context=lambda: _sample(False),
))

REPLY = register(DocumentType(
    code="delegation_reply",
    title="委托事项回复函",
    label=gettext_lazy("Reply to a delegating court"),
    description=gettext_lazy("The receiving court's reply with the result of a delegated step."),
    template="notices/docs/delegation_reply.html",
    addressees=reply_addressees,
    context=reply_context,
    unavailable=reply_unavailable,
    order=71,
    sample_context=lambda: _sample(True),
))
