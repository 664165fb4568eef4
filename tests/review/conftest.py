"""Fixtures for the review tests: an adjudication team (执行裁决组) with its judge, a seized house of the case under
disposal by the disposal team, and an objection helper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, Team, TeamKind
from assets import services as asset_services
from review import services
from tests.assets.conftest import hand_over, register_asset
from tests.conftest import make_user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def adj_team(org):
    team = Team.objects.create(court=org.court, name="执行裁决组", kind=TeamKind.ADJUDICATION)
    judge = make_user("judge", org.court, [Role.OFFICER], [team], full_name="周法官")
    team.leader = judge
    team.save()
    team.judge = judge
    return team


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def house(case, org, today):
    house = register_asset(case, org.officer, kind="real_estate", description="麦积区桥南路8号3单元502室",
                           estimated_value="800000.00", location="甘肃省天水市麦积区桥南路8号")
    asset_services.control_order(actor=org.officer, asset=house, kind="seizure",
                                 ordered_on=today - timedelta(days=40), ruling_number="（2026）甘0503执1号之一",
                                 assisting_body="天水市麦积区不动产登记中心")
    house.refresh_from_db()
    return house


@pytest.fixture
def disposal(org, case, house, today):
    """The house handed over to the other team, its disposal started and priced (ready for the first round)."""
    hand_over(org, case)
    d = asset_services.disposal_start(actor=org.colleague, asset=house, team=org.other_team,
                                      reference_method="appraisal", reference_requested_on=today - timedelta(days=35))
    asset_services.disposal_reference_price_set(actor=org.colleague, disposal=d, reference_price="800000",
                                                report_on=today - timedelta(days=34))
    d.refresh_from_db()
    return d


def schedule_round(org, disposal, today):
    return asset_services.auction_round_schedule(actor=org.colleague, disposal=disposal, notice_on=today,
                                                 auction_on=today + timedelta(days=30), opening_price="560000")


@pytest.fixture
def register(org, case, adj_team, today):
    def _register(**kw):
        values = dict(actor=org.clerk, enforcement_case=case, kind="act", objector="天水示例建材有限公司",
                      objector_kind="legal_person", contested_kind="other", contested_act="拍卖公告",
                      request="撤销拍卖", received_on=today - timedelta(days=2), accepted_on=today - timedelta(days=1),
                      team=adj_team, officer=adj_team.judge)
        values.update(kw)
        return services.objection_register(**values)
    return _register


def deliberate(objection, actor, on):
    return services.session_record(actor=actor, objection=objection, kind="deliberation", held_on=on,
                                   participants="审判长周法官、审判员二人", minutes="合议庭评议意见一致")
