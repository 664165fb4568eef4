"""终结本次执行程序裁定书 (终本 ruling): once the case is closed by 终本 (CPL-I art 517; ZB-2016 arts 1-2). The grounds
are the measures recorded in the action log (notices served, network queries, on-site investigation, consumption
restriction, dishonest listing, applicant interview), the amounts recovered and outstanding, and the approved
closure request's reasons. One ruling per case: the addressee is ``case:<case_id>`` (printed to the first
applicant; the register returns the same PDF for the other parties' copies). No params. Template
``notices/docs/zhongben_ruling.html``."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Action, ActionKind, ClosureMode, ClosureRequest, ClosureStatus

from . import Addressee, DocumentType, register
from ._common import CaseData, fail, key_id, party_data
from ._samples import sample_context

DOC_NAMES = {"enforcement_notice": "执行通知书", "asset_report_order": "报告财产令",
             "consumption_order": "限制消费令", "dishonest_decision": "纳入失信被执行人名单决定书"}


def addressees(case):
    data = CaseData.load(case)
    if data.case.closure_mode != ClosureMode.TERMINATED_ROUND or not data.applicants:
        return []
    first = data.applicants[0]
    return [Addressee(key=f"case:{data.case.pk}", name=first.party.name,
                      address=first.service_address or first.party.address, phone=first.phone, role="parties")]


def unavailable(case) -> str:
    data = CaseData.load(case)
    if data.case.closure_mode != ClosureMode.TERMINATED_ROUND:
        return _("The case has not been closed by 终本 (this round terminated).")
    return ""


def measures(case) -> tuple[list[str], Action | None]:
    """The investigation and compulsory measures taken, as sentences, in the order the law lists them (§2.4)."""
    acts: dict[str, list[Action]] = {}
    for a in Action.objects.filter(case_id=case.pk).order_by("occurred_on", "pk").only("kind", "occurred_on",
                                                                                     "details"):
        acts.setdefault(a.kind, []).append(a)
    out = []
    docs = []
    for a in acts.get(ActionKind.NOTICE_SERVED, []):
        for d in a.details.get("documents", []):
            if d in DOC_NAMES and DOC_NAMES[d] not in docs:
                docs.append(DOC_NAMES[d])
    if docs:
        out.append(f"向被执行人送达了{'、'.join(docs)}")
    if acts.get(ActionKind.NETWORK_QUERY):
        last = acts[ActionKind.NETWORK_QUERY][-1].occurred_on
        out.append(f"通过网络执行查控系统对被执行人的存款、不动产、车辆、证券、股权、网络资金、住房公积金、保险、理财产品等"
                   f"财产进行了查询（最近一次查询于{last.year}年{last.month}月{last.day}日）")
    if acts.get(ActionKind.ONSITE_INVESTIGATION):
        out.append("到被执行人住所地等处进行了实地调查")
    if acts.get(ActionKind.SEARCH):
        out.append("依法进行了搜查")
    if acts.get(ActionKind.REWARD_NOTICE):
        out.append("发布了悬赏公告")
    if any(a.details.get("measure") == "impose" for a in acts.get(ActionKind.CONSUMPTION_RESTRICTION, [])):
        out.append("对被执行人采取了限制消费措施")
    if any(a.details.get("measure") == "list" for a in acts.get(ActionKind.DISHONEST_LISTING, [])):
        out.append("将被执行人纳入了失信被执行人名单")
    if acts.get(ActionKind.FINE) or acts.get(ActionKind.JUDICIAL_DETENTION):
        out.append("对妨碍执行的行为依法予以罚款、拘留")
    interview = None
    for a in acts.get(ActionKind.APPLICANT_INTERVIEW, []):
        interview = a
    return out, interview


def context(case, addressee, params=None) -> dict:
    data = CaseData.load(case)
    if key_id(addressee, "case") != data.case.pk:
        raise fail("addressee", _("The addressee is not this case."))
    if data.case.closure_mode != ClosureMode.TERMINATED_ROUND or not data.case.closed_on:
        raise fail("closure_mode", _("The case has not been closed by 终本."))
    request = (ClosureRequest.objects.filter(case_id=data.case.pk, mode=ClosureMode.TERMINATED_ROUND,
                                             status=ClosureStatus.APPROVED).order_by("-decided_at", "-pk").first())
    if request is None:
        raise fail("closure_request", _("No approved 终本 closure request is recorded for this case."))
    steps, interview = measures(data.case)
    if not steps:
        raise fail("actions", _("No investigation or compulsory measure is recorded: the ruling must state them."))
    view = ""
    if interview is not None:
        view = (interview.details.get("applicant_view") or "").strip().rstrip("。")
    ctx = data.base()
    ctx.update({
        "ruling_parties": [party_data(p) for p in data.applicants] + [party_data(p) for p in data.respondents],
        "applicant": {"name": data.names(data.applicants)},
        "debtor": {"name": data.names(data.respondents)},
        "amount": data.amounts(),
        "steps": steps,
        "interviewed_on": interview.occurred_on if interview else None,
        "applicant_view": view,
        "reason": request.reason.strip().rstrip("。"),
        "closed_on": data.case.closed_on,
        "signatures": [{"role": "执行员", "name": data.officer()["name"]}],
    })
    return ctx


DOCUMENT = register(DocumentType(
    code="zhongben_ruling",
    title="执行裁定书",
    label=gettext_lazy("Ruling ending this round of enforcement (终本)"),
    description=gettext_lazy("The 终本 ruling with the measures taken, the amounts outstanding and the legal basis."),
    template="notices/docs/zhongben_ruling.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=70,
    sample_context=partial(sample_context, "zhongben_ruling"),
    tags=("ruling", "closure"),
))
