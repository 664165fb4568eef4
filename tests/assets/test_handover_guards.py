"""QA findings on the handover for disposal (移交处置): a sold asset or a closed case is never disposed of (again),
only seized assets are handed over, the empty request form names its error, and only disposal teams receive."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from accounts.models import Team
from assets import services
from assets.models import ControlMeasure, ControlStatus, Disposal, DisposalStatus, Handover, HandoverStatus, RoundResult
from cases.models import Case
from tests.conftest import login

from .conftest import hand_over, register_asset


def start(asset, actor, today):
    return services.disposal_start(actor=actor, asset=asset, reference_method="appraisal",
                                   reference_requested_on=today - timedelta(days=100))


def sell(disposal, org, today):
    """Reference price, first round, sold: the sale is concluded; the ruling is not yet served (the seizure stays)."""
    services.disposal_reference_price_set(actor=org.colleague, disposal=disposal, reference_price="800000.00",
                                          report_on=today - timedelta(days=85))
    notice = today - timedelta(days=80)
    r1 = services.auction_round_schedule(actor=org.colleague, disposal=disposal, notice_on=notice,
                                         auction_on=notice + timedelta(days=30), opening_price="560000.00")
    services.auction_round_record_result(actor=org.colleague, auction=r1, result=RoundResult.SOLD,
                                         ended_on=r1.auction_on, hammer_price="600000.00", buyer="李建华")
    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.SOLD
    return disposal


def close(case, today):
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="fulfilled", closed_on=today)
    case.refresh_from_db()


def seized_vehicle(case, org, today):
    car = register_asset(case, org.officer, kind="vehicle", description="小型轿车 甘E·12345")
    services.control_order(actor=org.officer, asset=car, kind="seizure", ordered_on=today - timedelta(days=40),
                           ruling_number="（2026）甘0503执1号之二", assisting_body="天水市公安局交通警察支队车辆管理所")
    car.refresh_from_db()
    return car


# --- 1. a sold asset / a closed case is never disposed of (again) ---------------------------------------------------

def test_a_sold_asset_is_not_disposed_of_again(org, case, seized_house, today, handed_over):
    sell(start(seized_house, org.colleague, today), org, today)
    assert seized_house.controls.filter(status=ControlStatus.ACTIVE).exists()  # ruling not served yet
    with pytest.raises(ValidationError) as exc:
        start(seized_house, org.colleague, today)
    assert "asset" in exc.value.message_dict
    r = APIClient()
    r.force_authenticate(org.colleague)
    resp = r.post("/api/v1/disposals/", {"asset": seized_house.pk, "reference_method": "appraisal",
                                         "reference_requested_on": str(today - timedelta(days=10))}, format="json")
    assert resp.status_code == 400 and "asset" in resp.json()
    assert Disposal.objects.filter(asset=seized_house).count() == 1


def test_a_transferred_asset_is_not_disposed_of_again(org, case, seized_house, today, handed_over):
    d = start(seized_house, org.colleague, today)
    Disposal.objects.filter(pk=d.pk).update(status=DisposalStatus.TRANSFERRED)
    with pytest.raises(ValidationError) as exc:
        start(seized_house, org.colleague, today)
    assert "asset" in exc.value.message_dict


def test_no_disposal_starts_on_a_closed_or_archived_case(org, case, seized_house, today, handed_over):
    for stage in ("closed", "archived"):
        Case.objects.filter(pk=case.pk).update(stage=stage, closure_mode="fulfilled", closed_on=today)
        with pytest.raises(ValidationError) as exc:
            start(seized_house, org.colleague, today)
        assert "asset" in exc.value.message_dict
    assert not Disposal.objects.exists()


def test_a_withdrawn_disposal_may_be_started_again(org, case, seized_house, today, handed_over):
    d = start(seized_house, org.colleague, today)
    services.disposal_withdraw(actor=org.colleague, disposal=d, reason="重新评估")
    assert start(seized_house, org.colleague, today).pk != d.pk


def test_handovers_page_offers_start_only_where_it_works(client, org, make_case, today):
    open_case, closed_case = make_case(), make_case()
    sold_house = register_asset(open_case, org.officer, kind="real_estate", description="桥南路8号502室",
                                estimated_value="800000.00", location="甘肃省天水市麦积区桥南路8号")
    services.control_order(actor=org.officer, asset=sold_house, kind="seizure", ordered_on=today - timedelta(days=40),
                           ruling_number="（2026）甘0503执1号之一", assisting_body="天水市麦积区不动产登记中心")
    car = seized_vehicle(open_case, org, today)
    closed_car = seized_vehicle(closed_case, org, today)
    hand_over(org, open_case)
    hand_over(org, closed_case)
    sell(start(sold_house, org.colleague, today), org, today)
    close(closed_case, today)
    login(client, org.colleague)
    url = reverse("assets:handovers")
    html = client.get(url).content.decode()
    start_url = lambda a: reverse("assets:disposal_start", args=[a.pk])  # noqa: E731
    assert start_url(car) in html
    assert start_url(sold_house) not in html  # sold: no 开始处置
    assert closed_case.number not in html and start_url(closed_car) not in html  # closed: not listed by default
    html = client.get(url + "?show=closed").content.decode()
    assert closed_case.number in html and start_url(closed_car) not in html  # listed on request, no button
    assert open_case.number not in html


def test_handovers_page_costs_the_same_queries_for_one_or_three_handovers(client, org, make_case, today):
    """Whether each asset may start is decided from prefetched disposals, not one query per asset."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("assets:handovers")).status_code == 200
        return len(ctx.captured_queries)

    login(client, org.colleague)
    first = make_case()
    seized_vehicle(first, org, today)
    hand_over(org, first)
    one = page_queries()
    for _ in range(2):
        more = make_case()
        seized_vehicle(more, org, today)
        seized_vehicle(more, org, today)
        hand_over(org, more)
    assert page_queries() == one


# --- 2. only seized assets, not handed over twice, open cases ------------------------------------------------------

def test_an_unseized_asset_is_not_handed_over(org, case, seized_house, today):
    car = register_asset(case, org.officer, kind="vehicle", description="小型轿车 甘E·12345")
    with pytest.raises(ValidationError) as exc:
        services.handover_request(actor=org.officer, case=case, assets=[seized_house, car], to_team=org.other_team)
    messages = exc.value.message_dict["assets"]
    assert len(messages) == 1 and str(car) in messages[0]
    with translation.override("zh-hans"):
        msg = gettext("%(asset)s: the asset is not under a control measure in force; it cannot be disposed of.") % {
            "asset": car}
    assert "该财产未处于有效的查封、扣押、冻结状态，不能处置。" in msg
    assert not Handover.objects.exists()


def test_approval_rechecks_the_seizure_and_the_case(org, case, seized_house, today):
    h = hand_over(org, case, assets=[seized_house], approve=False)
    stage = case.stage
    close(case, today)
    with pytest.raises(ValidationError):
        services.handover_approve(actor=org.chief, handover=h)
    Case.objects.filter(pk=case.pk).update(stage=stage, closure_mode="", closed_on=None)
    services.control_release(actor=org.officer, control=ControlMeasure.objects.get(asset=seized_house),
                             released_on=today, ground="debt_paid")
    with pytest.raises(ValidationError) as exc:
        services.handover_approve(actor=org.chief, handover=h)
    assert str(seized_house) in " ".join(exc.value.message_dict["assets"])
    assert Handover.objects.get(pk=h.pk).status == HandoverStatus.PENDING


def test_no_handover_on_a_closed_case_nor_twice(org, case, seized_house, today):
    hand_over(org, case, assets=[seized_house], approve=False)
    with pytest.raises(ValidationError) as exc:  # already awaiting approval in another handover
        services.handover_request(actor=org.officer, case=case, assets=[seized_house], to_team=org.other_team)
    assert "assets" in exc.value.message_dict
    close(case, today)
    with pytest.raises(ValidationError):
        services.handover_request(actor=org.officer, case=case, whole_case=True, to_team=org.other_team)
    assert Handover.objects.count() == 1


def test_a_sold_asset_is_not_handed_over(org, case, seized_house, today):
    from core.models import CourtSetting

    CourtSetting.objects.create(court=org.court, key="separate_control_and_disposal", value=False)
    d = start(seized_house, org.officer, today)
    Disposal.objects.filter(pk=d.pk).update(status=DisposalStatus.SOLD)
    with pytest.raises(ValidationError) as exc:
        services.handover_request(actor=org.officer, case=case, assets=[seized_house], to_team=org.other_team)
    assert "assets" in exc.value.message_dict


# --- 3. the empty request form names its error -------------------------------------------------------------------

def test_empty_handover_form_shows_the_assets_error_under_a_label_above(client, org, case, seized_house):
    login(client, org.officer)
    r = client.post(reverse("assets:handover_request", args=[case.pk]), {"handover-reason": ""})
    assert r.status_code == 400
    html = r.content.decode()
    with translation.override("zh-hans"):
        msg = gettext("Choose the assets to hand over, or the whole case.")
        label = gettext("Assets")
    form = html[html.index('id="handover-request"'):]
    form = form[:form.index("</form>")]
    assert msg in form
    assert form.index(f">{label}<") < form.index('name="handover-assets"')  # the label above its checkboxes
    assert re.search(r'invalid-feedback[^>]*>\s*' + re.escape(msg), form)


# --- 4. only disposal teams receive; never the case's own team ----------------------------------------------------

def test_only_disposal_teams_are_offered_and_accepted(client, org, case, seized_house, today):
    org.other_team.is_disposal_team = True
    org.other_team.save()
    control_team = Team.objects.create(court=org.court, name="财产查控组", kind="implementation")
    with pytest.raises(ValidationError) as exc:
        services.handover_request(actor=org.officer, case=case, assets=[seized_house], to_team=control_team)
    assert "to_team" in exc.value.message_dict
    login(client, org.officer)
    html = client.get(reverse("assets:case_assets", args=[case.pk])).content.decode()
    select = html[html.index('name="handover-to_team"'):]
    select = select[:select.index("</select>")]
    assert f">{org.other_team.name}</option>" in select  # its name only, no "(处置组)"
    assert control_team.name not in select and org.team.name not in select
    assert services.handover_request(actor=org.officer, case=case, assets=[seized_house],
                                     to_team=org.other_team).to_team == org.other_team


def test_without_a_designated_team_any_other_team_receives(org, case, seized_house):
    third = Team.objects.create(court=org.court, name="执行实施三组", kind="implementation")
    h = services.handover_request(actor=org.officer, case=case, assets=[seized_house], to_team=third)
    assert h.to_team == third


def test_never_to_the_case_own_team_even_after_reassignment(client, org, case, seized_house, today):
    h = hand_over(org, case, assets=[seized_house], approve=False)
    Case.objects.filter(pk=case.pk).update(team=org.other_team)  # reassigned to the receiving team meanwhile
    with pytest.raises(ValidationError) as exc:
        services.handover_approve(actor=org.chief, handover=h)
    assert "to_team" in exc.value.message_dict
    # A legacy handover from a team to itself is not listed as received.
    Handover.objects.filter(pk=h.pk).update(status=HandoverStatus.APPROVED, from_team=org.other_team)
    login(client, org.colleague)
    html = client.get(reverse("assets:handovers")).content.decode()
    assert f'id="received-{h.pk}"' not in html
