"""The invariants of objections and reconsideration (docs/review.md), each tried against the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assets import services as asset_services
from cases.models import Case, CaseType, ClosureMode, Stage
from review import services
from review.models import Objection, ObjectionStatus

from .conftest import deliberate, schedule_round


def _suspend_disposal(register, org, disposal, **kw):
    values = dict(kind="act", contested_kind="disposal", disposal_id=disposal.pk, contested_act="", suspends=True,
                  suspension_reason="异议人提供了充分有效的担保")
    values.update(kw)
    return register(**values)


def test_registration_makes_a_numbered_objection_case_with_the_adjudication_team(register, org, case, adj_team):
    objection = register()
    review_case = objection.case
    assert review_case.case_type == CaseType.OBJECTION
    assert "执异" in review_case.number and review_case.number != case.number
    assert review_case.team == adj_team and review_case.officer == adj_team.judge
    assert review_case.filed_on == objection.accepted_on and review_case.received_on == objection.received_on
    # the debtor objecting keeps its party record and its role (被执行人) in the 执异 case
    (objector,) = review_case.case_parties.select_related("party")
    debtor = case.case_parties.get(role="respondent")
    assert objector.party_id == debtor.party_id and objector.role == "respondent"
    assert case.events.filter(type="objection_registered").count() == 1
    assert review_case.events.filter(type="objection_registered").count() == 1


def test_a_suspending_objection_stops_every_disposal_step_until_dismissed(register, org, disposal, today):
    objection = _suspend_disposal(register, org, disposal)
    with pytest.raises(ValidationError) as exc:
        schedule_round(org, disposal, today)
    assert objection.case.number in exc.value.message_dict["asset"][0]
    deliberate(objection, org.clerk, today)
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed", ruled_on=today,
                            reasons="拍卖程序合法")
    objection.refresh_from_db()
    assert not objection.hold_active
    auction = schedule_round(org, disposal, today)  # proceeds once dismissed
    assert auction.round_no == 1


def test_a_sale_cannot_be_recorded_while_suspended(register, org, disposal, today):
    auction = asset_services.auction_round_schedule(
        actor=org.colleague, disposal=disposal, notice_on=today - timedelta(days=31),
        auction_on=today - timedelta(days=1),
        opening_price="560000")
    _suspend_disposal(register, org, disposal)
    with pytest.raises(ValidationError) as exc:
        asset_services.auction_round_record_result(actor=org.colleague, auction=auction, result="sold",
                                                   ended_on=today, hammer_price="600000", buyer="王五")
    assert "asset" in exc.value.message_dict
    # withdrawing the round stays possible (stopping the sale is what the suspension is for)
    asset_services.auction_round_record_result(actor=org.colleague, auction=auction, result="withdrawn", ended_on=today)


def test_an_act_objection_suspends_only_with_a_reason(register, org, disposal):
    with pytest.raises(ValidationError) as exc:
        _suspend_disposal(register, org, disposal, suspension_reason="")
    assert "suspension_reason" in exc.value.message_dict
    assert not Objection.objects.exists() and not Case.objects.filter(case_type=CaseType.OBJECTION).exists()


def test_a_suspension_needs_an_asset(register):
    with pytest.raises(ValidationError) as exc:
        register(suspends=True, suspension_reason="担保")
    assert "suspends" in exc.value.message_dict


def test_third_party_dismissed_holds_through_the_suit_window_and_the_suit(register, org, house, disposal, today):
    objection = register(kind="third_party", objector="李四", objector_kind="person", contested_kind="asset",
                         asset_id=house.pk, contested_act="", suspends=True, received_on=today - timedelta(days=40),
                         accepted_on=today - timedelta(days=40))
    deliberate(objection, org.clerk, today - timedelta(days=35))
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed",
                            ruled_on=today - timedelta(days=30), reasons="证据不足")
    objection.refresh_from_db()
    assert objection.hold_active and objection.hold_until is None  # not served yet: held
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today - timedelta(days=10))
    objection.refresh_from_db()
    assert objection.hold_until == today + timedelta(days=5)
    with pytest.raises(ValidationError):
        schedule_round(org, disposal, today)
    services.objection_suit_record(actor=org.clerk, objection=objection, filed_on=today - timedelta(days=2))
    objection.refresh_from_db()
    assert objection.hold_active and objection.hold_until is None
    services.objection_suit_record(actor=org.clerk, objection=objection, ended_on=today)
    objection.refresh_from_db()
    assert not objection.hold_active
    assert schedule_round(org, disposal, today).round_no == 1


def test_third_party_window_passed_releases_the_asset(register, org, house, disposal, today):
    objection = register(kind="third_party", objector="李四", contested_kind="asset", asset_id=house.pk,
                         contested_act="", suspends=True, received_on=today - timedelta(days=60),
                         accepted_on=today - timedelta(days=60))
    deliberate(objection, org.clerk, today - timedelta(days=50))
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed",
                            ruled_on=today - timedelta(days=50), reasons="证据不足")
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today - timedelta(days=16))
    objection.refresh_from_db()
    assert objection.hold_active and objection.hold_until == today - timedelta(days=1)
    assert schedule_round(org, disposal, today).round_no == 1  # the window ended yesterday
    with pytest.raises(ValidationError) as exc:  # a suit filed after the window does not hold the subject
        services.objection_suit_record(actor=org.clerk, objection=objection, filed_on=today)
    assert "suit_filed_on" in exc.value.message_dict


def test_third_party_upheld_keeps_the_subject_out_of_the_disposal(register, org, house, disposal, today):
    objection = register(kind="third_party", objector="李四", contested_kind="asset", asset_id=house.pk,
                         contested_act="", suspends=True)
    deliberate(objection, org.clerk, today)
    services.objection_rule(actor=org.chief, objection=objection, outcome="upheld", ruled_on=today, reasons="属实")
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today)
    with pytest.raises(ValidationError):
        schedule_round(org, disposal, today)
    with pytest.raises(PermissionDenied):  # the clerk may not lift it
        services.objection_hold_lift(actor=org.clerk, objection=objection, reason="已解除查封")
    services.objection_hold_lift(actor=org.chief, objection=objection, reason="申请执行人许可执行之诉胜诉")
    assert schedule_round(org, disposal, today).round_no == 1


def test_no_ruling_after_withdrawal_nor_twice_nor_without_deliberation(register, org, today):
    first = register()
    with pytest.raises(ValidationError) as exc:
        services.objection_rule(actor=org.chief, objection=first, outcome="dismissed", ruled_on=today, reasons="x")
    assert "合议" in exc.value.message_dict["outcome"][0]
    services.objection_withdraw(actor=org.clerk, objection=first, withdrawn_on=today)
    first.refresh_from_db()
    assert first.case.stage == Stage.CLOSED and first.case.closure_mode == ClosureMode.REVIEW_DECIDED
    with pytest.raises(ValidationError) as exc:
        services.objection_rule(actor=org.chief, objection=first, outcome="dismissed", ruled_on=today, reasons="x")
    assert "撤回" in exc.value.message_dict["status"][0]
    second = register(objector="王五")
    deliberate(second, org.clerk, today)
    services.objection_rule(actor=org.chief, objection=second, outcome="upheld", ruled_on=today, reasons="成立")
    with pytest.raises(ValidationError):
        services.objection_rule(actor=org.chief, objection=second, outcome="dismissed", ruled_on=today, reasons="x")
    second.refresh_from_db()
    assert second.outcome == "upheld" and second.case.closed_on == today


def test_double_registration_is_refused_but_another_objector_is_not(register, org, disposal):
    first = _suspend_disposal(register, org, disposal)
    with pytest.raises(ValidationError) as exc:
        _suspend_disposal(register, org, disposal)
    assert first.case.number in exc.value.message_dict["objector"][0]
    assert Objection.objects.count() == 1 and Case.objects.filter(case_type=CaseType.OBJECTION).count() == 1
    _suspend_disposal(register, org, disposal, objector="另一异议人")
    assert Objection.objects.count() == 2


def test_reconsideration_within_ten_days_of_service_only(register, org, today):
    objection = register(received_on=today - timedelta(days=30), accepted_on=today - timedelta(days=30))
    deliberate(objection, org.clerk, today - timedelta(days=25))
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed",
                            ruled_on=today - timedelta(days=25), reasons="不成立")
    with pytest.raises(ValidationError):  # not served yet
        services.reconsideration_apply(actor=org.clerk, objection=objection, applicant="x", applied_on=today)
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today - timedelta(days=11))
    with pytest.raises(ValidationError) as exc:
        services.reconsideration_apply(actor=org.clerk, objection=objection, applicant="天水示例建材有限公司",
                                       applied_on=today)
    assert "applied_on" in exc.value.message_dict
    recon = services.reconsideration_apply(actor=org.clerk, objection=objection, applicant="天水示例建材有限公司",
                                           applied_on=today - timedelta(days=1))
    assert recon.higher_court == org.intermediate


def test_third_party_rulings_go_to_suit_not_reconsideration(register, org, house, today):
    objection = register(kind="third_party", objector="李四", contested_kind="asset", asset_id=house.pk,
                         contested_act="")
    deliberate(objection, org.clerk, today)
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed", ruled_on=today, reasons="x")
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today)
    with pytest.raises(ValidationError):
        services.reconsideration_apply(actor=org.clerk, objection=objection, applicant="李四", applied_on=today)


def test_only_the_higher_court_decides_and_a_reversal_restores_the_suspension(register, org, disposal, today):
    objection = _suspend_disposal(register, org, disposal, received_on=today - timedelta(days=20),
                                  accepted_on=today - timedelta(days=20))
    deliberate(objection, org.clerk, today - timedelta(days=15))
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed",
                            ruled_on=today - timedelta(days=15), reasons="不成立")
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today - timedelta(days=10))
    recon = services.reconsideration_apply(actor=org.clerk, objection=objection, applicant="天水示例建材有限公司",
                                           applied_on=today - timedelta(days=5))
    with pytest.raises(ValidationError):  # the file has not gone up yet
        services.reconsideration_decide(actor=org.supervisor, reconsideration=recon, outcome="reversed",
                                        decided_on=today)
    services.reconsideration_send_up(actor=org.clerk, reconsideration=recon, sent_on=today - timedelta(days=4))
    for outsider in (org.chief, org.clerk, org.other_chief):
        with pytest.raises(PermissionDenied):
            services.reconsideration_decide(actor=outsider, reconsideration=recon, outcome="reversed",
                                            decided_on=today)
    services.reconsideration_extend(actor=org.supervisor, reconsideration=recon)
    with pytest.raises(ValidationError):
        services.reconsideration_extend(actor=org.supervisor, reconsideration=recon)
    services.reconsideration_decide(actor=org.supervisor, reconsideration=recon, outcome="reversed",
                                    decided_on=today, higher_number="（2026）甘05执复3号")
    objection.refresh_from_db()
    assert objection.hold_active
    with pytest.raises(ValidationError):
        schedule_round(org, disposal, today)


def test_other_teams_and_courts_cannot_act(register, org, case, adj_team, make_case, today):
    objection = register()
    for user in (org.colleague, org.outsider, org.finance):
        with pytest.raises(PermissionDenied):
            services.session_record(actor=user, objection=objection, kind="hearing", held_on=today,
                                    participants="x", minutes="y")
    with pytest.raises(PermissionDenied):  # the case's own officer cannot rule (nor register: no CASE_REGISTER)
        services.objection_rule(actor=org.officer, objection=objection, outcome="upheld", ruled_on=today, reasons="x")
    with pytest.raises(PermissionDenied):
        register(actor=org.officer, objector="张某某")
    with pytest.raises(PermissionDenied):
        register(actor=org.other_chief, objector="张某某")
    # the adjudication judge of the 执异 case records the hearing (REVIEW_HANDLE on his team's case)
    services.session_record(actor=adj_team.judge, objection=objection, kind="hearing", held_on=today,
                            participants="异议人、申请执行人", minutes="听证笔录")
    assert objection.sessions.count() == 1


def test_another_courts_team_is_not_an_adjudication_team_here(register, org):
    with pytest.raises(ValidationError) as exc:
        register(team=org.foreign_team)
    assert "team" in exc.value.message_dict


@pytest.mark.parametrize("name", ["李\u202e四", "李\u200b四", "李\x07四"])
def test_control_characters_in_the_objectors_name_are_refused(register, name):
    with pytest.raises(ValidationError) as exc:
        register(objector=name)
    assert "objector" in exc.value.message_dict
    assert not Objection.objects.exists()


def test_minutes_files_are_checked(register, org, today):
    objection = register()
    fake = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.session_record(actor=org.clerk, objection=objection, kind="hearing", held_on=today,
                                participants="x", minutes_file=fake)
    assert "minutes_file" in exc.value.message_dict
    exe = SimpleUploadedFile("minutes.exe", b"%PDF-1.4", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.session_record(actor=org.clerk, objection=objection, kind="hearing", held_on=today,
                                participants="x", minutes_file=exe)
    with pytest.raises(ValidationError) as exc:  # neither typed nor uploaded
        services.session_record(actor=org.clerk, objection=objection, kind="hearing", held_on=today, participants="x")
    assert "minutes" in exc.value.message_dict
    ok = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    session = services.session_record(actor=org.clerk, objection=objection, kind="hearing", held_on=today,
                                      participants="x", minutes_file=ok)
    assert session.minutes_file.name.endswith(".pdf")
    assert objection.sessions.count() == 1


def test_dates_out_of_order_are_refused(register, org, today):
    with pytest.raises(ValidationError) as exc:
        register(received_on=today, accepted_on=today - timedelta(days=1))
    assert "accepted_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        register(received_on=today + timedelta(days=1), accepted_on=today + timedelta(days=1))
    assert "received_on" in exc.value.message_dict
    objection = register()
    with pytest.raises(ValidationError) as exc:
        services.session_record(actor=org.clerk, objection=objection, kind="hearing",
                                held_on=objection.accepted_on - timedelta(days=1), participants="x", minutes="y")
    assert "held_on" in exc.value.message_dict
    assert objection.status == ObjectionStatus.PENDING


def test_the_missing_papers_notice_is_given_once(register, org, today):
    objection = register()
    services.objection_papers_notice(actor=org.clerk, objection=objection, notice_on=today)
    with pytest.raises(ValidationError) as exc:
        services.objection_papers_notice(actor=org.clerk, objection=objection, notice_on=today)
    assert "papers_notice_on" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.objection_papers_notice(actor=org.colleague, objection=register(objector="乙"), notice_on=today)


def test_a_remand_restores_the_suspension(register, org, disposal, today):
    objection = _suspend_disposal(register, org, disposal, received_on=today - timedelta(days=20),
                                  accepted_on=today - timedelta(days=20))
    deliberate(objection, org.clerk, today - timedelta(days=15))
    services.objection_rule(actor=org.chief, objection=objection, outcome="dismissed",
                            ruled_on=today - timedelta(days=15), reasons="不成立")
    services.objection_serve(actor=org.clerk, objection=objection, served_on=today - timedelta(days=10))
    recon = services.reconsideration_apply(actor=org.clerk, objection=objection, applicant="x",
                                           applied_on=today - timedelta(days=5))
    services.reconsideration_send_up(actor=org.clerk, reconsideration=recon, sent_on=today - timedelta(days=4))
    services.reconsideration_decide(actor=org.supervisor, reconsideration=recon, outcome="remanded", decided_on=today)
    objection.refresh_from_db()
    assert objection.hold_active
