"""The assets app's steps move the case's stage forward (core.rules.stages): a control ruling → 财产控制, a disposal
started → 财产处置, money received or paid out → 案款发放; never a closed or paused case, never backwards."""

from decimal import Decimal

from django.urls import reverse

from assets import services
from cases.models import CaseEvent, Stage
from cases.services import suspension_approve, suspension_request
from tests.conftest import login

from .conftest import fund, hand_over, prepare


def stage_steps(case):
    return [(e.parameters["old"], e.parameters["new"], e.parameters.get("step"))
            for e in CaseEvent.objects.filter(case=case, type="stage_changed").order_by("id")]


def test_a_control_ruling_on_the_assets_page_moves_the_case_to_control(org, case, house, client, today):
    login(client, org.officer)
    p = f"order{house.pk}"
    r = client.post(reverse("assets:control_order", args=[house.pk]), {
        f"{p}-kind": "seizure", f"{p}-ordered_on": today.isoformat(), f"{p}-ruling_number": "（2026）甘0503执1号之一",
        f"{p}-assisting_body": "天水市麦积区不动产登记中心"})
    assert r.status_code == 302, r.content.decode()[:2000]
    case.refresh_from_db()
    assert case.stage == Stage.CONTROL
    assert stage_steps(case) == [("registered", "control", "control")]
    event = CaseEvent.objects.get(case=case, type="stage_changed")
    assert event.actor == org.officer


def test_starting_a_disposal_on_the_page_moves_the_case_to_disposal(org, case, seized_house, client, today):
    hand_over(org, case, assets=[seized_house])
    login(client, org.colleague)  # the disposal team's officer (分段集约)
    p = f"disp{seized_house.pk}"
    r = client.post(reverse("assets:disposal_start", args=[seized_house.pk]), {
        f"{p}-reference_method": "appraisal", f"{p}-reference_requested_on": today.isoformat()})
    assert r.status_code == 302, r.content.decode()[:2000]
    case.refresh_from_db()
    assert case.stage == Stage.DISPOSAL
    assert stage_steps(case)[-1] == ("control", "disposal", "disposal")


def test_money_received_on_the_funds_page_moves_the_case_to_payout(org, case, client, today):
    login(client, org.finance)
    page = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    token = page.split('name="receipt-form_token" value="')[1].split('"')[0]
    r = client.post(reverse("assets:receipt_add", args=[case.pk]), {
        "receipt-kind": "debtor_payment", "receipt-amount": "3000.00", "receipt-occurred_on": str(today),
        "receipt-form_token": token})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.PAYOUT
    assert stage_steps(case) == [("registered", "payout", "funds")]
    event = CaseEvent.objects.get(case=case, type="stage_changed")
    assert event.actor == org.finance


def test_a_payout_keeps_the_case_at_payout_and_a_later_seizure_does_not_move_it_back(org, case, house, today):
    fund(case, org.finance)
    payout = prepare(case, org.officer)
    services.payout_approve(actor=org.chief, payout=payout)
    services.payout_execute(actor=org.chief, payout=payout)
    services.control_order(actor=org.officer, asset=house, kind="seizure", ordered_on=today,
                           ruling_number="（2026）甘0503执1号之二", assisting_body="不动产登记中心")
    case.refresh_from_db()
    assert case.stage == Stage.PAYOUT and len(stage_steps(case)) == 1


def test_money_received_on_a_suspended_case_does_not_move_it(org, case):
    request = suspension_request(actor=org.officer, case=case, ground="third_party_objection", reason="案外人异议")
    suspension_approve(actor=org.chief, request=request)
    fund(case, org.finance, amount="500.00")
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED and case.resume_stage == Stage.REGISTERED
    assert case.amount_recovered == Decimal("500.00")
    assert [s[1] for s in stage_steps(case)] == ["suspended"]
