"""Demo data: a realistic year of enforcement cases for the demo court, generated deterministically from a seed.

``seed(org, seed=..., cases=3500)`` receives ``cases`` cases over the last 365 days (plus the previous year's cases
still open at its start), and closes about 96 % of that number within the year, in the six modes, with the actions,
leads, petitions, settlements and closure requests a year of work leaves behind. Everything goes in with bulk
inserts; case numbers are taken from ``CaseNumberSequence`` so later registrations continue the series.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone, translation

from core.rules.calendar import add_months
from core.rules.case_numbers import format_case_number
from core.rules.identifiers import org_code_check_char, resident_id_check_char, uscc_check_char

from .actions import NETWORK_ASSET_TYPES
from .models import (
    Action, ActionKind, Assignment, Case, CaseEvent, CaseNumberSequence, CaseParty, ClosureMode, ClosureRequest,
    Lead, Party, Petition, Settlement, SettlementInstalment, Stage, SuspensionRequest, TermPause,
)
from .services.registration import account_reference_for
from .services.search import party_search_sync

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = ("建国 建华 志强 秀英 桂英 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂兰 玉兰 海燕 文 斌 鹏 辉 婷 华 红 梅 "
         "国平 晓东 春生 小红 永刚 丽娟 志明 玉珍 德胜 宝山 金花 卫东 亚军 天佑 海龙 淑珍 建军 小平").split()
PLACES = ["天水", "麦积", "秦州", "甘谷", "武山", "清水", "秦安", "张家川", "兰州", "陇南"]
TRADES = ["建材", "商贸", "建筑工程", "农业开发", "果业", "物流", "餐饮管理", "房地产开发", "机械制造", "汽车销售",
          "电子科技", "文化传媒", "装饰工程", "医药", "矿业"]
ROADS = ["桥南路", "马跑泉路", "渭滨北路", "商埠路", "花牛路", "社棠路", "甘泉路", "北道埠大街", "滨河路", "东团庄路"]
BANKS = ["中国农业银行股份有限公司天水分行", "甘肃银行股份有限公司天水分行", "天水农村商业银行股份有限公司",
         "中国工商银行股份有限公司天水分行", "甘肃天水麦积农村商业银行股份有限公司"]
CAUSES = ["民间借贷纠纷", "买卖合同纠纷", "金融借款合同纠纷", "劳务合同纠纷", "建设工程施工合同纠纷", "租赁合同纠纷",
          "机动车交通事故责任纠纷", "离婚后财产纠纷", "追索劳动报酬纠纷", "信用卡纠纷", "抚养费纠纷", "服务合同纠纷"]
ISSUERS = ["天水市麦积区人民法院", "天水市秦州区人民法院", "天水市中级人民法院", "天水仲裁委员会"]


def _person_id(rng: random.Random) -> tuple[str, date, str]:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 52))
    area = rng.choice(["620503", "620502", "620522", "620523", "620524", "620521", "620525"])
    seq = rng.randrange(0, 1000)
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17), birth, "M" if seq % 2 else "F"


def _uscc(rng: random.Random) -> str:
    org8 = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91620503" + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def _address(rng: random.Random) -> str:
    return f"甘肃省天水市{rng.choice(['麦积区', '秦州区', '甘谷县'])}{rng.choice(ROADS)}{rng.randint(1, 300)}号"


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"


@contextmanager
def _explicit_timestamps(*fields):
    """Let bulk inserts carry historic timestamps for fields that are ``auto_now_add`` (demo data only)."""
    saved = [(f, f.auto_now_add) for f in fields]
    try:
        for f, _v in saved:
            f.auto_now_add = False
        yield
    finally:
        for f, v in saved:
            f.auto_now_add = v


def _copy(model, objs: list) -> None:
    """Insert ``objs`` with PostgreSQL COPY (an order of magnitude faster than INSERT for tens of thousands of rows);
    primary keys are taken from the table's sequence first, so the objects can be referenced afterwards. Row
    triggers (the audit history) still fire."""
    if not objs:
        return
    table = model._meta.db_table
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [table, pk.column, len(objs)])
        for obj, (new_id,) in zip(objs, cursor.fetchall()):
            obj.pk = new_id
        fields = [f for f in model._meta.concrete_fields]
        for f in fields:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                for obj in objs:
                    if getattr(obj, f.attname) is None:
                        setattr(obj, f.attname, timezone.now())
        columns = ", ".join(f'"{f.column}"' for f in fields)
        with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])


# The case-number code of each issuing court (domain.md §1.2): a basic court's own, the intermediate court's 甘05.
ISSUER_CODES = {"天水市麦积区人民法院": "甘0503", "天水市秦州区人民法院": "甘0502", "天水市中级人民法院": "甘05"}


def _basis(kind: str, issuer: str, year: int, serial: int) -> dict:
    """The basis of enforcement as it would read: an arbitral award comes from the arbitration commission and carries
    its number; a court's instrument carries that court's code (an intermediate court's judgment is on appeal, 民终)."""
    if kind == "arbitral_award" or issuer not in ISSUER_CODES:
        if issuer in ISSUER_CODES:
            issuer = "天水仲裁委员会"
        if kind != "arbitral_award":
            kind = "arbitral_award"
        return {"basis_kind": kind, "basis_issuer": issuer,
                "basis_number": f"（{year}）天仲字第{serial}号"}
    code = ISSUER_CODES[issuer]
    step = "民终" if code == "甘05" and kind in ("judgment", "ruling") else "民初"
    if kind == "preservation_ruling":
        step = "财保" if code != "甘05" else "民终"
    return {"basis_kind": kind, "basis_issuer": issuer,
            "basis_number": f"（{year}）{code}{step}{serial}号"}


def _at(day: date, rng: random.Random) -> datetime:
    """A time in office hours on ``day``, never later than now."""
    return min(timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)))),
               timezone.now())


def seed(org, *, seed: int, cases: int) -> str:
    # The timeline is stored as text: write it in the court's language.
    with translation.override("zh-hans"), transaction.atomic():
        return _seed(org, seed=seed, cases=cases)


def _seed(org, *, seed: int, cases: int) -> str:
    court = org.court
    if Case.objects.filter(court=court).exists():
        return "already seeded"
    if cases <= 0:
        return "no cases requested"
    rng = random.Random(seed)
    today = timezone.localdate()
    year_start = today - timedelta(days=364)
    officers = [u for u in org.staff.values() if u.court_id == court.pk and u.has_role("officer")]
    team_of = {}
    for u in officers:
        ids = list(u.teams.values_list("pk", flat=True))
        team_of[u.pk] = ids[0] if ids else None
    clerks = [u for u in org.staff.values() if u.court_id == court.pk and u.has_role("clerk")] or officers
    chief = org.staff.get("chief") or officers[0]

    # --- Parties: a pool of people and companies, one record per identifier -----------------------------------
    n_people, n_companies = int(cases * 1.1) + 50, cases // 4 + 30
    people, seen = [], set(Party.objects.values_list("id_number", flat=True))
    while len(people) < n_people:
        number, birth, sex = _person_id(rng)
        if number in seen:
            continue
        seen.add(number)
        people.append(Party(kind="person", name=rng.choice(SURNAMES) + rng.choice(GIVEN), id_kind="resident_id",
                            id_number=number, sex=sex, birth_date=birth, phones=[_phone(rng)],
                            address=_address(rng)))
    companies = []
    while len(companies) < n_companies:
        number = _uscc(rng)
        if number in seen:
            continue
        seen.add(number)
        companies.append(Party(kind="legal_person", id_kind="uscc", id_number=number,
                               name=f"{rng.choice(PLACES)}{rng.choice(SURNAMES)}{rng.choice(['氏', '源', '盛', '恒', '达', '鑫'])}"
                                    f"{rng.choice(TRADES)}有限公司",
                               legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN),
                               phones=[_phone(rng)], address=_address(rng)))
    banks = []
    for name in BANKS:
        number = _uscc(rng)
        banks.append(Party(kind="legal_person", id_kind="uscc", id_number=number, name=name, address=_address(rng)))
    _copy(Party, people + companies + banks)

    # --- Cases: this year's receipts plus last year's carry-over ----------------------------------------------
    carry = cases * 3 // 10
    plans = []
    for i in range(cases + carry):
        if i < cases:
            received = year_start + timedelta(days=rng.randrange(0, 362))
        else:
            received = year_start - timedelta(days=rng.randrange(1, 150))
        r = rng.random()
        case_type = "执" if r < 0.84 else "执恢" if r < 0.90 else "执保" if r < 0.97 else "执异"
        plans.append({"received": received, "type": case_type})
    plans.sort(key=lambda p: (p["received"], p["type"]))

    serials: dict[tuple[int, str], int] = {
        (y, t): last for y, t, last in CaseNumberSequence.objects.filter(court=court).values_list(
            "year", "case_type", "last_serial")}
    case_objs = []
    for p in plans:
        key = (p["received"].year, p["type"])
        serials[key] = serials.get(key, 0) + 1
        serial = serials[key]
        filed = min(p["received"] + timedelta(days=rng.choice([0, 1, 1, 2, 3, 5, 7])), today)
        officer = rng.choice(officers)
        principal = Decimal(rng.choice([3000, 8000, 15000, 30000, 50000, 80000, 120000, 200000, 450000, 1200000])
                            * rng.uniform(0.5, 1.5)).quantize(Decimal("1"))
        interest = (principal * Decimal(rng.choice(["0", "0", "0.04", "0.08"]))).quantize(Decimal("0.01"))
        costs = (principal * Decimal("0.02") + 50).quantize(Decimal("0.01"))
        if p["type"] == "执保":
            principal = interest = costs = Decimal("0.00")
        total = principal + interest + costs
        effective = p["received"] - timedelta(days=rng.randint(20, 400))
        p.update(filed=filed, officer=officer, total=total)
        kind = "preservation_ruling" if p["type"] == "执保" else rng.choice(
            ["judgment", "judgment", "mediation", "ruling", "arbitral_award", "payment_order"])
        issuer, cause = rng.choice(ISSUERS), rng.choice(CAUSES)
        basis = _basis(kind, issuer, effective.year, rng.randint(100, 4999))
        case_objs.append(Case(
            court=court, year=key[0], case_type=p["type"], serial=serial,
            number=format_case_number(year=key[0], court_code=court.code, type_code=p["type"], serial=serial),
            account_reference=account_reference_for(court=court, year=key[0], case_type=p["type"], serial=serial),
            received_on=p["received"], filed_on=filed, **basis, cause=cause,
            basis_effective_on=effective, basis_due_on=effective + timedelta(days=15),
            principal=principal, interest_awarded=interest, litigation_costs=costs, amount_claimed=total,
            stream="complex" if total >= 500000 else "simple", team_id=team_of[officer.pk], officer=officer,
            created_by=rng.choice(clerks), tags=["涉民生"] if rng.random() < 0.08 else [],
        ))
    for (y, t), last in serials.items():
        CaseNumberSequence.objects.update_or_create(court=court, year=y, case_type=t,
                                                    defaults={"last_serial": last})

    # Decide each case's fate before inserting, so the row is consistent with its closure.
    mode_weights = [(ClosureMode.FULFILLED, 40), (ClosureMode.TERMINATED_ROUND, 38), (ClosureMode.TERMINATED, 15),
                    (ClosureMode.WITHDRAWN, 3), (ClosureMode.REFUSED, 2), (ClosureMode.REJECTED, 2)]
    modes, weights = zip(*mode_weights)
    target_closed = round(cases * 0.957)
    closed_count = 0
    for p, c in zip(plans, case_objs):
        age = (today - c.filed_on).days
        if c.case_type == "执保":
            mode, duration = ClosureMode.FULFILLED, rng.randint(3, 20)
        elif c.case_type == "执异":
            mode, duration = ClosureMode.REVIEW_DECIDED, rng.randint(10, 30)
        else:
            mode = rng.choices(modes, weights)[0]
            duration = {ClosureMode.FULFILLED: rng.randint(5, 75), ClosureMode.TERMINATED_ROUND: rng.randint(92, 140)}\
                .get(mode, rng.randint(10, 60))
        closes_on = c.filed_on + timedelta(days=duration)
        if closes_on < today and (closed_count < target_closed or closes_on < year_start):
            c.stage, c.closure_mode, c.closed_on = Stage.CLOSED, mode, closes_on
            if closes_on >= year_start:
                closed_count += 1
            if mode == ClosureMode.FULFILLED:
                c.amount_recovered = c.amount_claimed
            elif mode == ClosureMode.TERMINATED_ROUND:
                c.amount_recovered = (c.amount_claimed * Decimal(rng.choice(["0", "0", "0.1", "0.3"]))).quantize(
                    Decimal("0.01"))
            # Archived within the 60 days after closure (one in twelve is late; the recent ones are still pending).
            archive_on = closes_on + timedelta(days=rng.randint(10, 55))
            if archive_on <= today and rng.random() < 0.92:
                c.stage, c.archived_on = Stage.ARCHIVED, archive_on
        else:
            c.stage = rng.choice([Stage.NOTICE, Stage.INVESTIGATION, Stage.INVESTIGATION, Stage.CONTROL,
                                  Stage.DISPOSAL, Stage.PAYOUT, Stage.SUSPENDED]) if age > 5 else Stage.REGISTERED
            if c.stage == Stage.SUSPENDED:
                c.resume_stage = Stage.INVESTIGATION
        p["age"] = age
    with _explicit_timestamps(Case._meta.get_field("created_at")):
        for c in case_objs:
            c.created_at = _at(c.filed_on, rng)
        _copy(Case, case_objs)

    # --- Parties on cases, assignments ------------------------------------------------------------------------
    links, assignments, pauses = [], [], []
    respondents_of: dict[int, list[CaseParty]] = {}
    for c in case_objs:
        applicant = rng.choice(banks) if rng.random() < 0.2 else rng.choice(people if rng.random() < 0.7
                                                                               else companies)
        links.append(CaseParty(case=c, party=applicant, role="applicant", position=1, phone=(applicant.phones or [""])[0],
                               service_address=applicant.address))
        resp = []
        for pos in range(1, rng.choice([2, 2, 2, 2, 3, 3, 4])):
            party = rng.choice(people if rng.random() < 0.75 else companies)
            if party is applicant or any(r.party is party for r in resp):
                continue
            cp = CaseParty(case=c, party=party, role="respondent", position=pos, phone=(party.phones or [""])[0],
                           service_address=party.address)
            resp.append(cp)
        links.extend(resp)
        respondents_of[c.pk] = resp
        assignments.append(Assignment(case=c, team_id=c.team_id, officer=c.officer, assigned_by=c.created_by,
                                      started_at=_at(c.filed_on, rng), reason="立案分案"))
        if c.stage == Stage.SUSPENDED:
            pauses.append(TermPause(case=c, kind="suspension", started_on=min(c.filed_on + timedelta(days=20), today),
                                    reason="申请执行人同意暂缓执行", created_by=c.officer))
    _copy(Assignment, assignments)
    TermPause.objects.bulk_create(pauses)
    # Each suspended case was suspended on the chief's approval of the officer's 中止 request (cases.services.
    # suspensions), the day the pause started.
    with _explicit_timestamps(SuspensionRequest._meta.get_field("requested_at")):
        SuspensionRequest.objects.bulk_create([SuspensionRequest(
            case=p.case, ground="applicant_agrees", reason=p.reason, proposal="建议中止执行", status="approved",
            requested_by=p.created_by, requested_at=_at(p.started_on, rng) - timedelta(hours=rng.randint(20, 60)),
            decided_by=chief if chief.pk != p.created_by.pk else None, decided_at=_at(p.started_on, rng), pause=p)
            for p in pauses])

    # --- Actions, leads, petitions, settlements, closures, timeline ---------------------------------------------
    actions, events, leads, petitions, closures = [], [], [], [], []
    settlements: list[tuple[Settlement, list[SettlementInstalment]]] = []

    def act(c, kind, day, details, summary):
        # Between filing and the closure request (or today): nothing is done before a case is filed, in the future,
        # or after the request to close it.
        day = min(max(day, c.filed_on), last_day[c.pk])
        actions.append(Action(case=c, kind=kind, occurred_on=day, actor=c.officer, details=details, summary=summary,
                              created_at=_at(day, rng)))
        events.append(CaseEvent(case=c, type="action_logged", actor=c.officer, at=_at(day, rng),
                                summary=f"{ActionKind(kind).label}: {summary}", parameters={"kind": kind}))

    last_day: dict[int, date] = {}
    for c in case_objs:
        # A closed case's closure was requested 0-3 days before it was approved (never before filing); the work
        # recorded on it comes before that request.
        requested_on = max(c.filed_on, c.closed_on - timedelta(days=rng.randint(0, 3))) if c.closed_on else None
        end = last_day[c.pk] = requested_on or today
        events.append(CaseEvent(case=c, type="case_registered", actor=c.created_by, at=_at(c.filed_on, rng),
                                summary=f"案件{c.number}立案", parameters={}))
        events.append(CaseEvent(case=c, type="case_assigned", actor=c.created_by, at=_at(c.filed_on, rng),
                                summary=f"分配给 {c.officer}", parameters={"officer_id": c.officer_id}))
        if c.case_type == "执异" or (end - c.filed_on).days < 2:
            pass
        else:
            resp = respondents_of[c.pk]
            names = "、".join(r.party.name for r in resp)
            act(c, "notice_served", c.filed_on + timedelta(days=rng.randint(1, 5)),
                {"documents": ["enforcement_notice", "asset_report_order", "risk_notice"], "method":
                 rng.choice(["direct", "post", "electronic"]), "recipient": names, "served_on":
                 str(min(c.filed_on + timedelta(days=3), end))}, f"向{names}送达执行通知书、报告财产令")
            results = {k: ("found" if rng.random() < 0.15 else "none") for k, _l in NETWORK_ASSET_TYPES}
            act(c, "network_query", c.filed_on + timedelta(days=rng.randint(2, 8)),
                {"system": "national", "subject": names, "note": "", "results": results},
                f"总对总查询{names}：{'发现财产' if 'found' in results.values() else '未发现可供执行财产'}")
            if c.closure_mode == ClosureMode.TERMINATED_ROUND or rng.random() < 0.3:
                act(c, "onsite_investigation", c.filed_on + timedelta(days=rng.randint(15, 60)),
                    {"place": resp[0].service_address if resp else "", "findings": "未发现可供执行财产",
                     "whereabouts_unknown": False, "obstruction": False}, f"赴{resp[0].service_address}现场调查"
                    if resp else "现场调查")
            if c.closure_mode == ClosureMode.TERMINATED_ROUND or (c.is_open and rng.random() < 0.5):
                day = min(c.filed_on + timedelta(days=rng.randint(12, 40)), end)
                act(c, "consumption_restriction", day, {"party_ids": [], "measure": "impose", "order_number": ""},
                    f"对{names}限制消费")
                for r in resp:
                    r.restricted_on = day
                if rng.random() < 0.6:
                    act(c, "dishonest_listing", day, {"party_ids": [], "measure": "list", "ground": "able_but_refuses"},
                        f"将{names}纳入失信被执行人名单")
                    for r in resp:
                        r.dishonest_listed_on, r.dishonest_ground = day, "1"
            if c.closure_mode == ClosureMode.TERMINATED_ROUND:
                day = end - timedelta(days=rng.randint(0, 8))
                act(c, "network_query", day - timedelta(days=5),
                    {"system": "national", "subject": names, "note": "", "results": {k: "none" for k, _l in
                                                                                     NETWORK_ASSET_TYPES}},
                    f"总对总查询{names}：未发现可供执行财产")
                act(c, "applicant_interview", day, {"applicant": "申请执行人", "informed_of_closure": True,
                                                    "applicant_view": "同意终结本次执行程序"}, "终本约谈申请执行人")
            if rng.random() < 0.12:
                act(c, "freeze", c.filed_on + timedelta(days=rng.randint(5, 30)),
                    {"asset": "银行存款", "amount": f"{c.amount_claimed:.2f}", "ruling_number": "",
                     "assisting_body": rng.choice(BANKS)}, "冻结被执行人银行存款")
            if rng.random() < 0.03:
                act(c, "judicial_detention", c.filed_on + timedelta(days=rng.randint(20, 80)),
                    {"person": resp[0].party.name if resp else "", "days": rng.choice([5, 10, 15]),
                     "decision_number": f"（{c.year}）甘0503司惩{rng.randint(1, 200)}号", "ground": "拒不履行"},
                    "司法拘留")
        if rng.random() < 0.15 and c.case_type != "执异":
            received = _at(c.filed_on + timedelta(days=rng.randint(3, 60)), rng)
            if received.date() <= end:
                urgent = rng.random() < 0.2
                handled = received + timedelta(days=rng.randint(1, 9)) if (c.closed_on or rng.random() < 0.8) \
                    else None
                if handled and handled.date() > end:
                    handled = _at(end, rng) if c.closed_on else None
                    if handled and handled < received:
                        handled = received + timedelta(hours=2)
                leads.append(Lead(case=c, received_at=received, urgent=urgent, source="contact_card",
                                  description=rng.choice(["被执行人名下有一辆小型轿车", "被执行人在工地务工，有工资收入",
                                                          "被执行人在秦州区有商铺出租", "被执行人近期转让房产"]),
                                  officer=c.officer, due_at=received + timedelta(days=3 if urgent else 7),
                                  handled_at=handled, result="已核查，" + rng.choice(["未发现财产", "已查封", "已冻结"])
                                  if handled else "", created_by=c.created_by))
        if rng.random() < 0.05:
            received = min(c.filed_on + timedelta(days=rng.randint(30, 120)), end)
            answered = received + timedelta(days=rng.randint(3, 14))
            answered = answered if answered <= end and rng.random() < 0.85 else None
            if c.closed_on and answered is None:  # a closed case's petitions were answered before it closed
                answered = end
            petitions.append(Petition(case=c, kind=rng.choice(["petition", "complaint"]), petitioner="申请执行人",
                                      received_on=received, due_on=received + timedelta(days=15),
                                      content="申请执行人反映案件执行进度缓慢，要求加大执行力度", assigned_to=c.officer,
                                      answered_on=answered, reply="已向申请人释明执行进展及财产查控情况" if answered else "",
                                      answered_by=c.officer if answered else None, created_by=c.created_by))
        if c.closure_mode == ClosureMode.FULFILLED and c.case_type == "执" and rng.random() < 0.2:
            signed = c.filed_on + timedelta(days=max(1, (c.closed_on - c.filed_on).days // 3))
            n = rng.choice([2, 3, 4])
            amount = (c.amount_claimed / n).quantize(Decimal("0.01"))
            amounts = [amount] * (n - 1) + [c.amount_claimed - amount * (n - 1)]
            s = Settlement(case=c, signed_on=signed, terms=f"被执行人分{n}期履行全部款项", total_amount=c.amount_claimed,
                           status="performed", created_by=c.officer)
            span = max(1, (c.closed_on - signed).days)
            inst = [SettlementInstalment(number=i + 1, due_on=signed + timedelta(days=span * (i + 1) // n),
                                         amount=a, paid_on=signed + timedelta(days=span * (i + 1) // n), paid_amount=a)
                    for i, a in enumerate(amounts) if a > 0]
            settlements.append((s, inst))
        if c.closed_on:
            requested = _at(requested_on, rng)
            closures.append(ClosureRequest(case=c, mode=c.closure_mode, status="approved",
                                           ground={"terminated": "applicant_withdrew", "withdrawn": "jurisdiction_upheld",
                                                   "refused": "limitation_upheld",
                                                   "rejected": "filing_conditions_unmet",
                                                   "review_decided": "rejected"}.get(c.closure_mode, ""),
                                           requested_by=c.officer, requested_at=requested,
                                           decided_by=chief if c.closure_mode != "fulfilled" else c.officer,
                                           decided_at=max(_at(c.closed_on, rng), requested + timedelta(hours=1)),
                                           reason="符合结案条件", checklist=[]))
            events.append(CaseEvent(case=c, type="closure_approved", actor=chief, at=closures[-1].decided_at,
                                    summary=f"结案：{ClosureMode(c.closure_mode).label}",
                                    parameters={"mode": c.closure_mode}))
            if c.closure_mode == ClosureMode.TERMINATED_ROUND:
                _zb_queries(c, today, rng, actions, events)
        elif c.stage in (Stage.INVESTIGATION, Stage.CONTROL) and p_age(c, today) > 100 and rng.random() < 0.25:
            closures.append(ClosureRequest(case=c, mode="terminated", ground="applicant_withdrew", status="pending",
                                           requested_by=c.officer, requested_at=_at(today - timedelta(days=1), rng),
                                           reason="申请执行人撤回执行申请", checklist=[]))
    with _explicit_timestamps(Action._meta.get_field("created_at"), CaseEvent._meta.get_field("at"),
                              ClosureRequest._meta.get_field("requested_at"),
                              Settlement._meta.get_field("created_at")):
        for model, objs in ((Action, actions), (CaseEvent, events), (Lead, leads), (Petition, petitions),
                            (ClosureRequest, closures)):
            _copy(model, objs)
        for s, _inst in settlements:
            s.created_at = _at(s.signed_on, rng)
        Settlement.objects.bulk_create([s for s, _i in settlements])
    for s, inst in settlements:
        for i in inst:
            i.settlement = s
    SettlementInstalment.objects.bulk_create([i for _s, inst in settlements for i in inst], batch_size=2000)
    _copy(CaseParty, links)
    party_search_sync(case_ids=[c.pk for c in case_objs])  # the party-name search table
    # Fill party ids into the status measures now that the links have primary keys.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE cases_action a SET details = jsonb_set(a.details, '{party_ids}', sub.ids)
            FROM (SELECT case_id, jsonb_agg(id ORDER BY position) AS ids FROM cases_caseparty
                  WHERE role = 'respondent' GROUP BY case_id) sub
            WHERE a.case_id = sub.case_id AND a.kind IN ('consumption_restriction', 'dishonest_listing')
              AND a.case_id IN (SELECT id FROM cases_case WHERE court_id = %s)
            """,
            [court.pk],
        )
    received_in_year = sum(1 for c in case_objs if c.received_on >= year_start)
    closed_in_year = sum(1 for c in case_objs if c.closed_on and c.closed_on >= year_start)
    return (f"{received_in_year} cases received and {closed_in_year} closed in the year to {today} "
            f"(+{carry} carried over), {len(actions)} actions, {len(leads)} leads, {len(petitions)} petitions, "
            f"{len(settlements)} settlements, {len(closures)} closure requests")


def _zb_queries(c: Case, today: date, rng: random.Random, actions: list, events: list) -> None:
    """After 终本 the officer queries the debtor's assets every six months (ZB-9): most periods already over have
    their query, logged some weeks before the period ends; a few are missed (the overdue work the chief follows)."""
    k = 1
    while True:
        period_end = add_months(c.closed_on, 6 * k)
        if period_end > today + timedelta(days=30):
            break
        if rng.random() < 0.88:
            day = period_end - timedelta(days=rng.randint(3, 40))
            if c.closed_on < day <= today:
                summary = "终本后定期查询：未发现可供执行财产"
                actions.append(Action(case=c, kind="network_query", occurred_on=day, actor=c.officer,
                                      details={"system": "national", "subject": "", "note": "",
                                               "results": {key: "none" for key, _l in NETWORK_ASSET_TYPES}},
                                      summary=summary, created_at=_at(day, rng)))
                events.append(CaseEvent(case=c, type="action_logged", actor=c.officer, at=_at(day, rng),
                                        summary=f"{ActionKind('network_query').label}: {summary}",
                                        parameters={"kind": "network_query"}))
        k += 1


def p_age(case: Case, today: date) -> int:
    return (today - case.filed_on).days
