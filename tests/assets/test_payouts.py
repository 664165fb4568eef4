"""Money a court can trust (issue 18): payouts bounded by the claim, the fee first and the surplus to the debtor;
the approval threshold on the total to a payee; who may return or cancel; the confirmation before paying; the payee's
account name; and the approval queue that shows every payout. The rules are in docs/money.md."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from assets import selectors, services
from assets.models import EntryKind, LedgerEntry, Payout, PayoutKind, PayoutStatus
from cases.models import CaseEvent
from cases.services import PartyInput
from core.models import CourtSetting
from core.rules.interest import delayed_interest
from core.rules.payout_limits import ApplicantFigures, payout_limits
from tests.conftest import login, make_user

from .conftest import applicant_of, approved_plan, fund, prepare, respondent_of


def pay(case, payee, amount, *, actor, kind=PayoutKind.APPLICANT, name=None, **kw):
    return services.payout_prepare(actor=actor, case=case, payee=payee, amount=Decimal(amount), kind=kind,
                                   payee_account_name=name or payee.party.name, payee_bank="中国建设银行天水分行",
                                   payee_account_number="6217000000000000001", **kw)


def approve_and_execute(payout, approver):
    services.payout_approve(actor=approver, payout=payout)
    return services.payout_execute(actor=approver, payout=payout)


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- 1. The claim bounds the payouts ------------------------------------------------------------------------------

def test_rule_applicants_share_the_claim_and_the_rest_is_surplus():
    limits = payout_limits(
        claimed=Decimal("100000.00"), delayed_interest=Decimal("1750.00"), fee=Decimal("1400.00"),
        balance=Decimal("150000.00"), promised=Decimal("20000.00"),
        applicants=[ApplicantFigures(1, "张三", Decimal("30000.00"), Decimal("20000.00"), Decimal("61750.00")),
                    ApplicantFigures(2, "李四", Decimal("0.00"), Decimal("0.00"), Decimal("40000.00"))], plan=True)
    assert limits.claim == Decimal("101750.00")
    assert limits.still_owed == Decimal("51750.00")  # 101,750 - 30,000 paid - 20,000 promised
    assert limits.free == Decimal("128600.00")  # 150,000 - 20,000 promised - 1,400 fee
    assert limits.applicant_limit == Decimal("51750.00")
    assert limits.surplus == Decimal("76850.00")  # 128,600 - 51,750
    # The approved plan bounds each: 61,750 - 30,000 - 20,000 for 张三, the 40,000 allotted for 李四.
    assert [a.limit for a in limits.applicants] == [Decimal("11750.00"), Decimal("40000.00")]
    busy = payout_limits(claimed=Decimal("100000.00"), delayed_interest=Decimal("0"), fee=Decimal("0"),
                         balance=Decimal("48000.00"), promised=Decimal("48000.00"),
                         applicants=[ApplicantFigures(1, "张三", Decimal("0"), Decimal("48000.00"))])
    assert (busy.applicants[0].limit, busy.applicant_limit) == (Decimal("52000.00"), Decimal("0.00"))
    short = payout_limits(claimed=Decimal("100000.00"), delayed_interest=Decimal("0"), fee=Decimal("1400.00"),
                          balance=Decimal("50000.00"), promised=Decimal("0"), applicants=[])
    assert (short.applicant_limit, short.surplus) == (Decimal("48600.00"), Decimal("0.00"))


def test_a_payout_beyond_the_claim_is_refused_naming_the_limit(org, case, today):
    """Today 202,000 could be paid to the applicant of a 100,000 claim."""
    fund(case, org.finance, "202000.00", days_ago=3)
    interest = delayed_interest(principal=Decimal("100000.00"), start=date(2025, 12, 31), end=today,
                                payments=[(today - timedelta(days=3), Decimal("202000.00"))]).total
    limit = Decimal("100000.00") + interest
    assert selectors.payout_limits(case=case).still_owed == limit
    with pytest.raises(ValidationError) as exc:
        prepare(case, org.officer, "202000.00")
    message = " ".join(exc.value.message_dict["amount"])
    assert "张三" in message and f"¥{limit:,.2f}" in message
    with pytest.raises(ValidationError):
        prepare(case, org.officer, str(limit + Decimal("0.01")))
    assert prepare(case, org.officer, str(limit)).amount == limit  # the interest is part of the claim
    assert not Payout.objects.filter(amount__gt=limit).exists()


def test_split_payouts_cannot_exceed_the_claim_together_and_paid_ones_count(org, case):
    fund(case, org.finance, "202000.00")
    limit = selectors.payout_limits(case=case).still_owed
    first = prepare(case, org.officer, "90000.00")
    with pytest.raises(ValidationError) as exc:
        prepare(case, org.officer, str(limit - Decimal("90000.00") + Decimal("0.01")))
    assert "amount" in exc.value.message_dict
    approve_and_execute(first, org.finance)
    assert selectors.payout_limits(case=case).paid_applicants == Decimal("90000.00")
    with pytest.raises(ValidationError):
        prepare(case, org.officer, str(limit - Decimal("90000.00") + Decimal("0.01")))
    prepare(case, org.officer, str(limit - Decimal("90000.00")))


def test_approval_and_execution_check_the_claim_again(org, case):
    """A payout written past the service (or prepared before the claim shrank) is still stopped."""
    fund(case, org.finance, "202000.00")
    payout = Payout.objects.create(case=case, court=org.court, payee=applicant_of(case), amount=Decimal("150000.00"),
                                   payee_account_name="张三", payee_bank="建行", payee_account_number="1",
                                   prepared_by=org.officer)
    with pytest.raises(ValidationError):
        services.payout_approve(actor=org.chief, payout=payout)
    Payout.objects.filter(pk=payout.pk).update(status=PayoutStatus.APPROVED, approved_by=org.chief,
                                               approved_at=timezone.now())
    with pytest.raises(ValidationError):
        services.payout_execute(actor=org.chief, payout=payout)
    assert not LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).exists()


def test_the_enforcement_fee_is_withheld_first_where_the_court_collects_it(org, case):
    fund(case, org.finance, "100000.00")
    case.refresh_from_db()  # amount_recovered
    assert selectors.payout_limits(case=case).fee == Decimal("0.00")  # default: not withheld
    CourtSetting.objects.create(court=org.court, key="fee_withheld_first", value=True)
    limits = selectors.payout_limits(case=case)
    assert limits.fee == Decimal("1400.00")  # 100,000 recovered: 100,000 x 1.5% - 100 (domain.md §4.3)
    assert limits.applicant_limit == Decimal("98600.00")
    with pytest.raises(ValidationError) as exc:
        prepare(case, org.officer, "98600.01")
    assert "¥1,400.00" in " ".join(exc.value.message_dict["amount"])
    prepare(case, org.officer, "98600.00")


def test_the_surplus_goes_to_the_debtor_only_after_the_applicants_and_only_with_the_chief(org, case):
    fund(case, org.finance, "202000.00")
    debtor = respondent_of(case)
    limits = selectors.payout_limits(case=case)
    surplus = Decimal("202000.00") - limits.claim
    assert limits.surplus == surplus
    with pytest.raises(ValidationError) as exc:  # a debtor is paid only the surplus
        pay(case, debtor, "100.00", actor=org.officer)
    assert "payee" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # the surplus is not for an applicant
        pay(case, applicant_of(case), "100.00", actor=org.officer, kind=PayoutKind.SURPLUS)
    assert "payee" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        pay(case, debtor, str(surplus + Decimal("0.01")), actor=org.officer, kind=PayoutKind.SURPLUS)
    assert f"¥{surplus:,.2f}" in " ".join(exc.value.message_dict["amount"])
    back = pay(case, debtor, str(surplus), actor=org.officer, kind=PayoutKind.SURPLUS)
    with pytest.raises(PermissionDenied):  # even a small surplus payout needs the chief
        services.payout_approve(actor=org.finance, payout=back)
    # The applicants' claim is still theirs: the surplus payout promised the rest of the account away from them.
    with pytest.raises(ValidationError):
        pay(case, debtor, "0.01", actor=org.officer, kind=PayoutKind.SURPLUS)
    assert services.payout_approve(actor=org.chief, payout=back).status == PayoutStatus.APPROVED
    services.payout_execute(actor=org.finance, payout=back)
    assert selectors.payout_limits(case=case).still_owed == limits.claim  # the applicant still gets all the claim


def test_several_applicants_need_an_approved_plan_which_bounds_each(org, make_case):
    """Before the distribution plan, the applicants shared one claim: 李四 could take what 张三 was owed. Now with
    two applicants and no approved plan neither is paid; with one, each is bounded by their line."""
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number="11010519491231002X"),
        PartyInput(role="applicant", kind="person", name="李四", id_kind="resident_id", id_number="440524198001010013"),
        PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司", id_kind="uscc",
                   id_number="91110108551385082Q"),
    ]
    case = make_case(parties=parties, basis_due_on=None, basis_effective_on=date(2026, 3, 1))
    fund(case, org.finance, "300000.00")
    zhang, li = case.case_parties.filter(role="applicant").order_by("position")
    with pytest.raises(ValidationError) as exc:
        pay(case, zhang, "60000.00", actor=org.officer)
    assert "payee" in exc.value.message_dict
    assert selectors.payout_limits(case=case).plan_required
    approved_plan(case, {zhang: "60000.00", li: "40000.00"}, preparer=org.officer, approver=org.chief)
    pay(case, zhang, "60000.00", actor=org.officer)
    with pytest.raises(ValidationError) as exc:
        pay(case, li, "40000.01", actor=org.officer)
    assert "李四" in " ".join(exc.value.message_dict["amount"])
    with pytest.raises(ValidationError):
        pay(case, zhang, "0.01", actor=org.officer)  # 张三's line is used up, though the claim is not
    pay(case, li, "40000.00", actor=org.officer)


def test_funds_page_and_api_show_the_payout_limit(client, org, case):
    fund(case, org.finance, "202000.00")
    limits = selectors.payout_limits(case=case)
    login(client, org.officer)
    page = client.get(reverse("assets:case_funds", args=[case.pk])).content.decode()
    assert 'id="payout-limits"' in page and f"¥{limits.still_owed:,}" in page and f"¥{limits.surplus:,}" in page
    data = api_for(org.officer).get(f"/api/v1/case-funds/{case.pk}/").json()
    assert data["applicant_limit"] == str(limits.applicant_limit) and data["surplus"] == str(limits.surplus)


def test_api_refuses_a_payout_beyond_the_claim(org, case):
    fund(case, org.finance, "202000.00")
    r = api_for(org.officer).post("/api/v1/payouts/", {
        "case": case.pk, "payee": applicant_of(case).pk, "amount": "202000.00", "payee_account_name": "张三",
        "payee_bank": "建行", "payee_account_number": "6217"}, format="json")
    assert r.status_code == 400 and "amount" in r.json()
    assert not Payout.objects.exists()


# --- 2. The approval threshold applies to the total to a payee -----------------------------------------------------

@pytest.fixture
def big_case(make_case, org):
    case = make_case(principal="400000.00")
    fund(case, org.finance, "300000.00")
    return case


def test_two_payouts_of_60000_to_one_payee_need_the_chief_like_one_of_120000(org, big_case):
    a = prepare(big_case, org.officer, "60000.00")
    b = prepare(big_case, org.officer, "60000.00")
    for payout in (a, b):
        with pytest.raises(PermissionDenied) as exc:
            services.payout_approve(actor=org.finance, payout=payout)
        assert "¥120,000.00" in str(exc.value)
    assert services.payout_approve(actor=org.chief, payout=a).status == PayoutStatus.APPROVED
    with pytest.raises(PermissionDenied):  # the approved one still counts while it awaits payment
        services.payout_approve(actor=org.finance, payout=b)


def test_payouts_executed_within_the_window_count_and_older_ones_do_not(org, big_case):
    first = prepare(big_case, org.officer, "60000.00")
    approve_and_execute(first, org.finance)  # alone, below the threshold
    second = prepare(big_case, org.officer, "60000.00")
    with pytest.raises(PermissionDenied):
        services.payout_approve(actor=org.finance, payout=second)
    Payout.objects.filter(pk=first.pk).update(executed_at=timezone.now() - timedelta(days=31))
    assert services.payout_approve(actor=org.finance, payout=second).status == PayoutStatus.APPROVED
    CourtSetting.objects.create(court=org.court, key="payout_total_window_days", value=60)
    third = prepare(big_case, org.officer, "10000.00")
    with pytest.raises(PermissionDenied):  # 60,000 paid 31 days ago counts again within 60 days, + 60,000 + 10,000
        services.payout_approve(actor=org.finance, payout=third)


def test_payouts_to_different_payees_are_not_added_together(org, make_case):
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number="11010519491231002X"),
        PartyInput(role="applicant", kind="person", name="李四", id_kind="resident_id", id_number="440524198001010013"),
        PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司", id_kind="uscc",
                   id_number="91110108551385082Q"),
    ]
    case = make_case(parties=parties, principal="400000.00")
    fund(case, org.finance, "300000.00")
    zhang, li = case.case_parties.filter(role="applicant").order_by("position")
    approved_plan(case, {zhang: "150000.00", li: "150000.00"}, preparer=org.officer, approver=org.chief)
    pay(case, zhang, "60000.00", actor=org.officer)
    other = pay(case, li, "60000.00", actor=org.officer)
    assert services.payout_approve(actor=org.finance, payout=other).status == PayoutStatus.APPROVED


# --- 3. Return and cancel at or above the threshold; the confirmation before paying ----------------------------------

def test_finance_cannot_return_or_cancel_a_large_payout_but_the_chief_can(org, big_case):
    big = prepare(big_case, org.officer, "150000.00")
    with pytest.raises(PermissionDenied):
        services.payout_return(actor=org.finance, payout=big, reason="账号有误")
    with pytest.raises(PermissionDenied):
        services.payout_cancel(actor=org.finance, payout=big, reason="暂缓")
    services.payout_approve(actor=org.chief, payout=big)
    with pytest.raises(PermissionDenied):
        services.payout_cancel(actor=org.finance, payout=big, reason="暂缓")
    with pytest.raises(PermissionDenied):  # the preparer cannot undo the chief's approval either
        services.payout_cancel(actor=org.officer, payout=big, reason="暂缓")
    big.refresh_from_db()
    assert big.status == PayoutStatus.APPROVED
    assert services.payout_cancel(actor=org.chief, payout=big, reason="申请人要求暂缓").status == PayoutStatus.CANCELLED


def test_the_threshold_for_return_counts_the_total_and_the_preparer_may_withdraw_own(org, big_case):
    a = prepare(big_case, org.officer, "60000.00")
    b = prepare(big_case, org.officer, "60000.00")
    with pytest.raises(PermissionDenied):
        services.payout_return(actor=org.finance, payout=a, reason="账号有误")
    assert services.payout_cancel(actor=org.officer, payout=b, reason="重复申请").status == PayoutStatus.CANCELLED
    assert services.payout_return(actor=org.finance, payout=a, reason="账号有误").status == PayoutStatus.RETURNED
    small = prepare(big_case, org.officer, "1000.00")
    assert services.payout_return(actor=org.finance, payout=small, reason="x").status == PayoutStatus.RETURNED


def test_finance_sees_why_return_is_refused_on_the_queue(client, org, big_case):
    big = prepare(big_case, org.officer, "150000.00")
    login(client, org.finance)
    r = client.post(reverse("assets:payout_decide", args=[big.pk, "return"]), {"reason": "账号有误"}, follow=True)
    assert r.status_code == 200 and "¥100,000.00" in r.content.decode()
    big.refresh_from_db()
    assert big.status == PayoutStatus.PREPARED


@pytest.fixture
def approved(org, case):
    fund(case, org.finance, "5000.00")
    payout = prepare(case, org.officer, "5000.00")
    services.payout_approve(actor=org.finance, payout=payout)
    return payout


def test_a_bare_post_does_not_pay(client, org, approved):
    login(client, org.finance)
    url = reverse("assets:payout_decide", args=[approved.pk, "execute"])
    r = client.post(url, {"idempotency_key": "k1"})
    assert r.status_code == 302 and reverse("assets:payout_confirm", args=[approved.pk]) in r["Location"]
    client.post(url, {"idempotency_key": "k2", "amount": "4000.00", "confirm": "on"})  # a stale amount
    client.post(url, {"idempotency_key": "k3", "amount": "5000.00"})  # the box not ticked
    approved.refresh_from_db()
    assert approved.status == PayoutStatus.APPROVED
    assert not LedgerEntry.objects.filter(payout=approved).exists()


def test_the_confirmation_page_names_amount_and_payee_and_then_pays(client, org, approved):
    login(client, org.finance)
    queue = client.get(reverse("assets:payout_queue")).content.decode()
    confirm_url = reverse("assets:payout_confirm", args=[approved.pk])
    assert confirm_url in queue  # "Pay" leads to the confirmation step
    assert reverse("assets:payout_decide", args=[approved.pk, "execute"]) not in queue
    page = client.get(confirm_url).content.decode()
    assert "5000.00" in page and "张三" in page and "6217000000000000001" in page
    assert 'name="confirm"' in page and "required" in page and "<script>" not in page
    r = client.post(reverse("assets:payout_decide", args=[approved.pk, "execute"]),
                    {"idempotency_key": "k1", "amount": "5000.00", "confirm": "on"})
    assert r.status_code == 302
    approved.refresh_from_db()
    assert approved.status == PayoutStatus.EXECUTED


def test_confirmation_page_refused_to_those_who_may_not_pay(client, org, approved):
    login(client, org.officer)
    assert client.get(reverse("assets:payout_confirm", args=[approved.pk])).status_code == 403
    login(client, org.outsider)
    assert client.get(reverse("assets:payout_confirm", args=[approved.pk])).status_code == 404


# --- 4. The payee's account name ------------------------------------------------------------------------------------

def test_an_account_name_that_is_not_the_payees_is_refused(org, case):
    fund(case, org.finance, "5000.00")
    with pytest.raises(ValidationError) as exc:
        pay(case, applicant_of(case), "100.00", actor=org.officer, name="王五")
    assert "payee_account_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # an override needs a reason
        pay(case, applicant_of(case), "100.00", actor=org.officer, name="王五", name_override=True)
    assert "name_override_reason" in exc.value.message_dict
    assert not Payout.objects.exists()
    # Spaces (half- and full-width) are not a difference.
    ok = pay(case, applicant_of(case), "100.00", actor=org.officer, name=" 张\u3000三 ")
    assert ok.name_override is False


def test_an_override_with_a_reason_is_recorded_and_shown_to_the_approver(client, org, case):
    fund(case, org.finance, "5000.00")
    payout = pay(case, applicant_of(case), "100.00", actor=org.officer, name="王五", name_override=True,
                 name_override_reason="申请人书面委托代理人王五代为收款")
    assert payout.name_override and payout.name_override_reason == "申请人书面委托代理人王五代为收款"
    event = CaseEvent.objects.get(case=case, type="payout_name_override")
    assert "王五" in event.summary and event.parameters["payout_id"] == payout.pk
    login(client, org.finance)
    queue = client.get(reverse("assets:payout_queue")).content.decode()
    assert "申请人书面委托代理人王五代为收款" in queue


def test_funds_page_form_refuses_a_wrong_account_name_naming_the_field(client, org, case):
    fund(case, org.finance, "5000.00")
    login(client, org.officer)
    data = {"payout-payee": applicant_of(case).pk, "payout-amount": "100.00", "payout-payee_account_name": "王五",
            "payout-payee_bank": "建设银行", "payout-payee_account_number": "6217", "payout-idempotency_key": "a1"}
    r = client.post(reverse("assets:payout_prepare", args=[case.pk]), data)
    assert r.status_code == 400 and "张三" in r.content.decode()
    data.update({"payout-name_override": "on", "payout-name_override_reason": "委托收款", "payout-idempotency_key": "a2"})
    assert client.post(reverse("assets:payout_prepare", args=[case.pk]), data).status_code == 302
    assert Payout.objects.get().name_override is True


# --- 5. The approval queue shows every payout -----------------------------------------------------------------------

def _bulk(case, n, *, amount="100.00", prepared_by, start=0, status=PayoutStatus.PREPARED):
    payee = applicant_of(case)
    rows = Payout.objects.bulk_create([
        Payout(case=case, court_id=case.court_id, payee=payee, amount=Decimal(amount) + i, payee_account_name="张三",
               payee_bank="建行", payee_account_number=str(i), prepared_by=prepared_by, status=status)
        for i in range(start, start + n)])
    return rows


def test_the_queue_reaches_payouts_beyond_the_first_200(client, org, case):
    rows = _bulk(case, 230, prepared_by=org.officer)
    Payout.objects.filter(pk__in=[p.pk for p in rows]).update(prepared_at=timezone.now() - timedelta(days=1))
    newest = rows[-1]
    Payout.objects.filter(pk=newest.pk).update(prepared_at=timezone.now())
    login(client, org.finance)
    first = client.get(reverse("assets:payout_queue")).content.decode()
    assert "230" in first and f'id="payout-{newest.pk}"' not in first
    last = client.get(reverse("assets:payout_queue") + "?page=5").content.decode()
    assert f'id="payout-{newest.pk}"' in last
    newest_first = client.get(reverse("assets:payout_queue") + "?sort=-age").content.decode()
    assert f'id="payout-{newest.pk}"' in newest_first
    data = api_for(org.finance).get("/api/v1/payouts/?queue=1&page=5").json()
    assert data["count"] == 230 and newest.pk in [p["id"] for p in data["results"]]


def test_the_queue_filters_by_team_amount_age_and_court_and_sorts(client, org, case, make_case):
    mine = _bulk(case, 3, prepared_by=org.officer, amount="1000.00")  # 1000, 1001, 1002
    other_case = make_case(team=org.other_team, officer=org.colleague)
    theirs = _bulk(other_case, 2, prepared_by=org.colleague, amount="50000.00")
    Payout.objects.filter(pk=theirs[0].pk).update(prepared_at=timezone.now() - timedelta(days=10))
    login(client, org.finance)
    url = reverse("assets:payout_queue")

    def ids(query):
        page = client.get(url + query).content.decode()
        return {p.pk for p in mine + theirs if f'id="payout-{p.pk}"' in page}, page

    assert ids(f"?team={org.other_team.pk}")[0] == {p.pk for p in theirs}
    assert ids("?amount_min=1001&amount_max=1002")[0] == {mine[1].pk, mine[2].pk}
    assert ids("?older_than_days=7")[0] == {theirs[0].pk}
    assert ids(f"?court={org.court.pk}")[0] == {p.pk for p in mine + theirs}
    _, page = ids("?sort=-amount")
    assert page.index(f'id="payout-{theirs[1].pk}"') < page.index(f'id="payout-{mine[0].pk}"')
    api = api_for(org.finance)
    data = api.get(f"/api/v1/payouts/?queue=1&sort=amount&team={org.team.pk}").json()
    assert [p["id"] for p in data["results"]] == [p.pk for p in mine]
    bad = client.get(url + "?amount_min=abc&older_than_days=-1")
    assert bad.status_code == 400
    r = api.get("/api/v1/payouts/?queue=1&amount_min=abc")
    assert r.status_code == 400 and "amount_min" in r.json()
    r = api.get(f"/api/v1/payouts/?queue=1&court={org.other_court.pk}")  # not a court finance may approve for
    assert r.status_code == 400 and "court" in r.json()


def test_a_superior_superuser_filters_the_queue_by_court(client, org, case, make_case):
    root = make_user("root", org.intermediate, [Role.CHIEF], is_superuser=True)
    here = _bulk(case, 2, prepared_by=org.officer)
    there_case = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    there = _bulk(there_case, 1, prepared_by=org.outsider)
    login(client, root)
    page = client.get(reverse("assets:payout_queue") + f"?court={org.other_court.pk}").content.decode()
    assert f'id="payout-{there[0].pk}"' in page and all(f'id="payout-{p.pk}"' not in page for p in here)


def test_the_queue_page_and_api_cost_the_same_queries_for_5_or_50_payouts(client, org, case, make_case):
    login(client, org.finance)
    api = api_for(org.finance)
    url = reverse("assets:payout_queue")
    _bulk(case, 5, prepared_by=org.officer)
    client.get(url)  # warm the session and the per-request caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as few_api:
        assert api.get("/api/v1/payouts/?queue=1").status_code == 200
    other_case = make_case(team=org.other_team, officer=org.colleague)
    _bulk(other_case, 45, prepared_by=org.colleague, start=5)
    _bulk(case, 30, prepared_by=org.officer, start=50)  # beyond one page
    with CaptureQueriesContext(connection) as many:
        assert client.get(url + "?page=2").status_code == 200
    with CaptureQueriesContext(connection) as many_api:
        assert api.get("/api/v1/payouts/?queue=1&page=2").status_code == 200
    assert len(many) == len(few) and len(few) <= 12, [q["sql"] for q in many.captured_queries]
    assert len(many_api) == len(few_api) and len(few_api) <= 8


def test_api_name_override_needs_a_reason_and_is_returned(org, case):
    fund(case, org.finance, "5000.00")
    api = api_for(org.officer)
    body = {"case": case.pk, "payee": applicant_of(case).pk, "amount": "100.00", "payee_account_name": "王五",
            "payee_bank": "建行", "payee_account_number": "6217"}
    r = api.post("/api/v1/payouts/", body, format="json")
    assert r.status_code == 400 and "payee_account_name" in r.json()
    r = api.post("/api/v1/payouts/", {**body, "name_override": True}, format="json")
    assert r.status_code == 400 and "name_override_reason" in r.json()
    r = api.post("/api/v1/payouts/", {**body, "name_override": True, "name_override_reason": "书面委托王五收款"},
                 format="json")
    assert r.status_code == 201 and r.json()["name_override"] is True and r.json()["kind"] == "applicant"
    r = api.post("/api/v1/payouts/", {**body, "payee_account_name": "张三", "kind": "bogus"}, format="json")
    assert r.status_code == 400 and "kind" in r.json()
