"""The incremental scan: after random changes of every fact the engine reads, and days passing, the incremental
recompute leaves exactly the rows a full recompute leaves, and the incremental reminder claim creates every reminder
a full claim would (a full claim after it finds nothing left to create)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from assets.models import AuctionRound, ControlMeasure, Disposal, LedgerEntry, Objection
from assets.services import asset_register, control_order, entry_reverse, objection_record, receipt_record
from cases.models import (
    Action,
    Case,
    CaseParty,
    Lead,
    Petition,
    Settlement,
    SettlementInstalment,
    TermExtension,
    TermPause,
)
from deadlines import engine
from deadlines.models import Deadline, DeadlineRule, Holiday, HolidayKind, Reminder
from deadlines.services import deadlines_scan, reminders_claim
from tests.conftest import make_user

TZ = ZoneInfo("Asia/Shanghai")
IDENTIFIERS = {"bank_name": "工商银行", "account_number": "62220000001234", "plate_number": "甘E12345",
               "certificate_number": "甘(2020)麦积区不动产权第0001234号", "estimated_value": Decimal("80000.00")}
START = date(2026, 3, 2)
FIELDS = ("source_type", "source_id", "kind", "seq", "code", "case_id", "court_id", "team_id", "responsible_id",
          "start_on", "due_on", "warn_from", "warn_days", "status", "met_on")


def _rows() -> list[tuple]:
    return sorted(Deadline.objects.values_list(*FIELDS))


def _reminders() -> list[tuple]:
    return sorted(Reminder.objects.values_list("deadline_id", "due_on", "threshold", "recipient_id", "level"))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=TZ)


def _day(rng: random.Random, lo: int, hi: int) -> date:
    return START + timedelta(days=rng.randrange(lo, hi))


class World:
    """A court's cases with facts of every kind, and random changes to them."""

    def __init__(self, org, make_case, rng: random.Random):
        self.org, self.make_case, self.rng = org, make_case, rng
        self.cases: list[Case] = []
        self.controls: list[ControlMeasure] = []
        self.entries: list[LedgerEntry] = []
        self.assets = []
        self.actor = make_user(f"admin{rng.random()}"[:20], org.court, [Role.OFFICER], is_superuser=True)

    def holders(self):
        return [(self.org.team, self.org.officer), (self.org.other_team, self.org.colleague),
                (self.org.team, None), (self.org.other_team, None)]

    def add_case(self) -> Case:
        rng = self.rng
        filed = _day(rng, -300, 20)
        team, officer = rng.choice(self.holders())
        case = self.make_case(received_on=filed - timedelta(days=rng.randrange(0, 5)), filed_on=filed,
                              case_type=rng.choice(["执", "执", "执", "执恢", "执异"]), team=team, officer=officer,
                              basis_effective_on=date(2025, 1, 1), basis_due_on=date(2025, 2, 1))
        self.cases.append(case)
        respondent = case.case_parties.get(role="respondent")
        if rng.random() < 0.4:
            restricted = filed + timedelta(days=rng.randrange(0, 60))
            CaseParty.objects.filter(pk=respondent.pk).update(
                restricted_on=restricted, dishonest_listed_on=restricted if rng.random() < 0.5 else None,
                dishonest_until=restricted + timedelta(days=rng.randrange(200, 800)))
        if rng.random() < 0.6:
            Action.objects.create(case=case, kind="notice_served", actor=self.actor,
                                  occurred_on=filed + timedelta(days=rng.randrange(0, 15)))
        if rng.random() < 0.5:
            TermPause.objects.create(case=case, kind="suspension", started_on=filed + timedelta(days=20),
                                     ended_on=None if rng.random() < 0.5 else filed + timedelta(days=50))
        if rng.random() < 0.2:
            TermExtension.objects.create(case=case, months=3, reason="复杂", approved_by=self.org.chief,
                                         approved_on=filed + timedelta(days=100))
        if rng.random() < 0.5:
            Lead.objects.create(case=case, received_at=_at(filed + timedelta(days=5)), urgent=rng.random() < 0.3,
                                description="线索", due_at=_at(filed + timedelta(days=12)))
        if rng.random() < 0.3:
            Petition.objects.create(case=case, received_on=filed + timedelta(days=9),
                                    due_on=filed + timedelta(days=rng.randrange(15, 60)), content="催促")
        if rng.random() < 0.3:
            s = Settlement.objects.create(case=case, signed_on=filed + timedelta(days=3), terms="分期")
            for n in (1, 2):
                SettlementInstalment.objects.create(settlement=s, number=n, amount=Decimal("1000.00"),
                                                    due_on=filed + timedelta(days=30 * n + rng.randrange(0, 40)))
        if rng.random() < 0.7:
            kind = rng.choice(["bank_deposit", "real_estate", "vehicle"])
            asset = asset_register(actor=self.actor, case=case, owner=respondent, kind=kind,
                                   description=f"财产{case.pk}", source="network_query", **IDENTIFIERS)
            self.assets.append(asset)
            control = control_order(actor=self.actor, asset=asset,
                                    kind={"bank_deposit": "freeze", "vehicle": "detention"}.get(kind, "seizure"),
                                    ordered_on=filed + timedelta(days=rng.randrange(0, 30)),
                                    ruling_number=f"裁定{case.pk}", assisting_body="协助单位",
                                    preservation=rng.random() < 0.3)
            self.controls.append(control)
            if kind != "bank_deposit" and rng.random() < 0.5:
                objection_record(actor=self.actor, asset=asset, objector="李四",
                                 filed_on=filed + timedelta(days=rng.randrange(10, 40)))
        if rng.random() < 0.5:
            self.entries.append(receipt_record(actor=self.actor, case=case, kind="debtor_payment",
                                               amount=Decimal("5000.00"), payer="被执行人",
                                               occurred_on=min(filed + timedelta(days=rng.randrange(5, 60)),
                                                               START + timedelta(days=20))))
        if rng.random() < 0.3:  # closed (终本 or fulfilled) about six months ago: a new query period comes up
            Case.objects.filter(pk=case.pk).update(
                stage="closed", closure_mode=rng.choice(["terminated_round", "terminated_round", "fulfilled"]),
                closed_on=max(filed, START - timedelta(days=rng.randrange(110, 185))))
        return case

    def change(self, today: date) -> None:
        """One round of random changes, every kind of fact at least once over a few rounds."""
        rng, org = self.rng, self.org
        live = list(Case.objects.filter(pk__in=[c.pk for c in self.cases]))
        for case in rng.sample(live, min(len(live), 10)):
            kind = rng.randrange(22)
            if kind == 0:
                Action.objects.create(case=case, kind="notice_served", occurred_on=today, actor=self.actor)
            elif kind == 1:
                Action.objects.create(case=case, kind=rng.choice(["network_query", "consumption_restriction"]),
                                      occurred_on=today - timedelta(days=rng.randrange(0, 30)), actor=self.actor)
            elif kind == 2:  # a pause starts, or the open one ends, or is deleted
                open_pause = TermPause.objects.filter(case=case, ended_on__isnull=True).first()
                if open_pause is None:
                    TermPause.objects.create(case=case, kind="suspension", started_on=today - timedelta(days=3))
                elif rng.random() < 0.7:
                    TermPause.objects.filter(pk=open_pause.pk).update(ended_on=today)
                else:
                    TermPause.objects.filter(pk=open_pause.pk).delete()
            elif kind == 3:
                TermExtension.objects.create(case=case, months=rng.choice([1, 3]), reason="复杂",
                                             approved_by=org.chief, approved_on=today)
            elif kind == 4:  # a lead handled, a new one, or one deleted
                lead = Lead.objects.filter(case=case).first()
                if lead is None or rng.random() < 0.3:
                    Lead.objects.create(case=case, received_at=_at(today), description="新线索",
                                        due_at=_at(today + timedelta(days=7)), urgent=rng.random() < 0.5)
                elif rng.random() < 0.7:
                    Lead.objects.filter(pk=lead.pk).update(handled_at=_at(today), result="已核实")
                else:
                    Lead.objects.filter(pk=lead.pk).delete()
            elif kind == 5:
                p = Petition.objects.filter(case=case, answered_on__isnull=True).first()
                if p is None:
                    Petition.objects.create(case=case, received_on=today, due_on=today + timedelta(days=15),
                                            content="信访")
                else:
                    Petition.objects.filter(pk=p.pk).update(answered_on=today, assigned_to=org.colleague,
                                                             reply="已答复", answered_by=org.officer)
            elif kind == 6:  # an instalment paid, or the settlement cancelled
                inst = SettlementInstalment.objects.filter(settlement__case=case, paid_on__isnull=True).first()
                if inst is not None and rng.random() < 0.7:
                    SettlementInstalment.objects.filter(pk=inst.pk).update(paid_on=today, paid_amount=inst.amount)
                else:
                    Settlement.objects.filter(case=case).update(status="cancelled")
            elif kind == 7:  # a control released, renewed (expiry moved) or lapsed
                m = ControlMeasure.objects.filter(case=case, status="active").first()
                if m is not None:
                    choice = rng.randrange(3)
                    if choice == 0:
                        ControlMeasure.objects.filter(pk=m.pk).update(status="released", released_on=today,
                                                                      release_ground="debt_paid")
                    elif choice == 1:
                        ControlMeasure.objects.filter(pk=m.pk).update(expires_on=m.expires_on + timedelta(days=365),
                                                                      renewals=m.renewals + 1)
                    else:
                        ControlMeasure.objects.filter(pk=m.pk).update(status="lapsed", lapsed_on=today)
            elif kind == 8:  # a disposal started (meets the reference price), an auction round fails
                m = ControlMeasure.objects.filter(case=case, status="active", kind__in=["seizure", "detention"]).first()
                if m is not None and not Disposal.objects.filter(asset_id=m.asset_id).exists():
                    d = Disposal.objects.create(asset_id=m.asset_id, case=case, court_id=case.court_id,
                                                team=org.team, reference_method="auction",
                                                reference_requested_on=today - timedelta(days=5), status="auction")
                    AuctionRound.objects.create(disposal=d, round_no=1, notice_on=today - timedelta(days=4),
                                                auction_on=today - timedelta(days=2), result="failed",
                                                ended_on=today - timedelta(days=1), opening_price=Decimal("50000"))
                else:
                    AuctionRound.objects.filter(disposal__case=case).update(ended_on=today)
            elif kind == 9:
                o = Objection.objects.filter(asset__case=case, status="pending").first()
                if o is not None:
                    Objection.objects.filter(pk=o.pk).update(status="dismissed", decided_on=today,
                                                             decided_by=org.officer)
            elif kind == 10:  # a receipt paid out, reversed, or a new one
                e = LedgerEntry.objects.filter(case=case, kind="debtor_payment", paid_out_on__isnull=True,
                                               reversed_by__isnull=True).first()
                if e is None:
                    receipt_record(actor=self.actor, case=case, kind="bank_deduction", amount=Decimal("300.00"),
                                   occurred_on=today, payer="银行")
                elif rng.random() < 0.5:
                    LedgerEntry.objects.filter(pk=e.pk).update(paid_out_on=today)
                else:
                    entry_reverse(actor=self.actor, entry=e, reason="错账", occurred_on=e.occurred_on)
            elif kind == 11:  # closed: 终本 or fulfilled; or reopened
                if case.closed_on is None:
                    Case.objects.filter(pk=case.pk).update(stage="closed", closed_on=max(today, case.filed_on),
                                                           closure_mode=rng.choice(["terminated_round", "fulfilled"]))
                else:
                    Case.objects.filter(pk=case.pk).update(stage="investigation", closed_on=None, closure_mode="")
            elif kind == 12:  # reassigned
                team, officer = rng.choice(self.holders())
                Case.objects.filter(pk=case.pk).update(team=team, officer=officer)
            elif kind == 13:  # a team's leader changes (responsible for its cases without an officer)
                team = rng.choice([org.team, org.other_team])
                team.leader = rng.choice([org.officer, org.colleague, self.leader])
                team.save(update_fields=["leader"])
            elif kind == 14:  # a 终本 case resumed (its queries stop)
                if case.closure_mode == "terminated_round":
                    resumed = self.make_case(received_on=today, filed_on=today, case_type="执恢",
                                             basis_effective_on=date(2025, 1, 1), basis_due_on=date(2025, 2, 1))
                    Case.objects.filter(pk=resumed.pk).update(origin_case=case)
                    self.cases.append(resumed)
            elif kind == 15:  # a party's restriction lifted, 失信 removed, or newly restricted
                cp = CaseParty.objects.filter(case=case, role="respondent").first()
                if cp.restricted_on and not cp.restriction_lifted_on and rng.random() < 0.5:
                    CaseParty.objects.filter(pk=cp.pk).update(restriction_lifted_on=today,
                                                              dishonest_removed_on=today)
                else:
                    CaseParty.objects.filter(pk=cp.pk).update(restricted_on=today - timedelta(days=360),
                                                              restriction_lifted_on=None)
            elif kind == 16:  # filed on another day, received earlier
                Case.objects.filter(pk=case.pk).update(filed_on=case.filed_on - timedelta(days=9),
                                                       received_on=case.received_on - timedelta(days=10))
            elif kind == 17:  # moved to the other court
                Case.objects.filter(pk=case.pk).update(court=org.other_court, team=None, officer=None)
            elif kind == 18:  # archived after closure
                if case.closed_on is not None:
                    Case.objects.filter(pk=case.pk).update(archived_on=today)
            elif kind == 19:  # an asset's kind changes (the reference-price rule depends on it)
                Case.objects.filter(pk=case.pk).update(non_litigation=not case.non_litigation)
                for a in self.assets:
                    if a.case_id == case.pk:
                        type(a).objects.filter(pk=a.pk).update(kind=rng.choice(["real_estate", "bank_deposit"]))
            elif kind == 20:  # a new asset and seizure
                respondent = case.case_parties.get(role="respondent")
                asset = asset_register(actor=self.actor, case=case, owner=respondent, kind="real_estate",
                                       description="新房产", source="network_query", **IDENTIFIERS)
                control_order(actor=self.actor, asset=asset, kind="seizure", ordered_on=today,
                              ruling_number=f"新裁定{asset.pk}", assisting_body="不动产登记中心")
            else:  # a change the engine does not read
                Case.objects.filter(pk=case.pk).update(cause="新的案由", tags=["涉民生"])
        for _ in range(2):
            self.add_case()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_scan_equals_a_full_recompute_after_random_changes(org, make_case, seed):
    rng = random.Random(seed)
    world = World(org, make_case, rng)
    world.leader = make_user("leader9", org.court, [Role.OFFICER], [org.other_team])
    for _ in range(16):
        world.add_case()
    today = START
    first = deadlines_scan(today=today)
    assert first.recompute.mode == "full"
    modes = set()
    for _round in range(7):
        world.change(today)
        # same day, the next day, or some weeks on (终本 query periods and restriction reviews start, pauses run)
        today += timedelta(days=rng.choice([0, 1, 1, 3, 17, 45]))
        scan = deadlines_scan(today=today)
        modes.add(scan.recompute.mode)
        incremental, reminders = _rows(), _reminders()
        full = engine.recompute(today=today, full=True)
        assert (full.mode, full.changed) == ("full", 0), f"round {_round}: the incremental scan missed something"
        assert _rows() == incremental
        assert reminders_claim(today=today, scan_id=first.scan_id, full=True) == 0
        assert _reminders() == reminders
        assert len(set(reminders)) == len(reminders)
    assert modes == {"incremental"}
    assert Reminder.objects.exists() and Deadline.objects.filter(kind="zb_query", seq__gt=1).exists()


def test_rules_and_calendar_changes_recompute_in_full(org, make_case):
    make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    assert engine.recompute(today=date(2026, 3, 5)).mode == "full"
    assert engine.recompute(today=date(2026, 3, 5)).mode == "incremental"
    DeadlineRule.objects.create(court=org.court, kind="notice", days=3)
    assert engine.recompute(today=date(2026, 3, 5)).mode == "full"
    Holiday.objects.create(court=org.court, date=date(2026, 3, 9), kind=HolidayKind.HOLIDAY, name="本地")
    assert engine.recompute(today=date(2026, 3, 6)).mode == "full"
    assert engine.recompute(today=date(2026, 3, 6)).mode == "incremental"
    assert engine.recompute(today=date(2026, 3, 4)).mode == "full"  # the day went backwards


def test_nothing_changed_recomputes_nothing(org, make_case):
    for _ in range(3):
        make_case()
    engine.recompute(today=date(2026, 3, 5))
    again = engine.recompute(today=date(2026, 3, 5))
    assert (again.mode, again.cases, again.rows, again.changed) == ("incremental", 0, 0, 0)


def test_too_many_changed_cases_recompute_in_full(org, make_case, settings):
    make_case()
    engine.recompute(today=date(2026, 3, 5))
    for _ in range(3):
        make_case()
    settings.DEADLINES_INCREMENTAL_MAX_CASES = 2
    result = engine.recompute(today=date(2026, 3, 5))
    assert result.mode == "full" and result.inserted >= 9
    assert engine.recompute(today=date(2026, 3, 5), full=True).changed == 0
