"""Demo objections of the demo court, through the services (a handful: the story matters more than volume):

1. an objection to an act (the auction's reference price) by the debtor, received four days ago, suspending an open
   disposal (the debtor gave a guarantee), under review with a hearing held;
2. a third party's objection to a seized asset, dismissed within 15 days, served, the suit window passed;
3. an objection to an act, upheld (the contested act is described in words);
4. an objection to an act dismissed, reconsidered at 甘05 and reversed there.

Deterministic (the cases and assets are chosen in id order), idempotent (nothing if the court has objections), dates
consistent: never before the enforcement case's filing, never in the future, each step after the one before."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from assets.models import Asset, Disposal, DisposalStatus
from cases.models import Case, CaseEvent, CaseType

from . import services
from .models import Objection


def _deliberate(objection, actor, on, *, hearing_on=None):
    if hearing_on is not None:
        services.session_record(actor=actor, objection=objection, kind="hearing", held_on=hearing_on,
                                participants="审判长韩冰、审判员二人；异议人、申请执行人到场",
                                minutes="听证中，异议人陈述了异议请求和理由，申请执行人发表了意见。",
                                outcome="听证结束，合议庭评议")
    services.session_record(actor=actor, objection=objection, kind="deliberation", held_on=on,
                            participants="审判长韩冰、审判员二人", minutes="合议庭经评议，意见一致。")


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _backdate(objection: Objection) -> None:
    """The services log each step at the moment they run; the demo's steps happened on their own dates, so their
    timeline events (on the enforcement case and on the 执异 case) are moved to those dates."""
    o = Objection.objects.get(pk=objection.pk)
    recon = getattr(o, "reconsideration", None)
    days = {"objection_registered": o.accepted_on or o.received_on, "objection_hold": o.received_on,
            "objection_hold_note": o.received_on, "objection_ruled": o.ruled_on, "objection_served": o.served_on,
            "objection_suit": o.suit_filed_on, "objection_withdrawn": o.withdrawn_on}
    if recon is not None:
        days.update(reconsideration_applied=recon.applied_on, reconsideration_sent_up=recon.file_sent_on,
                    reconsideration_decided=recon.decided_on)
    sessions = list(o.sessions.order_by("id").values_list("held_on", flat=True))
    for case_id in (o.enforcement_case_id, o.case_id):
        held = iter(sessions)
        for pk, type_ in (CaseEvent.objects.filter(case_id=case_id, parameters__objection_id=o.pk)
                          .order_by("id").values_list("pk", "type")):
            day = next(held, None) if type_ == "objection_session" else days.get(type_)
            if day is not None:
                CaseEvent.objects.filter(pk=pk).update(at=_at(day, 10))
    # the 执异 case's own registration and assignment
    (CaseEvent.objects.filter(case_id=o.case_id).exclude(parameters__has_key="objection_id")
     .update(at=_at(o.accepted_on or o.received_on, 9)))


@transaction.atomic
def seed(org, *, seed: int, cases: int) -> str:
    court = org.court
    if Objection.objects.filter(court=court).exists():
        return "already seeded"
    team = org.teams.get("执行裁决组")
    judge, clerk, chief = org.staff.get("officer8"), org.staff.get("clerk3"), org.staff.get("chief")
    higher_chief = org.staff.get("zy_chief")
    if not (team and judge and clerk and chief):
        return "no adjudication team or staff"
    today = timezone.localdate()
    base = dict(actor=clerk, team=team, officer=judge)
    made = 0

    # 1. pending, suspending an open disposal
    disposal = (Disposal.objects.filter(court=court, status__in=[DisposalStatus.PRICING, DisposalStatus.AUCTION],
                                        case__filed_on__lte=today - timedelta(days=5))
                .select_related("case").order_by("id").first())
    if disposal is not None:
        o = services.objection_register(
            **base, enforcement_case=disposal.case, kind="act", objector="天水陇原商贸有限公司",
            objector_kind="legal_person", contested_kind="disposal", disposal_id=disposal.pk,
            request="撤销对该财产的评估结果并重新确定参考价", grounds="评估基准日选择错误，参考价明显低于市场价",
            received_on=today - timedelta(days=4), accepted_on=today - timedelta(days=3), suspends=True,
            suspension_reason="异议人提供了相应担保")
        services.session_record(actor=judge, objection=o, kind="hearing", held_on=today - timedelta(days=1),
                                participants="审判长韩冰；异议人委托代理人、申请执行人到场",
                                minutes="异议人陈述评估基准日问题，申请执行人认为评估程序合法。")
        made += 1

    # 2.-4. older cases, filed at least 90 days ago
    # open cases (an objection comes while the enforcement goes on, never after the closure)
    older = list(Case.objects.filter(court=court, case_type=CaseType.FIRST, filed_on__lte=today - timedelta(days=90),
                                     closed_on__isnull=True).order_by("id")[:40])
    asset = (Asset.objects.filter(case__in=older).exclude(review_objections__isnull=False).select_related("case")
             .order_by("id").first())
    if asset is not None:
        received = max(asset.case.filed_on + timedelta(days=20), today - timedelta(days=70))
        o = services.objection_register(
            **base, enforcement_case=asset.case, kind="third_party", objector="李秀兰", contested_kind="asset",
            asset_id=asset.pk, request="停止对该财产的执行", grounds="该财产系异议人所有，仅登记在被执行人名下",
            received_on=received, accepted_on=received + timedelta(days=1), suspends=True)
        _deliberate(o, judge, received + timedelta(days=10), hearing_on=received + timedelta(days=7))
        services.objection_rule(actor=chief, objection=o, outcome="dismissed", ruled_on=received + timedelta(days=12),
                                reasons="异议人提交的证据不足以证明其对该财产享有足以排除强制执行的民事权益")
        services.objection_serve(actor=clerk, objection=o, served_on=received + timedelta(days=14))
        made += 1
    candidates = [c for c in older if asset is None or c.pk != asset.case_id]
    if len(candidates) >= 2:
        act_case, recon_case = candidates[0], candidates[1]
        received = max(act_case.filed_on + timedelta(days=30), today - timedelta(days=60))
        o = services.objection_register(
            **base, enforcement_case=act_case, kind="act", objector="张建华", contested_kind="other",
            contested_act="对被执行人唯一住房的查封", request="解除对被执行人及其所扶养家属生活必需住房的查封",
            received_on=received, accepted_on=received + timedelta(days=2))
        _deliberate(o, judge, received + timedelta(days=9))
        services.objection_rule(actor=chief, objection=o, outcome="upheld", ruled_on=received + timedelta(days=11),
                                reasons="被查封房屋系被执行人及其所扶养家属维持生活必需的居住房屋")
        services.objection_serve(actor=clerk, objection=o, served_on=received + timedelta(days=13))
        made += 1
        received = max(recon_case.filed_on + timedelta(days=30), today - timedelta(days=80))
        o = services.objection_register(
            **base, enforcement_case=recon_case, kind="act", objector="天水市秦岭建材有限公司",
            objector_kind="legal_person", contested_kind="other", contested_act="冻结并扣划被执行人基本存款账户",
            request="撤销扣划行为", received_on=received, accepted_on=received + timedelta(days=1))
        _deliberate(o, judge, received + timedelta(days=8))
        services.objection_rule(actor=chief, objection=o, outcome="dismissed", ruled_on=received + timedelta(days=10),
                                reasons="扣划行为符合法律规定")
        services.objection_serve(actor=clerk, objection=o, served_on=received + timedelta(days=12))
        recon = services.reconsideration_apply(actor=clerk, objection=o, applicant="天水市秦岭建材有限公司",
                                               applied_on=received + timedelta(days=18))
        services.reconsideration_send_up(actor=clerk, reconsideration=recon, sent_on=received + timedelta(days=21))
        if higher_chief is not None:
            services.reconsideration_decide(actor=higher_chief, reconsideration=recon, outcome="reversed",
                                            decided_on=received + timedelta(days=45),
                                            higher_number=f"（{(received + timedelta(days=45)).year}）甘05执复3号")
        made += 1
    for objection in Objection.objects.filter(court=court):
        _backdate(objection)
    return f"{made} objections"
