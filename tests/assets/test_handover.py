"""Handover for disposal (移交处置, issue 18): the disposal of a case's assets follows the case. The case's team hands
them over to a disposal team, the chief approves (a court setting), and only then the receiving team disposes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from accounts.models import Role
from assets import services
from assets.models import Disposal, Handover, HandoverStatus
from assets.selectors import disposal_list_for_user
from cases.models import CaseEvent
from core.models import CourtSetting
from tests.conftest import make_user

from .conftest import hand_over


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def start(asset, actor, today):
    return services.disposal_start(actor=actor, asset=asset, reference_method="appraisal",
                                   reference_requested_on=today - timedelta(days=35))


def test_handover_needs_the_chief_and_then_only_the_receiving_team_disposes(org, case, seized_house, today):
    handover = hand_over(org, case, assets=[seized_house], approve=False)
    assert handover.status == HandoverStatus.PENDING and handover.from_team == org.team
    with pytest.raises(PermissionDenied):  # pending: nothing handed over yet
        start(seized_house, org.colleague, today)
    with pytest.raises(PermissionDenied):  # the requester never approves their own request
        services.handover_approve(actor=org.officer, handover=handover)
    for who in (org.colleague, org.clerk, org.finance, org.court_admin, org.other_chief, org.supervisor):
        with pytest.raises(PermissionDenied):
            services.handover_approve(actor=who, handover=handover)
    services.handover_approve(actor=org.chief, handover=handover)
    with pytest.raises(ValidationError):  # double click
        services.handover_approve(actor=org.chief, handover=handover)
    disposal = start(seized_house, org.colleague, today)
    assert disposal.team == org.other_team
    types = list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))
    assert {"handover_requested", "handover_approved", "disposal_started"} <= set(types)


def test_an_officer_of_a_team_with_no_part_in_the_case_is_refused_everything(org, case, seized_house, today):
    third_team = org.team.__class__.objects.create(court=org.court, name="执行实施三组", kind="implementation")
    stranger = make_user("stranger", org.court, [Role.OFFICER], [third_team])
    hand_over(org, case)
    with pytest.raises(PermissionDenied):
        start(seized_house, stranger, today)
    with pytest.raises(PermissionDenied):
        services.disposal_start(actor=stranger, asset=seized_house, team=third_team, reference_method="appraisal",
                                reference_requested_on=today)
    disposal = start(seized_house, org.colleague, today)
    for call in (
        lambda: services.disposal_reference_price_set(actor=stranger, disposal=disposal, reference_price="800000",
                                                      report_on=today),
        lambda: services.disposal_withdraw(actor=stranger, disposal=disposal, reason="x"),
        lambda: services.disposal_withdraw(actor=org.officer, disposal=disposal, reason="x"),  # handed over
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not disposal_list_for_user(user=stranger).exists()
    assert list(disposal_list_for_user(user=org.colleague)) == [disposal]  # receiving team: no CASE_VIEW needed
    assert list(disposal_list_for_user(user=org.officer)) == [disposal]  # the case's team still sees it


def test_a_disposal_started_by_the_case_team_without_handover_stays_with_it(org, case, seized_house, today):
    CourtSetting.objects.create(court=org.court, key="separate_control_and_disposal", value=False)
    disposal = start(seized_house, org.officer, today)
    assert disposal.team == org.team and disposal.handover is None
    with pytest.raises(PermissionDenied):
        services.disposal_withdraw(actor=org.colleague, disposal=disposal, reason="x")
    # Its team column says nothing on its own: rewriting it gives another team no power.
    Disposal.objects.filter(pk=disposal.pk).update(team=org.other_team)
    disposal.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.disposal_withdraw(actor=org.colleague, disposal=disposal, reason="x")
    assert not disposal_list_for_user(user=org.colleague).exists()
    with pytest.raises(ValidationError) as exc:  # an open disposal: withdraw it before handing over
        hand_over(org, case, assets=[seized_house])
    assert "assets" in exc.value.message_dict


def test_the_case_team_cannot_start_while_its_handover_awaits_approval(org, case, seized_house, today):
    CourtSetting.objects.create(court=org.court, key="separate_control_and_disposal", value=False)
    hand_over(org, case, assets=[seized_house], approve=False)
    with pytest.raises(ValidationError) as exc:
        start(seized_house, org.officer, today)
    assert "asset" in exc.value.message_dict


def test_court_setting_lets_a_handover_take_effect_without_approval(org, case, seized_house, today):
    CourtSetting.objects.create(court=org.court, key="handover_needs_approval", value=False)
    handover = hand_over(org, case, assets=[seized_house], approve=False)
    assert handover.status == HandoverStatus.APPROVED
    assert start(seized_house, org.colleague, today).team == org.other_team


def test_designated_disposal_team_reject_withdraw_and_bad_requests(org, case, seized_house, make_case, today):
    with pytest.raises(ValidationError) as exc:  # no team named, none designated
        services.handover_request(actor=org.officer, case=case, whole_case=True)
    assert "to_team" in exc.value.message_dict
    org.other_team.is_disposal_team = True
    org.other_team.save()
    h = services.handover_request(actor=org.officer, case=case, whole_case=True, reason="整案移交")
    assert h.to_team == org.other_team
    with pytest.raises(ValidationError):  # already pending
        services.handover_request(actor=org.officer, case=case, assets=[seized_house], to_team=org.other_team)
    with pytest.raises(ValidationError) as exc:
        services.handover_reject(actor=org.chief, handover=h, note="")
    assert "note" in exc.value.message_dict
    services.handover_reject(actor=org.chief, handover=h, note="材料不全")
    h2 = services.handover_request(actor=org.officer, case=case, whole_case=True)
    with pytest.raises(PermissionDenied):  # another team cannot withdraw it
        services.handover_withdraw(actor=org.colleague, handover=h2)
    services.handover_withdraw(actor=org.officer, handover=h2)
    assert Handover.objects.get(pk=h2.pk).status == HandoverStatus.WITHDRAWN
    with pytest.raises(ValidationError) as exc:
        services.handover_request(actor=org.officer, case=case, whole_case=True, to_team=org.team)
    assert "to_team" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.handover_request(actor=org.officer, case=case, to_team=org.other_team)
    assert "assets" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.handover_request(actor=org.officer, case=case, whole_case=True, to_team=org.foreign_team)
    assert "to_team" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # only the case's team or the chief hands it over
        services.handover_request(actor=org.colleague, case=case, whole_case=True, to_team=org.other_team)
    # The chief's own handover takes effect at once (the chief is the approver).
    assert services.handover_request(actor=org.chief, case=case, whole_case=True,
                                     to_team=org.other_team).status == HandoverStatus.APPROVED


def test_api_handover_and_disposal(org, case, seized_house, today):
    start_body = {"asset": seized_house.pk, "team": org.other_team.pk, "reference_method": "appraisal",
                  "reference_requested_on": str(today - timedelta(days=35))}
    r = api_for(org.colleague).post("/api/v1/disposals/", start_body, format="json")
    assert r.status_code == 403  # issue 18: was 201
    r = api_for(org.colleague).post("/api/v1/handovers/", {"case": case.pk, "whole_case": True,
                                                            "to_team": org.other_team.pk}, format="json")
    assert r.status_code in (403, 404)
    r = api_for(org.officer).post("/api/v1/handovers/", {"case": case.pk, "assets": [seized_house.pk],
                                                          "to_team": org.other_team.pk, "reason": "分段集约"},
                                  format="json")
    assert r.status_code == 201, r.json()
    hid = r.json()["id"]
    assert r.json()["status"] == "pending"
    r = api_for(org.officer).post(f"/api/v1/handovers/{hid}/approve/", {}, format="json")
    assert r.status_code == 403
    r = api_for(org.outsider).post(f"/api/v1/handovers/{hid}/approve/", {}, format="json")
    assert r.status_code == 404
    r = api_for(org.chief).post(f"/api/v1/handovers/{hid}/approve/", {"note": "同意"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = api_for(org.colleague).get(f"/api/v1/handovers/{hid}/")
    assert r.status_code == 200
    r = api_for(org.colleague).post("/api/v1/disposals/", {**start_body, "team": "x"}, format="json")
    assert r.status_code == 400 and "team" in r.json()
    r = api_for(org.colleague).post("/api/v1/disposals/", start_body, format="json")
    assert r.status_code == 201, r.json()
    did = r.json()["id"]
    r = api_for(org.officer).post(f"/api/v1/disposals/{did}/withdraw/", {"reason": "x"}, format="json")
    assert r.status_code == 403
    r = api_for(org.colleague).post("/api/v1/handovers/", {"case": case.pk, "assets": ["a"]}, format="json")
    assert r.status_code in (400, 403)


def test_demo_disposals_follow_an_approved_handover_to_the_designated_team(db):
    from django.core.management import call_command

    from accounts.models import Team

    call_command("seed_demo", "--cases", "120", "--seed", "7", verbosity=0)
    team = Team.objects.get(court__code="甘0503", is_disposal_team=True)
    assert team.name == "财产处置组"
    disposals = list(Disposal.objects.filter(court__code="甘0503").select_related("handover", "case"))
    assert disposals
    for d in disposals:
        assert d.handover.status == HandoverStatus.APPROVED and d.handover.to_team_id == team.pk == d.team_id
        assert list(d.handover.assets.values_list("pk", flat=True)) == [d.asset_id]
        assert d.policy_target().team_id == team.pk


def test_bad_handover_input_names_the_field_and_saves_nothing(client, org, case, seized_house):
    from django.urls import reverse

    from tests.conftest import login

    api = api_for(org.officer)
    for body, field in (
        ({"case": case.pk, "assets": ["a"]}, "assets"),
        ({"case": case.pk, "assets": "1"}, "assets"),
        ({"case": case.pk, "whole_case": True, "to_team": "x"}, "to_team"),
        ({"case": case.pk, "whole_case": True, "to_team": org.foreign_team.pk}, "to_team"),
        ({"case": case.pk, "whole_case": True, "to_team": org.other_team.pk, "reason": "长" * 301}, "reason"),
        ({"case": case.pk, "assets": [seized_house.pk], "whole_case": True, "to_team": org.other_team.pk},
         "assets"),
        ({"case": case.pk, "assets": [seized_house.pk + 10_000], "to_team": org.other_team.pk}, "assets"),
        ({"case": case.pk, "to_team": org.other_team.pk}, "assets"),
    ):
        r = api.post("/api/v1/handovers/", body, format="json")
        assert r.status_code == 400 and field in r.json(), (body, r.status_code, r.content)
    r = api.post("/api/v1/handovers/", {"case": "abc"}, format="json")
    assert r.status_code == 400
    login(client, org.officer)
    r = client.post(reverse("assets:handover_request", args=[case.pk]), {"handover-assets": ["abc"],
                                                                          "handover-to_team": "zz"})
    assert r.status_code == 400
    assert not Handover.objects.exists()


def test_disposal_list_scope_is_one_query(org, case, seized_house, today, handed_over,
                                          django_assert_num_queries):
    start(seized_house, org.colleague, today)
    for user in (org.colleague, org.officer, org.chief, org.outsider):
        qs = disposal_list_for_user(user=user)  # the user's teams/courts are read once, when the filter is built
        with django_assert_num_queries(1):  # the handover is joined in the one WHERE, not looked up per row
            rows = list(qs)
        assert len(rows) == (0 if user.pk == org.outsider.pk else 1)


def test_court_admin_designates_the_disposal_team_in_the_admin(client, org):
    from django.urls import reverse

    from tests.conftest import login

    login(client, org.court_admin)
    r = client.post(reverse("admin:accounts_team_change", args=[org.other_team.pk]), {
        "court": org.court.pk, "name": org.other_team.name, "kind": "asset_disposal", "leader": "",
        "is_active": "on", "is_disposal_team": "on"})
    assert r.status_code == 302
    org.other_team.refresh_from_db()
    assert org.other_team.is_disposal_team
    login(client, org.officer)  # not an administrator
    r = client.post(reverse("admin:accounts_team_change", args=[org.team.pk]), {
        "court": org.court.pk, "name": org.team.name, "kind": "implementation", "is_disposal_team": "on"})
    assert r.status_code in (302, 403) and not type(org.team).objects.get(pk=org.team.pk).is_disposal_team
