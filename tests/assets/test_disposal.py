from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assets import services
from assets.models import ControlStatus, Disposal, DisposalStatus, RoundResult
from accounts.models import Role
from core.models import CourtSetting
from tests.conftest import make_user

from .conftest import hand_over, register_asset


def start(asset, actor, team, today, method="appraisal"):
    return services.disposal_start(actor=actor, asset=asset, team=team, reference_method=method,
                                   reference_requested_on=today - timedelta(days=35))


def test_only_the_team_the_case_was_handed_over_to_disposes(org, seized_house, today):
    # Issue 18: an officer of another team used to start the auction of a case that was not theirs, on their own.
    with pytest.raises(PermissionDenied):
        start(seized_house, org.colleague, org.other_team, today)
    with pytest.raises(PermissionDenied):
        start(seized_house, org.colleague, None, today)
    with pytest.raises(ValidationError) as exc:  # the case's own team controlled the asset (分段集约)
        start(seized_house, org.officer, org.team, today)
    assert "team" in exc.value.message_dict
    handover = hand_over(org, seized_house.case)
    with pytest.raises(PermissionDenied):  # handed over: the case's team no longer disposes of it
        start(seized_house, org.officer, org.team, today)
    with pytest.raises(ValidationError) as exc:  # the receiving team disposes, under its own name only
        start(seized_house, org.colleague, org.team, today)
    assert "team" in exc.value.message_dict
    both = make_user("both", org.court, [Role.OFFICER], [org.team, org.other_team])
    with pytest.raises(PermissionDenied):  # belongs to the controlling team too
        start(seized_house, both, org.other_team, today)
    disposal = start(seized_house, org.colleague, None, today)
    assert disposal.team == org.other_team and disposal.started_by == org.colleague
    assert disposal.handover == handover
    assert disposal.reference_due_on == disposal.reference_requested_on + timedelta(days=30)


def test_separation_is_a_court_setting(org, seized_house, today):
    CourtSetting.objects.create(court=org.court, key="separate_control_and_disposal", value=False)
    assert start(seized_house, org.officer, org.team, today).team == org.team


def test_no_disposal_without_control_or_with_a_pending_objection(org, case, house, seized_house, today, handed_over):
    other = register_asset(case, org.officer, kind="vehicle")
    with pytest.raises(ValidationError) as exc:
        start(other, org.colleague, org.other_team, today)
    assert "asset" in exc.value.message_dict
    objection = services.objection_record(actor=org.officer, asset=seized_house, objector="王某（案外人）",
                                          filed_on=today)
    seized_house.refresh_from_db()
    assert seized_house.objection_pending
    with pytest.raises(ValidationError):
        start(seized_house, org.colleague, org.other_team, today)
    services.objection_decide(actor=org.officer, objection=objection, status="dismissed", decided_on=today)
    seized_house.refresh_from_db()
    assert not seized_house.objection_pending
    assert start(seized_house, org.colleague, org.other_team, today).status == DisposalStatus.PRICING


def test_objection_during_an_auction_blocks_the_next_round(org, seized_house, today, handed_over):
    disposal = start(seized_house, org.colleague, org.other_team, today)
    services.disposal_reference_price_set(actor=org.colleague, disposal=disposal, reference_price="800000",
                                          report_on=today - timedelta(days=34))
    services.objection_record(actor=org.officer, asset=seized_house, objector="案外人", filed_on=today)
    with pytest.raises(ValidationError) as exc:
        services.auction_round_schedule(actor=org.colleague, disposal=disposal, notice_on=today,
                                        auction_on=today + timedelta(days=30), opening_price="560000")
    assert "asset" in exc.value.message_dict


def test_auction_rounds_follow_the_price_and_date_rules_then_sale_ruling_and_proceeds(org, case, seized_house,
                                                                                       today, handed_over):
    d = services.disposal_start(actor=org.colleague, asset=seized_house, team=org.other_team,
                                reference_method="appraisal", reference_requested_on=today - timedelta(days=100))
    services.disposal_reference_price_set(actor=org.colleague, disposal=d, reference_price="800000.00",
                                          report_on=today - timedelta(days=85))
    d.refresh_from_db()
    assert d.reference_valid_until == (today - timedelta(days=85)).replace(year=(today - timedelta(days=85)).year + 1)
    notice = today - timedelta(days=80)

    def schedule(notice_on, auction_on, price, **kw):
        return services.auction_round_schedule(actor=org.colleague, disposal=d, notice_on=notice_on,
                                               auction_on=auction_on, opening_price=price, **kw)

    with pytest.raises(ValidationError) as exc:  # below 70% of the reference price
        schedule(notice, notice + timedelta(days=30), "559999.99")
    assert "opening_price" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # real estate needs 30 days' notice
        schedule(notice, notice + timedelta(days=29), "560000.00")
    assert "auction_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # deposit outside 5%-20%
        schedule(notice, notice + timedelta(days=30), "560000.00", deposit="10.00")
    assert "deposit" in exc.value.message_dict
    r1 = schedule(notice, notice + timedelta(days=30), "560000.00", deposit="56000.00")
    with pytest.raises(ValidationError):  # the first round has not failed
        schedule(today, today + timedelta(days=15), "448000.00")
    failed_on = notice + timedelta(days=30)
    services.auction_round_record_result(actor=org.colleague, auction=r1, result=RoundResult.FAILED, ended_on=failed_on)
    with pytest.raises(ValidationError) as exc:  # a cut of more than 20%
        schedule(failed_on + timedelta(days=2), failed_on + timedelta(days=17), "447999.99")
    assert "opening_price" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # more than 30 days after the failed round
        schedule(failed_on + timedelta(days=16), failed_on + timedelta(days=31), "448000.00")
    assert "auction_on" in exc.value.message_dict
    r2 = schedule(failed_on + timedelta(days=2), failed_on + timedelta(days=17), "448000.00")
    with pytest.raises(ValidationError) as exc:
        services.auction_round_record_result(actor=org.colleague, auction=r2, result=RoundResult.SOLD,
                                             ended_on=r2.auction_on, hammer_price="447000.00", buyer="李建华")
    assert "hammer_price" in exc.value.message_dict
    services.auction_round_record_result(actor=org.colleague, auction=r2, result=RoundResult.SOLD,
                                         ended_on=r2.auction_on, hammer_price="470000.00", buyer="李建华")
    d.refresh_from_db()
    assert (d.status, d.final_price, d.buyer) == (DisposalStatus.SOLD, Decimal("470000.00"), "李建华")

    with pytest.raises(PermissionDenied):  # the controlling officer cannot act on the disposal
        services.disposal_ruling_record(actor=org.officer, disposal=d, ruling_number="x", served_on=today)
    served = r2.auction_on + timedelta(days=5)
    services.disposal_ruling_record(actor=org.colleague, disposal=d, ruling_number="（2026）甘0503执1号之三",
                                    served_on=served)
    d.refresh_from_db()
    assert d.handover_due_on == served + timedelta(days=15)
    control = seized_house.controls.get()
    assert (control.status, control.release_ground) == (ControlStatus.RELEASED, "disposed")
    services.disposal_handover_record(actor=org.colleague, disposal=d, handed_over_on=served + timedelta(days=3))

    entry = services.receipt_record(actor=org.finance, case=case, kind="auction_proceeds", amount="470000.00",
                                    occurred_on=served, disposal=d, payer="李建华")
    case.refresh_from_db()
    assert entry.disposal == d and case.amount_recovered == Decimal("470000.00")


def test_two_failed_rounds_then_transfer_to_the_creditor_in_payment(org, seized_house, today, handed_over):
    d = services.disposal_start(actor=org.colleague, asset=seized_house, team=org.other_team,
                                reference_method="online_inquiry", reference_requested_on=today - timedelta(days=100))
    assert d.reference_due_on == today - timedelta(days=97)
    services.disposal_reference_price_set(actor=org.colleague, disposal=d, reference_price="500000",
                                          report_on=today - timedelta(days=98))
    notice = today - timedelta(days=90)
    r1 = services.auction_round_schedule(actor=org.colleague, disposal=d, notice_on=notice,
                                         auction_on=notice + timedelta(days=30), opening_price="350000")
    services.auction_round_record_result(actor=org.colleague, auction=r1, result="failed", ended_on=r1.auction_on)
    r2 = services.auction_round_schedule(actor=org.colleague, disposal=d, notice_on=r1.auction_on + timedelta(days=1),
                                         auction_on=r1.auction_on + timedelta(days=16), opening_price="280000")
    services.auction_round_record_result(actor=org.colleague, auction=r2, result="failed", ended_on=r2.auction_on)
    done = services.disposal_transfer_in_lieu(actor=org.colleague, disposal=d, transferee="张三",
                                              transferred_on=r2.auction_on + timedelta(days=5))
    assert (done.status, done.final_price) == (DisposalStatus.TRANSFERRED, Decimal("280000.00"))
    with pytest.raises(ValidationError):  # no proceeds from a transfer in payment
        services.receipt_record(actor=org.finance, case=d.case, kind="auction_proceeds", amount="1.00",
                                occurred_on=today,
                                disposal=d)


def test_bank_deposits_are_not_auctioned(org, case, today, handed_over):
    deposit = register_asset(case, org.officer)
    services.control_order(actor=org.officer, asset=deposit, kind="freeze", ordered_on=today - timedelta(days=30),
                           ruling_number="r", assisting_body="农行")
    d = services.disposal_start(actor=org.colleague, asset=deposit, team=org.other_team, reference_method="agreement",
                                reference_requested_on=today)
    services.disposal_reference_price_set(actor=org.colleague, disposal=d, reference_price="1000", report_on=today)
    with pytest.raises(ValidationError) as exc:
        services.auction_round_schedule(actor=org.colleague, disposal=d, notice_on=today,
                                        auction_on=today + timedelta(days=30), opening_price="1000")
    assert "asset" in exc.value.message_dict
    assert Disposal.objects.count() == 1
