"""Demo data of the supervision app: supervision orders (one answered late after escalating and closed, one open, one
overdue and escalated, one from the intermediate court's chief zy_chief linked to a petition), a week of duty roster
with a dozen dispatches and their response times (one escalated), and a reception day two weeks ago with three visits
(followed up, overdue, open).

Deterministic (random.Random(seed)), idempotent (nothing happens once the court has an order). Written with the ORM
(no SMS to send for the past); every date lies after the case's filing and not in the future. Runs before
``deadlines`` (the scan then builds the SUPERVISION_REPLY / RECEPTION_FOLLOWUP deadlines).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import Court
from cases.models import OPEN_STAGES, Case

from .models import (
    DispatchKind, DispatchTicket, DutyShift, OrderStatus, ReceptionDay, ReceptionVisit, SupervisionEscalation,
    SupervisionOrder, TicketStatus,
)

REPORTS = [
    ("urgent_report", "群众举报：被执行人车辆出现在麦积区商埠路停车场", "麦积区商埠路万达广场"),
    ("lead", "申请人提供线索：被执行人在社棠工业园有一处仓库存放钢材", "麦积区社棠工业园"),
    ("urgent_report", "被执行人现身麦积区人民医院门诊楼", "麦积区人民医院"),
    ("lead", "申请人称被执行人近期在天水农商银行有大额存款", "天水农村商业银行麦积支行"),
    ("urgent_report", "被执行人驾驶货车途经天巉公路收费站", "天巉公路收费站"),
    ("lead", "线索：被执行人经营的饭店仍在营业，收入未申报", "麦积区马跑泉路"),
]


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed(org, *, seed: int, cases: int) -> str:
    court = org.court
    if SupervisionOrder.objects.filter(case__court=court).exists():
        return ""
    rng = random.Random(seed + 70)
    now = timezone.now()
    today = timezone.localdate()
    chief = org.staff["chief"]
    zy_chief = org.staff.get("zy_chief")
    clerk = org.staff["clerk1"]
    candidates = list(Case.objects.filter(court=court, stage__in=OPEN_STAGES, officer__isnull=False,
                                          filed_on__lte=today - timedelta(days=60)).order_by("id")[:300])
    if len(candidates) < 8:
        return ""
    picked = rng.sample(candidates, 8)

    def order(case, *, by, court_id, opened_days, due_days, number, text):
        opened = now - timedelta(days=opened_days, hours=rng.randint(1, 5))
        return SupervisionOrder.objects.create(
            case=case, court_id=court_id, number=number, ordered_by=by, opened_at=opened, instructions=text,
            reply_due=today - timedelta(days=due_days))

    year = today.year
    late = order(picked[0], by=chief, court_id=court.pk, opened_days=20, due_days=10,
                 number=f"DB{year}{court.pk:03d}0001", text="申请人多次来访反映执行不力，请于十日内书面报告财产查控及处置进展。")
    escalated_at = _at(late.reply_due + timedelta(days=1), 0, 10)
    esc = SupervisionEscalation.objects.create(order=late, round=1, level=1, escalated_at=escalated_at)
    esc.recipients.set([u for u in (chief.pk, picked[0].officer_id) if u])
    replied = _at(today - timedelta(days=6), 16, 20)
    SupervisionOrder.objects.filter(pk=late.pk).update(
        status=OrderStatus.CLOSED, reply="已冻结被执行人银行存款8.6万元，查封商铺一处，已委托评估。", replied_by=picked[0].officer,
        replied_at=replied, replied_on=timezone.localdate(replied), late=True, escalation_level=1, closed_by=chief,
        closed_at=_at(today - timedelta(days=3), 10, 5), close_note="同意，尽快启动拍卖程序。")
    order(picked[1], by=chief, court_id=court.pk, opened_days=2, due_days=-5, number=f"DB{year}{court.pk:03d}0002",
          text="该案涉及农民工工资，请优先办理，五日内报告执行方案。")
    order(picked[2], by=chief, court_id=court.pk, opened_days=12, due_days=2, number=f"DB{year}{court.pk:03d}0003",
          text="请说明长期未采取强制措施的原因及下一步计划。")
    made = 3
    if zy_chief is not None:
        mid = Court.objects.get(pk=zy_chief.court_id)
        from_mid = order(picked[3], by=zy_chief, court_id=mid.pk, opened_days=4, due_days=-6,
                         number=f"DB{year}{mid.pk:03d}0001", text="市中院督办：当事人向市中院信访，请十日内报告办理情况并抄报信访办。")
        petitions = list(picked[3].petitions.all()[:1])
        if petitions:
            from_mid.petitions.set(petitions)
        made += 1
    from .services import orders_escalate

    escalations = orders_escalate(today=today)

    # A week of duty: officer1 by day (08:00-20:00), officer3 by night (20:00-08:00).
    day_officer, night_officer = org.staff["officer1"], org.staff["officer3"]
    shifts = []
    for back in range(7, -1, -1):
        d = today - timedelta(days=back)
        shifts.append(DutyShift(court=court, officer=day_officer, starts_at=_at(d, 8), ends_at=_at(d, 20),
                                created_by=clerk))
        shifts.append(DutyShift(court=court, officer=night_officer, starts_at=_at(d, 20),
                                ends_at=_at(d + timedelta(days=1), 8), created_by=clerk))
    DutyShift.objects.bulk_create(shifts)
    tickets = []
    serial = 0
    for i in range(12):
        back = 6 - i // 2
        d = today - timedelta(days=back)
        hour = rng.choice([9, 10, 14, 16, 21, 22])
        dispatched = _at(d, hour, rng.randint(0, 50))
        if dispatched > now - timedelta(hours=4):
            continue
        kind, report, place = REPORTS[i % len(REPORTS)]
        minutes = 30 if kind == DispatchKind.URGENT_REPORT else 120
        due = dispatched + timedelta(minutes=minutes)
        slow = i == 5  # one confirmed only after the chief was alerted
        ack = due + timedelta(minutes=14) if slow else dispatched + timedelta(minutes=rng.randint(2, minutes - 5))
        officer = day_officer if 8 <= hour < 20 else night_officer
        case = picked[4 + i % 4]
        serial += 1
        tickets.append(DispatchTicket(
            court=court, number=f"ZH{year}{court.pk:03d}{serial:04d}", case=case, kind=kind, report=report,
            reporter_name=rng.choice(["张先生", "李女士", "申请人代理人", ""]), reporter_phone="",
            location=place, received_at=dispatched - timedelta(minutes=3), dispatched_to=officer,
            dispatched_by=clerk, dispatched_at=dispatched, response_due=due, status=TicketStatus.REPORTED,
            acknowledged_at=ack, reported_back_at=ack + timedelta(minutes=rng.randint(40, 150)),
            result=rng.choice(["到场未发现被执行人，已走访物业留存线索。", "车辆已扣押，拖至法院停车场。",
                               "已查封仓库内钢材一批，制作查封笔录。", "被执行人当场履行部分款项2万元。"]),
            escalated_at=due + timedelta(minutes=1) if slow else None))
    DispatchTicket.objects.bulk_create(tickets)

    held = today - timedelta(days=14)
    day = ReceptionDay.objects.create(court=court, held_on=held, chief=chief, place="诉讼服务中心局长接待室",
                                      created_by=clerk)
    visits = [
        ReceptionVisit(day=day, visitor_name="王桂芳", visitor_phone="13919380011", case=picked[0],
                       matter="反映案件执行两年未到位", promised="十日内答复财产处置进度", followup_due=held + timedelta(days=10),
                       responsible=picked[0].officer, followup_done_on=held + timedelta(days=8),
                       followup_note="已电话告知申请人商铺已委托评估，预计下月拍卖。", followup_by=picked[0].officer),
        ReceptionVisit(day=day, visitor_name="刘德明", case=picked[5], matter="要求对被执行人采取拘留措施",
                       promised="一周内约谈被执行人并书面答复", followup_due=held + timedelta(days=7),
                       responsible=picked[5].officer),
        ReceptionVisit(day=day, visitor_name="赵小红", visitor_phone="13609380022", matter="咨询如何申请执行",
                       promised="安排立案窗口指导提交材料", followup_due=today + timedelta(days=5),
                       responsible=org.staff["officer2"]),
    ]
    ReceptionVisit.objects.bulk_create(visits)
    return (f"{made} supervision orders ({escalations} escalations now), {len(shifts)} duty shifts, "
            f"{len(tickets)} dispatches, 1 reception day with {len(visits)} visits")
