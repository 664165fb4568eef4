from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import ClosureRequest, Settlement, TermPause
from cases.selectors import leads_overdue_for_user
from cases.services import (
    case_resume, closure_request, instalment_record, lead_handle, lead_register, petition_answer, petition_register,
    settlement_breach, settlement_register,
)


def test_lead_must_be_checked_within_seven_days_or_three_if_urgent(org, make_case):
    case = make_case()
    now = timezone.now()
    lead = lead_register(actor=org.clerk, case=case, description="被执行人名下有车辆", received_at=now)
    urgent = lead_register(actor=org.clerk, case=case, description="被执行人正在转移财产", received_at=now, urgent=True)
    assert lead.due_at == now + timedelta(days=7) and urgent.due_at == now + timedelta(days=3)
    assert lead.officer == org.officer


def test_overdue_leads_are_flagged_for_the_officer_and_the_chief(org, make_case):
    case = make_case()
    old = lead_register(actor=org.clerk, case=case, description="线索", received_at=timezone.now() - timedelta(days=8))
    assert list(leads_overdue_for_user(user=org.officer)) == [old]
    assert list(leads_overdue_for_user(user=org.chief)) == [old]
    assert list(leads_overdue_for_user(user=org.colleague)) == []
    lead_handle(actor=org.officer, lead=old, result="经查该车辆已被他院查封")
    assert list(leads_overdue_for_user(user=org.officer)) == []
    with pytest.raises(ValidationError):
        lead_handle(actor=org.officer, lead=old, result="again")


def test_petition_deadline_is_configurable_and_the_reply_is_kept(org, make_case):
    from core.models import CourtSetting

    case = make_case()
    p = petition_register(actor=org.clerk, case=case, content="申请人反映执行不力", received_on=date(2026, 3, 10))
    assert p.due_on == date(2026, 3, 25) and p.assigned_to == org.officer
    CourtSetting.objects.create(court=org.court, key="petition_answer_days", value=30)
    p2 = petition_register(actor=org.clerk, case=case, content="投诉", received_on=date(2026, 3, 10), kind="complaint")
    assert p2.due_on == date(2026, 4, 9)
    with pytest.raises(ValidationError) as exc:
        petition_answer(actor=org.officer, petition=p, reply="")
    assert "reply" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        petition_answer(actor=org.colleague, petition=p, reply="已答复")
    p = petition_answer(actor=org.officer, petition=p, reply="已向申请人说明执行进展", answered_on=date(2026, 3, 20))
    assert p.reply and p.answered_by == org.officer


def test_settlement_instalments_performed_end_the_stay(org, make_case):
    today = timezone.localdate()
    case = make_case(received_on=today - timedelta(days=30), filed_on=today - timedelta(days=30))
    s = settlement_register(actor=org.officer, case=case, signed_on=today - timedelta(days=20), terms="分两期付清",
                            instalments=[(today - timedelta(days=10), Decimal("50000")),
                                         (today, Decimal("50000.00"))])
    assert s.total_amount == Decimal("100000.00")
    assert TermPause.objects.filter(case=case, kind="settlement", ended_on__isnull=True).exists()
    first, second = s.instalments.order_by("number")
    instalment_record(actor=org.officer, instalment=first, paid_on=today - timedelta(days=10), paid_amount="50000")
    with pytest.raises(ValidationError) as exc:
        instalment_record(actor=org.officer, instalment=second, paid_on=today, paid_amount="50000.001")
    assert "paid_amount" in exc.value.message_dict
    instalment_record(actor=org.officer, instalment=second, paid_on=today, paid_amount="50000.00")
    s.refresh_from_db()
    assert s.status == "performed"
    assert TermPause.objects.get(case=case, kind="settlement").ended_on == today
    req = closure_request(actor=org.officer, case=case, mode="fulfilled", reason="和解协议履行完毕")
    assert req.status == "approved"


def test_instalments_must_be_in_order_and_positive(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        settlement_register(actor=org.officer, case=case, signed_on=date(2026, 3, 10), terms="x",
                            instalments=[(date(2026, 5, 1), Decimal("10")), (date(2026, 4, 1), Decimal("10"))])
    assert "instalments.1.due_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        settlement_register(actor=org.officer, case=case, signed_on=date(2026, 3, 10), terms="x",
                            instalments=[(date(2026, 5, 1), Decimal("0"))])
    assert "instalments.0.amount" in exc.value.message_dict
    assert not Settlement.objects.exists()


def test_breach_ends_the_stay_and_allows_resumption(org, make_case):
    today = timezone.localdate()
    case = make_case(received_on=today - timedelta(days=30), filed_on=today - timedelta(days=30))
    s = settlement_register(actor=org.officer, case=case, signed_on=today - timedelta(days=20), terms="分期",
                            instalments=[(today - timedelta(days=5), Decimal("100000"))])
    s = settlement_breach(actor=org.officer, settlement=s, breached_on=today, note="第一期未付")
    assert s.status == "breached"
    assert TermPause.objects.get(case=case, kind="settlement").ended_on == today
    closure_request(actor=org.officer, case=case, mode="terminated", ground="other", reason="和解")
    from cases.services import closure_approve

    closure_approve(actor=org.chief, request=ClosureRequest.objects.get(case=case))
    new = case_resume(actor=org.clerk, case=case, reason="不履行和解协议，申请恢复执行")
    assert new.origin_case_id == case.pk
