"""The outbox: each case event sends the right text to the right recipients, exactly once, only with the court's own
templates, and never for events from before the switch-on."""

from __future__ import annotations

from datetime import timedelta
import pytest
from django.utils import timezone

from assets import services as asset_services
from cases.models import CaseParty, PartyRole
from cases.services import action_log, closure_approve, closure_request
from messaging.models import Message, MessageTemplate, OutboxState
from messaging.services import outbox_scan
from tests.assets.conftest import applicant_of, fund, prepare, respondent_of

from .conftest import enable, scan_and_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org, make_case, switched_on):
    for event in ("case_accepted", "funds_received", "payout_executed", "measure_taken", "case_closed"):
        enable(org.chief, org.court, event)
    c = make_case()
    CaseParty.objects.filter(case=c, role=PartyRole.RESPONDENT).update(phone="139 0938 1234")
    org.officer.phone = "0938-2731234"
    org.officer.save(update_fields=["phone"])
    return c


def _by_event(kind):
    return list(Message.objects.filter(event_kind=kind).order_by("id"))


def test_case_accepted_goes_to_both_parties_with_officer_and_case_account(case, sms_outbox):
    scan_and_send()
    sent = _by_event("case_accepted")
    assert [(m.recipient_name, m.address, m.status) for m in sent] == [
        ("张三", "13800000001", "sent"), ("天水示例建材有限公司", "13909381234", "sent")]
    text = sent[0].body
    assert text.startswith("【天水市麦积区人民法院】张三：")
    assert case.number in text and "承办人郑强" in text and "0938-2731234" in text
    assert "2705020109000012345" in text
    # the case's own 案款账号, grouped in fours as on the notices, for the payer's 汇款附言
    grouped = " ".join(case.account_reference[i:i + 4] for i in range(0, len(case.account_reference), 4))
    assert f"汇款附言请注明案款账号{grouped}" in text
    assert [s["to"] for s in sms_outbox] == ["13800000001", "13909381234"]
    assert sms_outbox[0]["text"] == text


def test_money_received_tells_the_applicant_the_amount(case, org):
    outbox_scan()
    fund(case, org.finance, "50000.00")
    scan_and_send()
    [m] = _by_event("funds_received")
    assert m.recipient_name == "张三" and "收到执行款¥50,000.00" in m.body and m.status == "sent"


def test_payout_goes_to_its_payee_only(case, org, make_case):
    fund(case, org.finance, "50000.00")
    payout = prepare(case, org.officer, "20000.00")
    asset_services.payout_approve(actor=org.finance, payout=payout)
    asset_services.payout_execute(actor=org.finance, payout=payout)
    # the template says "both": the respondent still gets nothing, it is the applicant's money
    MessageTemplate.objects.filter(event="payout_executed").update(audience="both")
    scan_and_send()
    [m] = _by_event("payout_executed")
    assert m.case_party == applicant_of(case) and "向您发放案款¥20,000.00" in m.body


def test_measures_send_and_ordinary_actions_do_not(case, org):
    today = timezone.localdate()
    respondent = respondent_of(case)
    action_log(actor=org.officer, case=case, kind="consumption_restriction", occurred_on=today,
               details={"party_ids": [respondent.pk], "measure": "impose"})
    action_log(actor=org.officer, case=case, kind="consumption_restriction", occurred_on=today,
               details={"party_ids": [respondent.pk], "measure": "lift"})  # lifting is no measure taken
    action_log(actor=org.officer, case=case, kind="onsite_investigation", occurred_on=today,
               details={"place": "被执行人住所", "findings": "未发现财产"})
    scan_and_send()
    sent = _by_event("measure_taken")
    assert len(sent) == 1 and "采取限制消费措施" in sent[0].body


def test_a_freeze_is_a_measure(case, org):
    from tests.assets.conftest import register_asset

    asset = register_asset(case, org.officer)
    asset_services.control_order(actor=org.officer, asset=asset, kind="freeze", ordered_on=timezone.localdate(),
                                 ruling_number="（2026）甘0503执1号之一", assisting_body="中国农业银行天水分行")
    scan_and_send()
    [m] = _by_event("measure_taken")
    assert "采取冻结措施" in m.body


def test_closure_tells_both_parties_how_the_case_closed(case, org):
    req = closure_request(actor=org.officer, case=case, mode="terminated", ground="other", reason="申请人撤回申请")
    if req.status != "approved":
        closure_approve(actor=org.chief, request=req)
    scan_and_send()
    sent = _by_event("case_closed")
    assert {m.recipient_name for m in sent} == {"张三", "天水示例建材有限公司"}
    assert all("结案（终结执行）" in m.body for m in sent)


def test_scanning_twice_creates_each_message_once(case):
    outbox_scan()
    first = Message.objects.count()
    OutboxState.objects.update(switched_on_at=timezone.now() - timedelta(hours=1))
    from messaging.models import OutboxEvent

    OutboxEvent.objects.all().delete()  # even with the read markers lost, the unique key holds
    outbox_scan()
    assert first == 2 and Message.objects.count() == 2


def test_no_recipient_without_a_number_is_logged_as_not_sent(org, make_case, switched_on):
    enable(org.chief, org.court, "case_accepted")
    case = make_case()
    outbox_scan()
    respondent = Message.objects.get(case_party=respondent_of(case))
    assert respondent.status == "skipped" and respondent.error == "无手机号码"


def test_no_message_for_events_before_the_switch_on(org, make_case):
    enable(org.chief, org.court, "case_accepted")
    make_case()  # recorded before the feature's first run
    assert outbox_scan() == {"events": 0, "messages": 0}
    assert OutboxState.objects.count() == 1 and Message.objects.count() == 0
    make_case(basis_number="（2025）甘0503民初789号")
    outbox_scan()
    assert Message.objects.count() == 2  # only the later case


def test_switching_a_template_on_sends_no_backlog(org, make_case, switched_on):
    make_case()
    enable(org.chief, org.court, "case_accepted")
    assert outbox_scan()["messages"] == 0


def test_another_courts_template_is_never_used(org, make_case, switched_on):
    from tests.conftest import make_user

    other_chief = org.other_chief
    enable(other_chief, org.other_court, "case_accepted", body="【{法院}】别的法院：{案号}")
    make_case()  # a case of the court under test, which has no template
    outbox_scan()
    assert Message.objects.count() == 0
    enable(org.chief, org.court, "case_accepted")
    c2 = make_case(basis_number="（2025）甘0503民初790号")
    other = make_case(court=org.other_court, actor=make_user("qzclerk", org.other_court, ["clerk"]))
    outbox_scan()
    assert {m.case_id for m in Message.objects.all()} == {c2.pk, other.pk}
    assert all("别的法院" not in m.body for m in Message.objects.filter(case=c2))
    assert all("别的法院" in m.body for m in Message.objects.filter(case=other))


def test_email_goes_through_djangos_mail_backend(org, make_case, switched_on, mailoutbox):
    enable(org.chief, org.court, "case_accepted", channel="email")
    case = make_case()
    CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT).update(email="zhangsan@Example.COM")
    scan_and_send()
    [m] = Message.objects.filter(channel="email", status="sent")
    assert m.address == "zhangsan@example.com"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["zhangsan@example.com"]
    assert mailoutbox[0].subject == f"{case.number}执行案件立案受理通知"
    assert Message.objects.get(channel="email", case_party__role="respondent").error == "无电子邮箱"


def test_amounts_are_formatted_from_decimals(case, org):
    fund(case, org.finance, "1234567.80")
    scan_and_send()
    [m] = _by_event("funds_received")
    assert "¥1,234,567.80" in m.body


def test_post_zhongben_query_result_is_told_to_the_applicant(org, make_case, switched_on):
    """ZB-9: after 终本 the applicant is told each 6-monthly query's result; the inquiry app's timeline entry
    (``zhongben_result_to_tell``) sends it, to the applicants only, naming the debtor and what was found."""
    from cases.events import event_log

    enable(org.chief, org.court, "zhongben_result")
    c = make_case()
    debtor = respondent_of(c).party
    CaseParty.objects.filter(case=c, role=PartyRole.RESPONDENT).update(phone="139 0938 1234")
    event_log(case=c, type="zhongben_result_to_tell", actor=None, summary="告知申请执行人终本后查询结果",
              batch="CX202600010001", party_id=debtor.pk, found=2)
    event_log(case=c, type="zhongben_result_to_tell", actor=None, summary="告知申请执行人终本后查询结果",
              batch="CX202600010002", party_id=debtor.pk, found=0)
    scan_and_send()
    sent = _by_event("zhongben_result")
    assert [m.recipient_name for m in sent] == [applicant_of(c).party.name] * 2
    assert f"被执行人{debtor.name}" in sent[0].body and "查询到2项财产" in sent[0].body
    assert "未查询到可供执行的财产" in sent[1].body
    assert all(m.status == "sent" for m in sent)
