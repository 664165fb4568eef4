"""Deadlines from the assets app: control expiry and renewal, preservation T-7, reference price, payouts, objections."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from assets.services import (
    asset_register,
    control_order,
    control_release,
    control_renew,
    objection_decide,
    objection_record,
    receipt_record,
)
from deadlines import engine
from deadlines.models import Deadline


@pytest.fixture
def case(org, make_case):
    return make_case(received_on=date(2025, 3, 2), filed_on=date(2025, 3, 4), basis_effective_on=date(2025, 1, 1),
                     basis_due_on=date(2025, 2, 1))


def _asset(org, case, kind="bank_deposit", description="工商银行账户6222****1234"):
    owner = case.case_parties.get(role="respondent")
    return asset_register(actor=org.officer, case=case, owner=owner, kind=kind, description=description,
                          source="network_query", bank_name="工商银行", account_number="62220000001234",
                          certificate_number="甘(2020)麦积区不动产权第0001234号", plate_number="甘E12345",
                          estimated_value=Decimal("80000.00"), location="天水市")


def test_freeze_expiry_warns_at_30_and_7_days_and_renewal_moves_it(org, case, deadline_of):
    asset = _asset(org, case)
    control = control_order(actor=org.officer, asset=asset, kind="freeze", ordered_on=date(2025, 12, 1),
                            ruling_number="（2025）甘0503执1号之一", assisting_body="工商银行天水分行")
    engine.recompute(today=date(2026, 11, 1))
    d = deadline_of(control, "control_expiry")
    assert d.due_on == control.expires_on == date(2026, 12, 1)
    assert d.warn_days == [30, 7] and d.warn_from == date(2026, 11, 1)
    control_renew(actor=org.officer, control=control, renewed_on=date(2026, 11, 20), ruling_number="续冻1号")
    engine.recompute(today=date(2026, 11, 21))
    d.refresh_from_db()
    assert d.due_on == date(2027, 12, 1) and d.status == "open"


def test_released_control_meets_its_expiry_deadline(org, case, deadline_of):
    asset = _asset(org, case)
    control = control_order(actor=org.officer, asset=asset, kind="freeze", ordered_on=date(2025, 12, 1),
                            ruling_number="（2025）甘0503执1号之一", assisting_body="工商银行天水分行")
    engine.recompute(today=date(2026, 1, 1))
    control_release(actor=org.officer, control=control, released_on=date(2026, 2, 1), ground="debt_paid")
    engine.recompute(today=date(2026, 2, 2))
    d = deadline_of(control, "control_expiry")
    assert d.status == "met" and d.met_on == date(2026, 2, 1)


def test_preservation_renewal_is_due_seven_days_before_expiry(org, case, deadline_of):
    asset = _asset(org, case)
    control = control_order(actor=org.officer, asset=asset, kind="freeze", ordered_on=date(2025, 12, 1),
                            ruling_number="（2025）甘0503财保1号", assisting_body="工商银行", preservation=True)
    engine.recompute(today=date(2026, 1, 1))
    assert deadline_of(control, "preservation_renewal").due_on == control.expires_on - timedelta(days=7)


def test_seized_house_needs_a_reference_price_within_30_days(org, case, deadline_of):
    house = _asset(org, case, kind="real_estate", description="麦积区桥南路1号住宅")
    control = control_order(actor=org.officer, asset=house, kind="seizure", ordered_on=date(2026, 3, 2),
                            ruling_number="（2025）甘0503执1号之二", assisting_body="麦积区不动产登记中心")
    engine.recompute(today=date(2026, 3, 3))
    d = deadline_of(control, "reference_price")
    assert d.due_on == date(2026, 4, 1) and d.status == "open"


def test_receipt_must_be_paid_out_within_30_days(org, case, deadline_of):
    entry = receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("12000.00"),
                           occurred_on=date(2026, 3, 2), payer="天水示例建材有限公司")
    engine.recompute(today=date(2026, 3, 3))
    d = deadline_of(entry, "payout")
    assert d.due_on == date(2026, 4, 1) and d.status == "open"
    type(entry).objects.filter(pk=entry.pk).update(paid_out_on=date(2026, 3, 20))
    engine.recompute(today=date(2026, 3, 21))
    d.refresh_from_db()
    assert d.status == "met" and d.met_on == date(2026, 3, 20)


def test_third_party_objection_is_decided_within_15_days(org, case, deadline_of):
    asset = _asset(org, case, kind="vehicle", description="甘E12345 小型轿车")
    objection = objection_record(actor=org.officer, asset=asset, objector="李四", filed_on=date(2026, 3, 2))
    engine.recompute(today=date(2026, 3, 3))
    d = deadline_of(objection, "objection")
    assert d.due_on == date(2026, 3, 17)
    objection_decide(actor=org.officer, objection=objection, status="dismissed", decided_on=date(2026, 3, 10))
    engine.recompute(today=date(2026, 3, 11))
    d.refresh_from_db()
    assert d.status == "met"


def test_scan_lapses_expired_controls_through_the_assets_service(org, case, deadline_of):
    from deadlines.services import deadlines_scan

    asset = _asset(org, case)
    control = control_order(actor=org.officer, asset=asset, kind="freeze", ordered_on=date(2025, 1, 10),
                            ruling_number="（2025）甘0503执1号之三", assisting_body="工商银行")
    result = deadlines_scan(today=date(2026, 1, 20))
    control.refresh_from_db()
    assert result.lapsed == 1 and control.status == "lapsed"
    assert deadline_of(control, "control_expiry").status == "overdue"
    assert Deadline.objects.filter(kind="control_expiry", status="overdue").count() == 1


def test_the_fee_transfer_counts_as_money_paid_out_for_the_payout_deadline(org, case, deadline_of):
    """With the fee withheld first, the receipt's payout deadline stayed open by the fee (nothing took it out of
    the account); the fee transfer (执行费划转) settles it like a disbursement."""
    from django.utils import timezone

    from assets import selectors, services
    from core.models import CourtSetting

    CourtSetting.objects.create(court=org.court, key="fee_withheld_first", value=True)
    today = timezone.localdate()
    entry = receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("12000.00"),
                           occurred_on=today - timedelta(days=5), payer="天水示例建材有限公司")
    case.refresh_from_db()
    limits = selectors.payout_limits(case=case)
    assert limits.fee == Decimal("80.00")  # 12,000 x 1.5% - 100
    applicant = case.case_parties.get(role="applicant")
    payout = services.payout_prepare(actor=org.officer, case=case, payee=applicant, amount=limits.applicant_limit,
                                     payee_account_name=applicant.party.name, payee_bank="中国建设银行天水分行",
                                     payee_account_number="6217000000000000001")
    services.payout_approve(actor=org.finance, payout=payout)
    services.payout_execute(actor=org.finance, payout=payout)
    engine.recompute(today=today)
    assert deadline_of(entry, "payout").status == "open"
    services.fee_transfer_record(actor=org.finance, case=case, amount="80.00")
    engine.recompute(today=today)
    d = deadline_of(entry, "payout")
    assert d.status == "met" and d.met_on == today
