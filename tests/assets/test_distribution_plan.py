"""Money a court can trust (issue 18), continued: the distribution plan bounds each of several applicants, the
enforcement fee withheld first can leave the account (执行费划转), and a pending large reversal holds its money back.
The rules are in docs/money.md."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assets import selectors, services
from assets.models import DistributionPlan, EntryKind, LedgerEntry, PlanStatus
from cases.models import CaseEvent
from cases.services import PartyInput
from core.models import CourtSetting
from accounts.models import Role
from tests.conftest import login, make_user

from .conftest import applicant_of, approved_plan, fund, prepare, respondent_of


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def two(org, make_case):
    """A case with two applicants (张三, 李四), a 100,000 claim, no delayed interest, 100,000 on the account."""
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number="11010519491231002X"),
        PartyInput(role="applicant", kind="person", name="李四", id_kind="resident_id", id_number="440524198001010013"),
        PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司", id_kind="uscc",
                   id_number="91110108551385082Q"),
    ]
    today = timezone.localdate()
    case = make_case(parties=parties, principal="100000.00", basis_effective_on=date(2026, 1, 1), basis_due_on=today)
    fund(case, org.finance, "100000.00", days_ago=0)
    return case


def applicants(case):
    return list(case.case_parties.filter(role="applicant").order_by("position"))


def pay(case, payee, amount, actor):
    return services.payout_prepare(actor=actor, case=case, payee=payee, amount=Decimal(amount),
                                   payee_account_name=payee.party.name, payee_bank="中国建设银行天水分行",
                                   payee_account_number="6217000000000000001")


# --- The plan ------------------------------------------------------------------------------------------------------

def test_without_a_plan_no_applicant_of_several_is_paid_with_the_message(org, two):
    zhang, _li = applicants(two)
    with pytest.raises(ValidationError) as exc:
        pay(two, zhang, "1.00", org.officer)
    assert "分配方案" in " ".join(exc.value.message_dict["payee"])
    r = api_for(org.officer).post("/api/v1/payouts/", {
        "case": two.pk, "payee": zhang.pk, "amount": "1.00", "payee_account_name": "张三",
        "payee_bank": "中国建设银行天水分行", "payee_account_number": "6217000000000000001"}, format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "本案有多名申请执行人，请先报批分配方案" in r.json()["payee"][0]


def test_one_applicant_needs_no_plan(org, case):
    fund(case, org.finance, "50000.00")
    assert not selectors.payout_limits(case=case).plan_required
    prepare(case, org.officer, "30000.00")


def test_plan_is_prepared_by_the_officer_approved_by_the_chief_never_the_preparer(org, two):
    zhang, li = applicants(two)
    plan = services.distribution_plan_prepare(actor=org.officer, case=two, lines=[
        {"party": zhang.pk, "amount": "60000.00"}, {"party": li.pk, "amount": "40000.00"}])
    assert plan.status == PlanStatus.DRAFT and plan.total == Decimal("100000.00")
    with pytest.raises(ValidationError):  # a draft does not bound anything yet: still refused
        pay(two, zhang, "1.00", org.officer)
    with pytest.raises(PermissionDenied):
        services.distribution_plan_approve(actor=org.finance, plan=plan)  # finance is not the chief
    with pytest.raises(PermissionDenied):
        services.distribution_plan_prepare(actor=org.outsider, case=two, lines=[
            {"party": zhang.pk, "amount": "1.00"}])
    services.distribution_plan_approve(actor=org.chief, plan=plan)
    assert CaseEvent.objects.filter(case=two, type="distribution_plan_approved").exists()
    # A chief who is also an officer of the team may prepare a plan, but not approve their own.
    both = make_user("chief_officer", org.court, [Role.OFFICER, Role.CHIEF], [org.team])
    own = services.distribution_plan_prepare(actor=both, case=two, lines=[{"party": zhang.pk, "amount": "1"}])
    with pytest.raises(PermissionDenied):
        services.distribution_plan_approve(actor=both, plan=own)
    with pytest.raises(PermissionDenied):
        services.distribution_plan_prepare(actor=org.chief, case=two, lines=[{"party": zhang.pk, "amount": "1"}])
    # The database refuses the preparer as approver too.
    with pytest.raises(IntegrityError), transaction.atomic():
        DistributionPlan.objects.filter(pk=own.pk).update(approved_by=both)


def test_each_applicant_is_bounded_by_their_line_and_a_new_plan_supersedes(org, two):
    zhang, li = applicants(two)
    first = approved_plan(two, {zhang: "70000.00", li: "30000.00"}, preparer=org.officer, approver=org.chief)
    pay(two, zhang, "70000.00", org.officer)
    with pytest.raises(ValidationError) as exc:
        pay(two, zhang, "0.01", org.officer)
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError):
        pay(two, li, "30000.01", org.officer)
    second = approved_plan(two, {zhang: "70000.00", li: "20000.00"}, preparer=org.finance, approver=org.chief)
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED and second.status == PlanStatus.APPROVED
    with pytest.raises(ValidationError):
        pay(two, li, "20000.01", org.officer)
    pay(two, li, "20000.00", org.officer)
    limits = selectors.payout_limits(case=two)
    assert [(a.allotted, a.limit) for a in limits.applicants] == [(Decimal("70000.00"), Decimal("0.00")),
                                                                  (Decimal("20000.00"), Decimal("0.00"))]


def test_withdrawing_the_approved_plan_stops_payouts_again(org, two):
    zhang, li = applicants(two)
    plan = approved_plan(two, {zhang: "50000.00", li: "50000.00"}, preparer=org.officer, approver=org.chief)
    with pytest.raises(PermissionDenied):
        services.distribution_plan_withdraw(actor=org.officer, plan=plan)  # only the chief, once approved
    services.distribution_plan_withdraw(actor=org.chief, plan=plan, reason="重新计算")
    assert selectors.payout_limits(case=two).plan_required
    with pytest.raises(ValidationError):
        pay(two, zhang, "1.00", org.officer)
    with pytest.raises(ValidationError):
        services.distribution_plan_approve(actor=org.chief, plan=plan)


@pytest.mark.parametrize("lines, field", [
    ([], "lines"),
    ([{"party": "x", "amount": "1"}], "lines.0.party"),
    ([{"party": None, "amount": "1"}], "lines.0.party"),
    ([{"party": True, "amount": "1"}], "lines.0.party"),
    (["junk"], "lines.0"),
])
def test_bad_lines_are_refused_naming_the_field(org, two, lines, field):
    with pytest.raises(ValidationError) as exc:
        services.distribution_plan_prepare(actor=org.officer, case=two, lines=lines)
    assert field in exc.value.message_dict
    assert not DistributionPlan.objects.filter(case=two).exists()


def test_lines_only_for_this_cases_applicants_money_and_within_what_can_be_distributed(org, two, make_case):
    zhang, li = applicants(two)
    other = applicant_of(make_case())
    debtor = respondent_of(two)
    cases = [
        ([{"party": other.pk, "amount": "1"}], "lines.0.party"),  # another case's applicant
        ([{"party": debtor.pk, "amount": "1"}], "lines.0.party"),  # the debtor is no applicant
        ([{"party": zhang.pk, "amount": "1"}, {"party": zhang.pk, "amount": "1"}], "lines.1.party"),
        ([{"party": zhang.pk, "amount": "1e3"}], "lines.0.amount"),
        ([{"party": zhang.pk, "amount": 1.5}], "lines.0.amount"),
        ([{"party": zhang.pk, "amount": "-1"}], "lines.0.amount"),
        ([{"party": zhang.pk, "amount": "60000.00"}, {"party": li.pk, "amount": "40000.01"}], "lines"),
        ([{"party": debtor.pk, "amount": "1", "kind": "surplus"}], "lines"),  # no applicant line at all
    ]
    for lines, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.distribution_plan_prepare(actor=org.officer, case=two, lines=lines)
        assert field in exc.value.message_dict, (lines, exc.value.message_dict)
    assert not DistributionPlan.objects.filter(case=two).exists()
    # Money free in the account plus what the applicants were paid or promised: a surplus line for the debtor too.
    plan = services.distribution_plan_prepare(actor=org.officer, case=two, lines=[
        {"party": zhang.pk, "amount": "60000.00"}, {"party": li.pk, "amount": "30000.00"},
        {"party": debtor.pk, "amount": "10000.00", "kind": "surplus"}])
    assert plan.lines.count() == 3


def test_approval_checks_the_total_again(org, two):
    zhang, li = applicants(two)
    plan = services.distribution_plan_prepare(actor=org.officer, case=two, lines=[
        {"party": zhang.pk, "amount": "60000.00"}, {"party": li.pk, "amount": "40000.00"}])
    entry = LedgerEntry.objects.get(case=two)
    CourtSetting.objects.create(court=org.court, key="reversal_second_person_threshold", value="1000000")
    services.entry_reverse(actor=org.finance, entry=entry, reason="错账")  # the money left the account
    with pytest.raises(ValidationError) as exc:
        services.distribution_plan_approve(actor=org.chief, plan=plan)
    assert "lines" in exc.value.message_dict


def test_pro_rata_helper_uses_the_calculator(org, two):
    zhang, li = applicants(two)
    shares = services.distribution.distribution_plan_pro_rata(case=two, claims={zhang.pk: "150000", li.pk: "50000"})
    assert shares == {zhang.pk: Decimal("75000.00"), li.pk: Decimal("25000.00")}


def test_funds_page_prepares_and_approves_a_plan(client, org, two):
    zhang, li = applicants(two)
    login(client, org.officer)
    url = reverse("assets:distribution_plan_prepare", args=[two.pk])
    page = client.post(url, {f"plan-claim_{zhang.pk}": "300000", f"plan-claim_{li.pk}": "100000", "pro_rata": "1"})
    assert page.status_code == 200 and 'value="75000.00"' in page.content.decode()
    r = client.post(url, {f"plan-amount_{zhang.pk}": "75000.00", f"plan-amount_{li.pk}": "25000.00",
                          "plan-note": "按债权比例"})
    assert r.status_code == 302
    plan = DistributionPlan.objects.get(case=two)
    bad = client.post(url, {f"plan-amount_{zhang.pk}": "abc"})
    assert bad.status_code == 400 and DistributionPlan.objects.filter(case=two).count() == 1
    page = client.get(reverse("assets:case_funds", args=[two.pk])).content.decode()
    assert 'id="distribution-plans"' in page and "75,000.00" in page
    login(client, org.chief)
    page = client.get(reverse("assets:case_funds", args=[two.pk])).content.decode()
    approve = reverse("assets:distribution_plan_decide", args=[plan.pk, "approve"])
    assert approve in page
    assert client.post(approve).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_api_plans(org, two):
    zhang, li = applicants(two)
    body = {"case": two.pk, "lines": [{"party": zhang.pk, "amount": "60000.00"},
                                      {"party": li.pk, "amount": "40000.00"}]}
    assert api_for(org.outsider).post("/api/v1/distribution-plans/", body, format="json").status_code in (403, 404)
    r = api_for(org.officer).post("/api/v1/distribution-plans/", body, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert api_for(org.officer).post(f"/api/v1/distribution-plans/{pk}/approve/").status_code == 403
    assert api_for(org.finance).post(f"/api/v1/distribution-plans/{pk}/approve/").status_code == 403
    r = api_for(org.chief).post(f"/api/v1/distribution-plans/{pk}/approve/")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    listed = api_for(org.officer).get(f"/api/v1/distribution-plans/?case={two.pk}").json()["results"]
    assert [p["id"] for p in listed] == [pk] and listed[0]["lines"][0]["amount"] == "60000.00"
    bad = api_for(org.officer).post("/api/v1/distribution-plans/", {"case": two.pk, "lines": [
        {"party": zhang.pk, "amount": "1.5e3"}]}, format="json")
    assert bad.status_code == 400
    r = api_for(org.chief).post(f"/api/v1/distribution-plans/{pk}/withdraw/", {"reason": "重算"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


# --- The enforcement fee transfer ------------------------------------------------------------------------------

@pytest.fixture
def fee_case(org, case):
    CourtSetting.objects.create(court=org.court, key="fee_withheld_first", value=True)
    fund(case, org.finance, "100000.00")
    case.refresh_from_db()  # amount_recovered: the fee's base
    return case


def test_fee_transfer_lets_the_withheld_fee_leave_and_closes_the_payout_clock(org, fee_case):
    """Before, nothing took the withheld fee out of the account: the receipt's payout clock stayed open by it."""
    limits = selectors.payout_limits(case=fee_case)
    fee = limits.fee
    assert fee == Decimal("1400.00")  # 100,000 recovered (§4.3)
    payout = prepare(fee_case, org.officer, str(limits.applicant_limit))
    services.payout_approve(actor=org.finance, payout=payout)
    services.payout_execute(actor=org.finance, payout=payout)
    receipt = LedgerEntry.objects.get(case=fee_case, kind="debtor_payment")
    assert receipt.paid_out_on is None  # the fee is still in the account
    with pytest.raises(PermissionDenied):
        services.fee_transfer_record(actor=org.officer, case=fee_case, amount="1400.00")
    with pytest.raises(ValidationError) as exc:
        services.fee_transfer_record(actor=org.finance, case=fee_case, amount="1400.01")
    assert "amount" in exc.value.message_dict
    entry = services.fee_transfer_record(actor=org.finance, case=fee_case, amount="1400.00", reference="FEE001")
    assert entry.kind == EntryKind.FEE_TRANSFER and entry.signed_amount == Decimal("-1400.00")
    receipt.refresh_from_db()
    assert receipt.paid_out_on == timezone.localdate()
    after = selectors.payout_limits(case=fee_case)
    assert (after.fee, after.fee_transferred, after.fee_due) == (Decimal("0.00"), fee, fee)
    with pytest.raises(ValidationError):  # nothing more is withheld
        services.fee_transfer_record(actor=org.finance, case=fee_case, amount="0.01")
    assert CaseEvent.objects.filter(case=fee_case, type="funds_fee_transferred").exists()
    # A mistaken transfer is reversed: the fee is withheld again and the clock reopens.
    services.entry_reverse(actor=org.finance, entry=entry, reason="划错")
    assert selectors.payout_limits(case=fee_case).fee == fee
    receipt.refresh_from_db()
    assert receipt.paid_out_on is None


def test_fee_transfer_bad_input_and_split_amounts(org, fee_case):
    for amount in ("", "abc", "-1", "0", "1e2", "0.001"):
        with pytest.raises(ValidationError) as exc:
            services.fee_transfer_record(actor=org.finance, case=fee_case, amount=amount)
        assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.fee_transfer_record(actor=org.finance, case=fee_case, amount="1",
                                     occurred_on=timezone.localdate().replace(year=2099))
    assert "occurred_on" in exc.value.message_dict
    services.fee_transfer_record(actor=org.finance, case=fee_case, amount="1000.00")
    with pytest.raises(ValidationError):
        services.fee_transfer_record(actor=org.finance, case=fee_case, amount="400.01")
    services.fee_transfer_record(actor=org.finance, case=fee_case, amount="400.00")
    assert not LedgerEntry.objects.filter(case=fee_case, kind="fee_transfer", amount__lt=1).exists()


def test_fee_transfer_not_without_the_fee_withheld(org, case):
    fund(case, org.finance, "100000.00")
    with pytest.raises(ValidationError):
        services.fee_transfer_record(actor=org.finance, case=case, amount="1.00")


def test_fee_transfer_page_and_api(client, org, fee_case):
    login(client, org.finance)
    page = client.get(reverse("assets:case_funds", args=[fee_case.pk])).content.decode()
    assert 'id="fee-transfer"' in page
    url = reverse("assets:fee_transfer", args=[fee_case.pk])
    assert client.post(url, {"fee-amount": "x", "fee-occurred_on": str(timezone.localdate())}).status_code == 400
    r = client.post(url, {"fee-amount": "400.00", "fee-occurred_on": str(timezone.localdate())})
    assert r.status_code == 302
    api = api_for(org.finance)
    assert api.post("/api/v1/ledger-entries/fee-transfer/", {"case": fee_case.pk, "amount": "1000.01"},
                    format="json").status_code == 400
    r = api.post("/api/v1/ledger-entries/fee-transfer/", {"case": fee_case.pk, "amount": "1000.00"}, format="json")
    assert r.status_code == 201 and r.json()["kind"] == "fee_transfer"
    assert api_for(org.officer).post("/api/v1/ledger-entries/fee-transfer/", {"case": fee_case.pk, "amount": "1"},
                                     format="json").status_code == 403
    data = api.get(f"/api/v1/case-funds/{fee_case.pk}/").json()
    assert data["fee_withheld"] == "0.00" and data["fee_transferred"] == "1400.00"


# --- Money held for a pending reversal -----------------------------------------------------------------------------

def test_a_payout_that_would_leave_the_account_short_of_a_pending_reversal_is_refused(org, case):
    """Before, a pending large reversal did not reduce what payouts could take: 70,000 could be promised out of
    100,000 while a 60,000 receipt awaited reversal, and the reversal then could not be carried out."""
    fund(case, org.finance, "40000.00")
    large = fund(case, org.finance, "60000.00")
    request = services.entry_reverse(actor=org.finance, entry=large, reason="重复入账")
    limits = selectors.payout_limits(case=case)
    assert (limits.held, limits.free) == (Decimal("60000.00"), Decimal("40000.00"))
    with pytest.raises(ValidationError) as exc:
        prepare(case, org.officer, "40000.01")
    assert "amount" in exc.value.message_dict
    prepare(case, org.officer, "40000.00")
    services.reversal_confirm(actor=org.chief, request=request)  # the reversal can still be carried out
    assert selectors.payout_limits(case=case).held == 0
