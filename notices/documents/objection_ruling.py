"""执行裁定书（异议）: the ruling on an objection (执异, review app; domain.md §3.4). Issued from the 执异 case once
the objection is ruled on; one ruling per objection: the addressee is ``objection:<id>`` (printed to the objector;
the register returns the same PDF for the other parties' copies). It states the objector's request and grounds,
the hearings and the panel's deliberation, the reasons, the outcome, and the remedy: reconsideration at the
next-higher court within 10 days of service (CPL art 236) or, for a third party, a suit within 15 days (CPL art 238).
The review app's rows are read by label (review is below notices, but the document keeps to its case's data)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Addressee, DocumentType, register
from ._common import CaseData, fail, key_id, party_data

OUTCOME_TEXT = {
    ("act", "upheld"): "撤销本院对{what}所作的执行行为。",
    ("act", "partly"): "对{what}的执行行为予以部分撤销，其余部分维持。",
    ("act", "dismissed"): "驳回{objector}的异议请求。",
    ("third_party", "upheld"): "中止对{what}的执行。",
    ("third_party", "partly"): "中止对{what}部分的执行，驳回{objector}的其他异议请求。",
    ("third_party", "dismissed"): "驳回{objector}的异议请求。",
}
LAW = {"act": "第二百三十六条", "third_party": "第二百三十八条"}


def _objection(case):
    model = apps.get_model("review", "Objection")
    return (model.objects.select_related("enforcement_case", "asset", "ruled_by", "court")
            .filter(case_id=case.pk).first())


def addressees(case):
    objection = _objection(case)
    if objection is None or objection.status != "ruled":
        return []
    return [Addressee(key=f"objection:{objection.pk}", name=objection.objector, phone=objection.objector_phone,
                      role="objector")]


def unavailable(case) -> str:
    objection = _objection(case)
    if objection is None:
        return _("This is not an objection case.")
    if objection.status != "ruled":
        return _("The objection has not been ruled on.")
    return ""


def _what(objection) -> str:
    if objection.asset_id:
        return f"{objection.asset}"
    return objection.contested_act


def context(case, addressee, params=None) -> dict:
    objection = _objection(case)
    if objection is None or key_id(addressee, "objection") != objection.pk:
        raise fail("addressee", _("The addressee is not this objection."))
    if objection.status != "ruled":
        raise fail("status", _("The objection has not been ruled on."))
    data = CaseData.load(case)
    enforcement = CaseData.load(objection.enforcement_case)
    session_model = apps.get_model("review", "Session")
    sessions = [{"kind": s.kind, "held_on": s.held_on}
                for s in session_model.objects.filter(objection_id=objection.pk).order_by("held_on", "pk")]
    what = _what(objection)
    ctx = data.base()
    higher = objection.court.parent
    ctx.update({
        "kind": objection.kind,
        "objector": objection.objector,
        "objector_label": "案外人" if objection.kind == "third_party" else "异议人",
        "enforcement_number": objection.enforcement_case.number,
        "enforcement_parties": [party_data(p) for p in enforcement.applicants + enforcement.respondents],
        "applicant_names": enforcement.names(enforcement.applicants),
        "respondent_names": enforcement.names(enforcement.respondents),
        "what": what,
        "request": objection.request.strip().rstrip("。"),
        "grounds": objection.grounds.strip().rstrip("。"),
        "received_on": objection.received_on,
        "hearings": [s["held_on"] for s in sessions if s["kind"] == "hearing"],
        "reasons": objection.ruling_reasons.strip().rstrip("。"),
        "outcome": objection.outcome,
        "outcome_text": OUTCOME_TEXT[(objection.kind, objection.outcome)].format(what=what,
                                                                               objector=objection.objector),
        "law": LAW[objection.kind],
        "higher_court": higher.name if higher else "",
        "ruled_on": objection.ruled_on,
        "signatures": [{"role": "审判长", "name": objection.ruled_by.display_name if objection.ruled_by else ""}],
    })
    return ctx


def sample(**overrides) -> dict:
    from ._samples import APPLICANT, DEBTOR, base

    context = base(
        case_number="（2026）甘0503执异12号", document_number="（2026）甘0503执异12号", kind="third_party",
        objector="李四", objector_label="案外人", enforcement_number="（2026）甘0503执1234号",
        enforcement_parties=[APPLICANT, DEBTOR], what="位于甘肃省天水市麦积区花园路18号的房屋",
        request="请求中止对位于甘肃省天水市麦积区花园路18号的房屋的执行",
        grounds="该房屋系案外人于2025年3月购买并已付清全款，仅因未办理过户登记而登记在被执行人名下",
        received_on=dt.date(2026, 11, 2), hearings=[dt.date(2026, 11, 10)],
        reasons="案外人提交的购房合同、付款凭证及入住证明能够证明其在查封前已支付全部价款并实际占有该房屋",
        outcome="upheld", outcome_text="中止对位于甘肃省天水市麦积区花园路18号的房屋的执行。", law="第二百三十八条",
        higher_court="甘肃省天水市中级人民法院", ruled_on=dt.date(2026, 11, 16),
        signatures=[{"role": "审判长", "name": "王建国"}])
    context.update(overrides)
    return context


DOCUMENT = register(DocumentType(
    code="objection_ruling",
    title="执行裁定书",
    label=gettext_lazy("Ruling on an objection (执行异议裁定)"),
    description=gettext_lazy("The ruling on an objection to enforcement, with the remedy and its period."),
    template="notices/docs/objection_ruling.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    order=75,
    sample_context=partial(sample),
    tags=("ruling", "review"),
))
