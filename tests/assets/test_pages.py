from datetime import timedelta

import pytest
from django.urls import reverse

from assets import services
from assets.models import Asset, ControlMeasure, Handover, LedgerEntry, Payout, PayoutStatus
from tests.conftest import login

from .conftest import fund, prepare, register_asset


def test_case_page_shows_assets_and_funds_tabs_in_chinese(client, org, case, seized_house):
    login(client, org.officer)
    fund(case, org.finance, "2500.00")
    r = client.get(reverse("cases:detail", args=[case.pk]) + "?tab=assets")
    assert r.status_code == 200
    text = r.content.decode()
    assert "麦积区桥南路8号3单元502室" in text and "查封" in text
    r = client.get(reverse("cases:detail", args=[case.pk]) + "?tab=funds")
    assert case.account_reference in r.content.decode() and "¥2,500.00" in r.content.decode()
    assert "案款" in r.content.decode()


def test_assets_tab_queries_do_not_grow_with_assets(client, org, case, today, django_assert_max_num_queries):
    login(client, org.officer)
    for i in range(8):
        asset = register_asset(case, org.officer, account_number=f"62284800000000{i:05d}")
        services.control_order(actor=org.officer, asset=asset, kind="freeze",
                               ordered_on=today, ruling_number=f"R{i}",
                               assisting_body="农行")
    with django_assert_max_num_queries(30):
        assert client.get(reverse("assets:case_assets", args=[case.pk])).status_code == 200


def test_officer_registers_an_asset_from_the_page(client, org, case):
    login(client, org.officer)
    owner = case.case_parties.get(role="respondent")
    r = client.post(reverse("assets:asset_add", args=[case.pk]), {
        "asset-owner": owner.pk, "asset-kind": "vehicle", "asset-description": "小型轿车 大众帕萨特",
        "asset-plate_number": "甘E·8A123", "asset-source": "network_query", "asset-estimated_value": "85000"})
    assert r.status_code == 302
    assert Asset.objects.get(case=case).plate_number == "甘E·8A123"


def test_missing_identifier_is_shown_on_the_field(client, org, case):
    login(client, org.officer)
    owner = case.case_parties.get(role="respondent")
    r = client.post(reverse("assets:asset_add", args=[case.pk]), {
        "asset-owner": owner.pk, "asset-kind": "vehicle", "asset-description": "轿车", "asset-source": "lead"})
    assert r.status_code == 400
    assert "invalid-feedback" in r.content.decode() and not Asset.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_others_cannot_register_assets(client, org, case, who):
    login(client, getattr(org, who))
    r = client.post(reverse("assets:asset_add", args=[case.pk]), {"asset-kind": "movable"})
    assert r.status_code in (403, 404)


def test_expiring_list_shows_only_visible_measures_within_the_window(client, org, case, make_case, today,
                                                                      django_assert_max_num_queries):
    asset = register_asset(case, org.officer)
    services.control_order(actor=org.officer, asset=asset, kind="freeze", ordered_on=today - timedelta(days=350),
                           ruling_number="（2025）甘0503执88号", assisting_body="农行")
    far = register_asset(case, org.officer, account_number="999")
    services.control_order(actor=org.officer, asset=far, kind="freeze", ordered_on=today - timedelta(days=10),
                           ruling_number="（2026）甘0503执99号", assisting_body="农行")
    login(client, org.chief)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("assets:controls_expiring") + "?days=30")
    text = r.content.decode()
    assert "（2025）甘0503执88号" in text and "（2026）甘0503执99号" not in text
    login(client, org.other_chief)
    assert "（2025）甘0503执88号" not in client.get(reverse("assets:controls_expiring")).content.decode()
    login(client, org.colleague)
    assert "（2025）甘0503执88号" not in client.get(reverse("assets:controls_expiring")).content.decode()


def test_funds_awaiting_lists_receipts_for_finance_and_refuses_clerks(client, org, case,
                                                                      django_assert_max_num_queries):
    fund(case, org.finance, "4321.00", days_ago=40)
    login(client, org.finance)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("assets:funds_awaiting"))
    assert "4,321.00" in r.content.decode() and case.number in r.content.decode()
    login(client, org.clerk)
    assert client.get(reverse("assets:funds_awaiting")).status_code == 403


def test_payout_queue_approve_then_double_clicked_pay_pays_once(client, org, case):
    fund(case, org.finance, "5000.00")
    payout = prepare(case, org.officer, "5000.00")
    login(client, org.finance)
    page = client.get(reverse("assets:payout_queue")).content.decode()
    assert "5,000.00" in page
    client.post(reverse("assets:payout_decide", args=[payout.pk, "approve"]))
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.APPROVED
    for _ in range(3):  # the same confirmation form sent three times
        r = client.post(reverse("assets:payout_decide", args=[payout.pk, "execute"]),
                        {"idempotency_key": "click-1", "amount": "5000.00", "confirm": "on"})
        assert r.status_code == 302
    assert LedgerEntry.objects.filter(payout=payout).count() == 1
    login(client, org.officer)
    assert client.get(reverse("assets:payout_queue")).status_code == 403


def test_preparing_a_payout_from_the_funds_tab(client, org, case):
    fund(case, org.finance, "800.00")
    login(client, org.officer)
    applicant = case.case_parties.get(role="applicant")
    data = {"payout-payee": applicant.pk, "payout-amount": "800.00", "payout-payee_account_name": "张三",
            "payout-payee_bank": "建设银行", "payout-payee_account_number": "6217", "payout-idempotency_key": "abc"}
    client.post(reverse("assets:payout_prepare", args=[case.pk]), data)
    client.post(reverse("assets:payout_prepare", args=[case.pk]), data)  # double click
    assert Payout.objects.filter(case=case).count() == 1
    data["payout-amount"] = "900.00"
    data["payout-idempotency_key"] = "def"
    r = client.post(reverse("assets:payout_prepare", args=[case.pk]), data)
    assert r.status_code == 400


def test_calculator_page_computes_the_worked_fee_example_in_chinese(client, org):
    login(client, org.clerk)
    r = client.get(reverse("assets:calculators"))
    assert "执行费" in r.content.decode() or "申请执行费" in r.content.decode()
    r = client.post(reverse("assets:calculators"), {"calc": "fee", "fee-amount": "1200000"})
    assert "¥14,400.00" in r.content.decode()
    r = client.post(reverse("assets:calculators"), {"calc": "interest", "int-principal": "100000",
                                                    "int-start": "2026-01-01", "int-end": "2026-04-11",
                                                    "int-payments": "2026-01-31 40000"}, HTTP_HX_REQUEST="true")
    assert "¥1,260.00" in r.content.decode()
    r = client.post(reverse("assets:calculators"), {"calc": "distribution", "dist-total": "100",
                                                    "dist-mode": "pro_rata",
                                                    "dist-claims": "甲, 100\n乙, 200"}, HTTP_HX_REQUEST="true")
    assert "¥33.33" in r.content.decode() and "¥66.67" in r.content.decode()


def test_disposal_pages_follow_the_handover(client, org, case, seized_house, today):
    start_form = {f"disp{seized_house.pk}-reference_method": "appraisal",
                  f"disp{seized_house.pk}-reference_requested_on": today.isoformat()}
    url = reverse("assets:disposal_start", args=[seized_house.pk])
    login(client, org.colleague)  # another team, no handover: refused (it used to get 302 and a disposal)
    assert client.post(url, {**start_form, f"disp{seized_house.pk}-team": org.other_team.pk}).status_code == 403
    login(client, org.officer)
    assert client.post(url, start_form).status_code in (400, 403)  # the controlling team (分段集约)
    tab = client.get(reverse("assets:case_assets", args=[case.pk]))
    assert "移交处置" in tab.content.decode()
    r = client.post(reverse("assets:handover_request", args=[case.pk]), {
        "handover-assets": [seized_house.pk], "handover-to_team": org.other_team.pk, "handover-reason": "分段集约"})
    assert r.status_code == 302
    handover = Handover.objects.get(case=case)
    assert handover.status == "pending"
    login(client, org.colleague)
    assert client.post(url, start_form).status_code == 403  # not approved yet
    login(client, org.chief)
    queue = client.get(reverse("assets:handovers"))
    assert queue.status_code == 200 and case.number in queue.content.decode()
    r = client.post(reverse("assets:handover_decide", args=[handover.pk, "approve"]))
    assert r.status_code == 302
    login(client, org.colleague)
    received = client.get(reverse("assets:handovers"))
    assert received.status_code == 200 and seized_house.description in received.content.decode()
    r = client.post(url, start_form)
    assert r.status_code == 302
    detail = client.get(r["Location"])
    assert detail.status_code == 200 and "委托评估" in detail.content.decode()
    assert ControlMeasure.objects.get(asset=seized_house).status == "active"
    login(client, org.officer)  # the case's team sees the disposal but may not act on it any more
    disposal_url = r["Location"]
    assert client.get(disposal_url).status_code == 200
    assert client.post(disposal_url + "withdraw/", {"withdraw-reason": "x"}).status_code == 403
