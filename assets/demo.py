"""Demo data for the assets app: assets, control measures (some about to expire), auctions, receipts and payouts for
the demo year's cases. Deterministic (random.Random(seed)), idempotent (nothing happens if the court already has
assets or ledger entries), bulk inserts only. Runs after cases.demo and uses the cases it made."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.demo import _explicit_timestamps
from cases.models import Case, CaseParty, ClosureMode, PartyRole
from core.rules.periods import control_expiry

from .models import (
    RULE_KIND,
    Asset,
    AssetKind,
    AuctionRound,
    ControlMeasure,
    ControlRenewal,
    ControlStatus,
    Disposal,
    Handover,
    HandoverStatus,
    DisposalStatus,
    EntryKind,
    LedgerEntry,
    Payout,
    PayoutKind,
    PayoutStatus,
    ReferenceMethod,
    ReleaseGround,
    RoundResult,
)

BANKS = ["中国工商银行天水麦积支行", "中国农业银行天水分行", "中国建设银行天水分行", "甘肃银行天水分行", "天水农村商业银行麦积支行",
         "中国邮政储蓄银行天水市分行"]
STREETS = ["桥南路", "马跑泉路", "商埠路", "渭滨南路", "龙园路", "花牛路", "埠南路", "罗家沟路"]
CARS = [("大众帕萨特", 85000), ("丰田卡罗拉", 60000), ("长城哈弗H6", 70000), ("五菱宏光", 25000), ("东风重卡", 180000),
        ("比亚迪秦", 75000)]
EMPLOYERS = ["天水长城电工有限公司", "天水华天科技有限公司", "麦积区某物流有限公司", "天水星火机床有限责任公司"]
PAYERS_FIELD = "执行干警现场收取"


def _at(day: date, rng: random.Random, hours: tuple[int, int] = (8, 17)) -> datetime:
    """A time in office hours on ``day``, never later than now."""
    at = timezone.make_aware(datetime.combine(day, time(rng.randint(*hours), rng.randint(0, 59))))
    return min(at, timezone.now())


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high) * 100) / 100


def _identifiers(rng: random.Random, kind: str, respondent) -> dict:
    street = rng.choice(STREETS)
    if kind == AssetKind.BANK_DEPOSIT:
        return {"description": "银行存款", "bank_name": rng.choice(BANKS),
                "account_number": f"62{rng.randint(10**15, 10**16 - 1)}", "estimated_value": _money(rng, 2000, 400000)}
    if kind == AssetKind.REAL_ESTATE:
        no = rng.randint(1, 40)
        return {"description": f"麦积区{street}{no}号{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室",
                "certificate_number": f"甘（20{rng.randint(12, 24)}）麦积区不动产权第{rng.randint(10**6, 10**7 - 1):07d}号",
                "location": f"甘肃省天水市麦积区{street}{no}号", "estimated_value": _money(rng, 300000, 1600000)}
    if kind == AssetKind.VEHICLE:
        car, value = rng.choice(CARS)
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        return {"description": f"小型汽车 {car}", "plate_number": f"甘E·{rng.choice(letters)}{rng.randint(1000, 9999)}",
                "location": "天水市麦积区", "estimated_value": Decimal(value)}
    if kind == AssetKind.EQUITY:
        return {"description": "公司股权", "company_name": f"天水{rng.choice(['恒通', '瑞丰', '陇原', '秦岭'])}商贸有限公司",
                "share": f"{rng.choice([10, 20, 30, 40, 51])}%", "estimated_value": _money(rng, 50000, 900000)}
    if kind == AssetKind.WAGE_INCOME:
        return {"description": "工资收入", "company_name": rng.choice(EMPLOYERS),
                "estimated_value": _money(rng, 3000, 9000)}
    return {"description": rng.choice(["挖掘机一台", "库存钢材一批", "办公设备一批"]),
            "location": f"天水市麦积区{street}", "estimated_value": _money(rng, 20000, 300000)}


@transaction.atomic
def seed(org, *, seed: int, cases: int) -> str:
    court = org.court
    if Asset.objects.filter(case__court=court).exists() or LedgerEntry.objects.filter(court=court).exists():
        return "already seeded"
    rng = random.Random(seed + 4)
    today = timezone.localdate()
    demo_cases = list(Case.objects.filter(court=court, principal__gt=0).order_by("id"))
    if not demo_cases:
        return "no cases to add assets to"
    parties = {}
    for cp in CaseParty.objects.filter(case__in=demo_cases).order_by("case_id", "role", "position"):
        parties.setdefault((cp.case_id, cp.role), cp)
    staff, teams = org.staff, org.teams
    control_team = teams.get("财产查控组")
    disposal_team = teams.get("财产处置组")
    controller = staff.get("officer5") or next(iter(staff.values()))
    disposer = staff.get("officer7") or controller
    finance = staff.get("finance1") or controller

    # 1. Assets, most under control; one in six is a preservation measure carried over from the trial, expiring soon.
    assets, asset_meta = [], []
    kinds = [AssetKind.BANK_DEPOSIT] * 4 + [AssetKind.REAL_ESTATE] * 2 + [AssetKind.VEHICLE] * 2 + [
        AssetKind.EQUITY, AssetKind.WAGE_INCOME, AssetKind.MOVABLE]
    for case in demo_cases:
        respondent = parties.get((case.pk, PartyRole.RESPONDENT))
        if respondent is None or rng.random() < 0.35:
            continue
        for _i in range(rng.choice([1, 1, 2, 3])):
            kind = rng.choice(kinds)
            data = _identifiers(rng, kind, respondent)
            assets.append(Asset(case=case, owner=respondent, kind=kind, source=rng.choice(
                ["network_query", "network_query", "lead", "investigation", "debtor_report"]),
                created_by=controller, **data))
            asset_meta.append(case)
    Asset.objects.bulk_create(assets, batch_size=1000)

    controls, by_asset, renewal_rows = [], {}, []
    for n, (asset, case) in enumerate(zip(assets, asset_meta, strict=True)):
        if rng.random() < 0.2:
            continue
        rule_kind = RULE_KIND[AssetKind(asset.kind)]
        measure = {"bank_deposit": "freeze", "wage_income": "freeze", "equity": "freeze", "real_estate": "seizure",
                   "vehicle": rng.choice(["seizure", "detention"]), "movable": "seizure"}[asset.kind]
        preservation = n % 6 == 0
        renewals = []
        released_on = ground = None
        if preservation:  # ordered during the trial; expires within the next two months
            expiry = today + timedelta(days=rng.randint(5, 60))
            start = expiry
            while control_expiry(kind=rule_kind, start=start) > expiry:
                start -= timedelta(days=1)
            expires = control_expiry(kind=rule_kind, start=start)
            status = ControlStatus.ACTIVE
        else:
            # Ordered after filing, before the case closed and not in the future.
            start = min(case.filed_on + timedelta(days=rng.randint(1, 40)), case.closed_on or today, today)
            expires = control_expiry(kind=rule_kind, start=start)
            status = ControlStatus.ACTIVE
            if case.closed_on and case.closure_mode != ClosureMode.TERMINATED_ROUND and case.closed_on <= expires:
                # Lifted when the case closed (paid, withdrawn, ...); under 终本 the measures stay in force.
                status, released_on = ControlStatus.RELEASED, case.closed_on
                ground = ReleaseGround.DEBT_PAID if case.closure_mode == ClosureMode.FULFILLED else \
                    ReleaseGround.WITHDRAWN
            else:
                # Still needed at expiry: renewed some days before (SEIZE art 27); one in thirty was let lapse.
                while expires < today:
                    renewed_on = expires - timedelta(days=rng.randint(5, 20))
                    if rng.random() < 0.03 or renewed_on < start:
                        status = ControlStatus.LAPSED
                        break
                    new_expiry = control_expiry(kind=rule_kind, start=expires + timedelta(days=1))
                    renewals.append(ControlRenewal(renewed_on=renewed_on, ruling_number=f"{case.number}之一（续）",
                                                   previous_expiry=expires, new_expiry=new_expiry,
                                                   renewed_by=controller))
                    expires = new_expiry
        bank = asset.bank_name or {"real_estate": "天水市麦积区不动产登记中心", "vehicle": "天水市公安局交通警察支队车辆管理所",
                                   "equity": "天水市市场监督管理局"}.get(asset.kind, "天水市麦积区人民法院")
        control = ControlMeasure(
            asset=asset, case=case, court=court, kind=measure, preservation=preservation, ordered_on=start,
            ruling_number=f"{case.number}之一", assisting_body=bank, queue_rank=1, status=status,
            effective_on=start, expires_on=expires, lapsed_on=expires + timedelta(days=1)
            if status == ControlStatus.LAPSED else None, team=control_team or case.team, controlled_by=controller,
            case_team_id=case.team_id, case_officer_id=case.officer_id, renewals=len(renewals),
            released_on=released_on, release_ground=ground or "", released_by=controller if released_on else None)
        controls.append(control)
        renewal_rows.append((control, renewals))
        by_asset[asset.pk] = control
        if asset.kind == AssetKind.REAL_ESTATE and rng.random() < 0.3:  # another court's creditor queues behind
            controls.append(ControlMeasure(
                asset=asset, case=case, court=court, kind="seizure",
                ordered_on=min(max(start, case.filed_on) + timedelta(days=20), case.closed_on or today, today),
                ruling_number=f"{case.number}之二", assisting_body=bank, queue_rank=2,
                status=ControlStatus.QUEUED if status == ControlStatus.ACTIVE else ControlStatus.RELEASED,
                released_on=released_on, release_ground=ground or "", team=control_team or case.team, controlled_by=controller,
                case_team_id=case.team_id, case_officer_id=case.officer_id))
    with _explicit_timestamps(ControlMeasure._meta.get_field("created_at"),
                              ControlRenewal._meta.get_field("created_at")):
        for c in controls:
            c.created_at = _at(c.ordered_on, rng)
        ControlMeasure.objects.bulk_create(controls, batch_size=1000)
        for control, renewals in renewal_rows:
            for r in renewals:
                r.control, r.created_at = control, _at(r.renewed_on, rng)
        ControlRenewal.objects.bulk_create([r for _c, rs in renewal_rows for r in rs], batch_size=1000)

    # 2. Disposals of property seized in open cases: the reference price is asked for within 30 days of the seizure
    # (REFPRICE art 1; a few are late), then appraisal, first auction failed, second sold (or pending).
    disposals, rounds, sold = [], [], []
    for asset in assets:
        control = by_asset.get(asset.pk)
        if (control is None or control.status != ControlStatus.ACTIVE or control.preservation or disposal_team is None
                or control.kind not in ("seizure", "detention") or asset.case.closed_on
                or asset.case.team_id == disposal_team.pk  # a team never hands a case over to itself
                or rng.random() < 0.06):
            continue
        requested = control.effective_on + timedelta(days=rng.randint(5, 25) if rng.random() < 0.95 else 40)
        if requested > today:
            continue
        report = requested + timedelta(days=rng.randint(10, 28))
        if report + timedelta(days=70) > today:  # the appraisal (or the first auction) is still under way
            disposals.append(Disposal(asset=asset, case=asset.case, court=court, team=disposal_team,
                                      reference_method=ReferenceMethod.APPRAISAL, reference_requested_on=requested,
                                      reference_due_on=requested + timedelta(days=30), started_by=disposer,
                                      status=DisposalStatus.PRICING))
            continue
        price = (asset.estimated_value * Decimal(rng.choice(["0.9", "1.0", "1.05"]))).quantize(Decimal("1"))
        d = Disposal(asset=asset, case=asset.case, court=court, team=disposal_team,
                     reference_method=ReferenceMethod.APPRAISAL,
                     reference_requested_on=requested, reference_due_on=requested + timedelta(days=30),
                     reference_price=price, reference_report_on=report,
                     reference_valid_until=date(report.year + 1, report.month, min(report.day, 28)),
                     started_by=disposer, status=DisposalStatus.AUCTION)
        notice1 = report + timedelta(days=5)
        first = (price * Decimal("0.7")).quantize(Decimal("1"))
        auction1 = notice1 + timedelta(days=30 if asset.kind == AssetKind.REAL_ESTATE else 15)
        second = (first * Decimal("0.8")).quantize(Decimal("1")) + 1
        notice2 = auction1 + timedelta(days=2)
        auction2 = notice2 + timedelta(days=15 if asset.kind == AssetKind.REAL_ESTATE else 7)
        r1 = AuctionRound(disposal=d, round_no=1, platform="人民法院诉讼资产网", notice_on=notice1, auction_on=auction1,
                          opening_price=first, deposit=(first * Decimal("0.1")).quantize(Decimal("1")),
                          result=RoundResult.FAILED, ended_on=auction1, created_by=disposer)
        r2 = AuctionRound(disposal=d, round_no=2, platform="人民法院诉讼资产网", notice_on=notice2, auction_on=auction2,
                          opening_price=second, deposit=(second * Decimal("0.1")).quantize(Decimal("1")),
                          created_by=disposer)
        if auction2 <= today - timedelta(days=3) and rng.random() < 0.7:
            r2.result, r2.ended_on = RoundResult.SOLD, auction2
            r2.hammer_price = second + rng.randint(0, 20) * 1000
            d.status, d.final_price, d.buyer = DisposalStatus.SOLD, r2.hammer_price, rng.choice(
                ["李建华", "王芳", "天水陇原置业有限公司", "张志勇"])
            d.concluded_on, d.concluded_by = auction2, disposer
            sold.append(d)
        disposals.append(d)
        rounds.extend([r1, r2])
    # Each disposal follows an approved handover (移交处置) from the case's team to the disposal team, asked for and
    # approved in the days before the reference price was requested.
    chief = staff.get("chief") or controller
    handed = disposals
    handovers = []
    for d in handed:
        asked = _at(max(d.case.filed_on, d.reference_requested_on - timedelta(days=rng.randint(2, 6))), rng)
        handovers.append(Handover(case=d.case, court=court, from_team_id=d.case.team_id, to_team=disposal_team,
                                  reason="分段集约：移交财产处置组", status=HandoverStatus.APPROVED,
                                  requested_by_id=d.case.officer_id, decided_by=chief, requested_at=asked,
                                  decided_at=asked + timedelta(hours=rng.randint(1, 30))))
    with _explicit_timestamps(Handover._meta.get_field("requested_at"), Disposal._meta.get_field("created_at")):
        Handover.objects.bulk_create(handovers)
        Handover.assets.through.objects.bulk_create([Handover.assets.through(handover_id=h.pk, asset_id=d.asset_id)
                                                     for h, d in zip(handovers, handed)])
        for h, d in zip(handovers, handed):
            d.handover = h
        for d in disposals:
            d.created_at = _at(d.reference_requested_on, rng)
        Disposal.objects.bulk_create(disposals)
    for r in rounds:
        r.disposal_id = r.disposal.pk
    AuctionRound.objects.bulk_create(rounds)

    # 3. Receipts: debtor payments, bank deductions of frozen deposits, auction proceeds, all between the case's
    # filing and its closure (or today); then payouts.
    receipts, recovered = [], {}
    payout_days = 30
    for d in sold:
        on = min(d.concluded_on + timedelta(days=rng.randint(3, 10)), today)
        receipts.append(LedgerEntry(case=d.case, court=court, kind=EntryKind.AUCTION_PROCEEDS, amount=d.final_price,
                                    signed_amount=d.final_price, occurred_on=on, recorded_by=finance, payer=d.buyer,
                                    disposal=d, payout_due_on=on + timedelta(days=payout_days)))
    for case in demo_cases:
        if rng.random() > 0.45:
            continue
        last = min(case.closed_on or today, today)
        for _i in range(rng.choice([1, 1, 2])):
            on = case.filed_on + timedelta(days=rng.randint(5, 200))
            if on > last:
                on = last - timedelta(days=rng.randint(0, 10))
            if on < case.filed_on:
                continue
            amount = (case.principal * Decimal(rng.choice(["0.1", "0.2", "0.3", "0.5"]))).quantize(Decimal("0.01"))
            if amount <= 0:
                continue
            kind = rng.choice([EntryKind.DEBTOR_PAYMENT, EntryKind.BANK_DEDUCTION, EntryKind.BANK_DEDUCTION,
                               EntryKind.FIELD_COLLECTION])
            respondent = parties.get((case.pk, PartyRole.RESPONDENT))
            payer = respondent.party.name if respondent else ""
            if kind == EntryKind.FIELD_COLLECTION:
                payer = PAYERS_FIELD
            receipts.append(LedgerEntry(case=case, court=court, kind=kind, amount=amount, signed_amount=amount,
                                        occurred_on=on, recorded_by=finance, payer=payer[:200],
                                        reference=f"HX{rng.randint(10**9, 10**10 - 1)}",
                                        payout_due_on=on + timedelta(days=payout_days)))
    receipts.sort(key=lambda e: (e.case_id, e.occurred_on))
    for e in receipts:
        recovered[e.case_id] = recovered.get(e.case_id, Decimal("0")) + e.amount
        e.recorded_at = _at(e.occurred_on, rng)

    # Payouts within the 30 days: receipts older than three weeks are paid out (one in ten is late), to the
    # applicant up to the claim (docs/money.md) and any surplus to the debtor; newer ones are being prepared or
    # approved, or not yet started. Each payout is prepared after its receipt, approved, then paid.
    claim_left = {c.pk: c.amount_claimed for c in demo_cases}
    payouts, paid = [], []  # paid: (payout, receipt, paid on)
    for e in receipts:
        applicant = parties.get((e.case_id, PartyRole.APPLICANT))
        respondent = parties.get((e.case_id, PartyRole.RESPONDENT))
        if applicant is None:
            continue
        age = (today - e.occurred_on).days
        roll = rng.random()
        if age > 21:
            status = PayoutStatus.EXECUTED if roll < 0.9 else PayoutStatus.PREPARED
        elif roll < 0.5:
            continue
        else:
            status = PayoutStatus.PREPARED if roll < 0.8 else PayoutStatus.APPROVED
        to_applicant = min(e.amount, claim_left[e.case_id])
        claim_left[e.case_id] -= to_applicant
        shares = [(PayoutKind.APPLICANT, applicant, to_applicant)]
        if e.amount > to_applicant and respondent is not None:
            shares.append((PayoutKind.SURPLUS, respondent, e.amount - to_applicant))
        prepared_on = min(e.occurred_on + timedelta(days=rng.randint(1, 6)), today)
        approved_on = min(prepared_on + timedelta(days=rng.randint(0, 3)), today)
        paid_on = min(approved_on + timedelta(days=rng.randint(1, 12)), e.occurred_on + timedelta(days=29), today)
        for kind, payee, amount in shares:
            if amount <= 0:
                continue
            approver = staff.get("chief") if amount >= Decimal("100000") else finance
            p = Payout(case_id=e.case_id, court=court, payee=payee, kind=kind, amount=amount,
                       payee_account_name=payee.party.name[:200], payee_bank=rng.choice(BANKS),
                       payee_account_number=f"62{rng.randint(10**15, 10**16 - 1)}",
                       prepared_by=e.case.officer or controller, status=status,
                       prepared_at=_at(prepared_on, rng, hours=(9, 11)),
                       approved_by=approver if status != PayoutStatus.PREPARED else None,
                       approved_at=_at(approved_on, rng, hours=(13, 14)) if status != PayoutStatus.PREPARED else None,
                       executed_by=finance if status == PayoutStatus.EXECUTED else None,
                       executed_at=_at(paid_on, rng, hours=(15, 16)) if status == PayoutStatus.EXECUTED else None)
            payouts.append(p)
            if status == PayoutStatus.EXECUTED:
                paid.append((p, e, paid_on))
        if status == PayoutStatus.EXECUTED and sum(a for _k, _p, a in shares) >= e.amount:
            e.paid_out_on = paid_on  # the receipt counts as paid out once it is covered
    disbursements = [LedgerEntry(case_id=p.case_id, court=court, kind=EntryKind.DISBURSEMENT, amount=p.amount,
                                 signed_amount=-p.amount, occurred_on=on, recorded_by=finance, payout=p,
                                 payer=p.payee_account_name, recorded_at=p.executed_at) for p, _e, on in paid]
    with _explicit_timestamps(LedgerEntry._meta.get_field("recorded_at"), Payout._meta.get_field("prepared_at")):
        LedgerEntry.objects.bulk_create(receipts, batch_size=1000)
        Payout.objects.bulk_create(payouts, batch_size=1000)
        LedgerEntry.objects.bulk_create(disbursements, batch_size=1000)
    changed = []
    for case in demo_cases:
        if case.pk in recovered:
            # 执行到位金额 never exceeds what was applied for (a surplus of auction proceeds goes back to the debtor)
            case.amount_recovered = min(recovered[case.pk], case.amount_claimed)
            changed.append(case)
    Case.objects.bulk_update(changed, ["amount_recovered"], batch_size=1000)
    return (f"{len(assets)} assets, {len(controls)} control measures, {len(disposals)} disposals "
            f"({len(sold)} sold), {len(receipts)} receipts, {len(payouts)} payouts ({len(disbursements)} paid)")
