"""The engine's deadlines for every step of an objection and a reconsideration, and the KPIs against hand-counted
fixtures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deadlines import engine
from deadlines.models import Deadline
from review import kpis, services
from review.models import Objection

from .conftest import deliberate


def _roll(day: date) -> date:
    # No holiday rows are loaded here: a calendar-day deadline on a weekend moves to Monday.
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _deadline(kind, source_type, source_id):
    return Deadline.objects.get(kind=kind, source_type=source_type, source_id=source_id)


def test_each_step_has_its_deadline_in_the_engine(register, org, today):
    received = today - timedelta(days=30)
    objection = register(received_on=received, accepted_on=received + timedelta(days=2))
    engine.recompute(case_ids=[objection.case_id], today=today)
    filing = _deadline("objection_filing", "review", objection.pk)
    assert filing.due_on == _roll(received + timedelta(days=3)) and filing.met_on == received + timedelta(days=2)
    ruling = _deadline("objection", "case", objection.case_id)
    assert ruling.due_on == _roll(received + timedelta(days=15)) and ruling.status == "overdue"
    assert ruling.court_id == org.court.pk and ruling.team_id == objection.case.team_id

    deliberate(objection, org.clerk, today - timedelta(days=12))
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed",
                            ruled_on=today - timedelta(days=12), reasons="不成立")
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today - timedelta(days=8))
    engine.recompute(case_ids=[objection.case_id], today=today)
    ruling.refresh_from_db()
    assert ruling.status == "met" and ruling.met_on == today - timedelta(days=12)  # met late: counted in the KPIs
    window = _deadline("reconsideration_window", "review", objection.pk)
    assert window.due_on == _roll(today - timedelta(days=8) + timedelta(days=10)) and window.status == "open"

    recon = services.reconsideration_apply(actor=org.clerk, objection=objection, applicant="天水示例建材有限公司",
                                           applied_on=today - timedelta(days=7))
    engine.recompute(case_ids=[objection.case_id], today=today)
    window.refresh_from_db()
    assert window.met_on == today - timedelta(days=7)
    up = _deadline("reconsideration_file_up", "review", objection.pk)
    assert up.due_on == _roll(today - timedelta(days=2))
    assert up.status == ("overdue" if up.due_on < today else "open")

    services.reconsideration_send_up(actor=org.clerk, reconsideration=recon, sent_on=today - timedelta(days=1))
    engine.recompute(case_ids=[objection.case_id], today=today)
    up.refresh_from_db()
    assert up.status == "met"
    decision = _deadline("reconsideration", "review", objection.pk)
    assert decision.due_on == _roll(today - timedelta(days=1) + timedelta(days=30))
    assert decision.court_id == org.intermediate.pk  # the higher court's deadline
    services.reconsideration_extend(actor=org.supervisor, reconsideration=recon)
    engine.recompute(case_ids=[objection.case_id], today=today)
    decision.refresh_from_db()
    assert decision.due_on == _roll(today - timedelta(days=1) + timedelta(days=60))


def test_the_third_partys_suit_window(register, org, house, today):
    objection = register(kind="third_party", objector="李四", contested_kind="asset", asset_id=house.pk,
                         contested_act="", received_on=today - timedelta(days=40),
                         accepted_on=today - timedelta(days=40))
    deliberate(objection, org.clerk, today - timedelta(days=30))
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed",
                            ruled_on=today - timedelta(days=30), reasons="证据不足")
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today - timedelta(days=20))
    engine.recompute(case_ids=[objection.case_id], today=today)
    window = _deadline("objection_suit_window", "review", objection.pk)
    # The window passed without a suit: closed (met at its end), never "overdue" on anyone's list.
    assert window.status == "met" and window.met_on == today - timedelta(days=5)
    assert not Deadline.objects.filter(kind="reconsideration_window").exists()


def test_deadlines_follow_on_commit(register, org, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        objection = register()
    assert Deadline.objects.filter(kind="objection_filing", source_id=objection.pk).exists()


def _ruled(register, org, *, received, ruled_after, outcome="dismissed", objector, team=None, **kw):
    values = dict(objector=objector, received_on=received, accepted_on=received)
    if team is not None:
        values.update(team=team, officer=None)
    values.update(kw)
    o = register(**values)
    if ruled_after is not None:
        on = received + timedelta(days=ruled_after)
        deliberate(o, org.clerk, on)
        services.objection_rule(actor=org.chief, objection=o, outcome=outcome, ruled_on=on, reasons="理由")
    return o


def test_kpis_match_a_hand_count(register, org, adj_team, today):
    from accounts.models import Team, TeamKind

    second = Team.objects.create(court=org.court, name="执行裁决二组", kind=TeamKind.ADJUDICATION)
    base = today - timedelta(days=60)
    # team 1: on time (day 15), late (day 16), pending; team 2: on time, then reversed on reconsideration
    _ruled(register, org, received=base, ruled_after=15, objector="甲")
    _ruled(register, org, received=base, ruled_after=16, objector="乙")
    _ruled(register, org, received=base, ruled_after=None, objector="丙")
    reversed_one = _ruled(register, org, received=base, ruled_after=3, objector="丁", team=second)
    services.objection_serve(actor=org.clerk, objection=reversed_one, served_on=base + timedelta(days=4))
    recon = services.reconsideration_apply(actor=org.clerk, objection=reversed_one, applicant="丁",
                                           applied_on=base + timedelta(days=5))
    services.reconsideration_send_up(actor=org.clerk, reconsideration=recon, sent_on=base + timedelta(days=6))
    services.reconsideration_decide(actor=org.supervisor, reconsideration=recon, outcome="reversed",
                                    decided_on=base + timedelta(days=20))
    # outside the period: not counted
    _ruled(register, org, received=base - timedelta(days=30), ruled_after=1, objector="戊")

    rows = kpis.objection_kpis(user=org.chief, start=base, end=today, by="team")
    by_team = {r.label: r for r in rows if not r.is_total}
    one, two, total = by_team["执行裁决组"], by_team["执行裁决二组"], rows[-1]
    assert (one.received, one.decided, one.on_time, one.pending, one.reversed) == (3, 2, 1, 1, 0)
    assert (two.received, two.decided, two.on_time, two.reconsidered, two.reversed) == (1, 1, 1, 1, 1)
    assert (total.received, total.decided, total.on_time, total.pending, total.reversed) == (4, 3, 2, 1, 1)
    assert one.on_time_rate == 50.0
    by_officer = kpis.objection_kpis(user=org.chief, start=base, end=today, by="officer")
    assert {r.label: r.received for r in by_officer if not r.is_total} == {"周法官": 3, "—": 1}
    # another court's chief sees none of them; the higher court's chief (tree) sees them all
    assert kpis.objection_kpis(user=org.other_chief, start=base, end=today)[-1].received == 0
    assert kpis.objection_kpis(user=org.supervisor, start=base, end=today)[-1].received == 4
    assert Objection.objects.count() == 5


@pytest.mark.parametrize("by", ["team", "officer", "court"])
def test_kpis_are_one_query_per_grouping(register, org, by, django_assert_max_num_queries, today):
    for name in ("甲", "乙", "丙"):
        register(objector=name)
    with django_assert_max_num_queries(4):
        kpis.objection_kpis(user=org.chief, start=today - timedelta(days=30), end=today, by=by)


def test_an_overdue_ruling_is_on_the_chiefs_overdue_page(client, register, org, today):
    from django.urls import reverse

    from tests.conftest import login

    objection = register(received_on=today - timedelta(days=30), accepted_on=today - timedelta(days=29))
    engine.recompute(case_ids=[objection.case_id], today=today)
    login(client, org.chief)
    page = client.get(reverse("deadlines:overdue")).content.decode()
    assert objection.case.number in page
    login(client, org.other_chief)
    assert objection.case.number not in client.get(reverse("deadlines:overdue")).content.decode()
