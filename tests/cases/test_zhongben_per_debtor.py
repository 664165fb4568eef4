"""The 终本 checklist per debtor (domain.md §2.4): each respondent must meet the per-debtor conditions; the request
and the approval name the respondent who does not; applicants are never counted."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, ClosureRequest, Stage
from cases.services import PartyInput, closure_approve, closure_checklist, closure_request, debtor_cards

from ..conftest import login
from .conftest import log, network_details

COMPANY = "天水示例建材有限公司"
PERSON = "李四"


@pytest.fixture
def two_debtor_case(make_case):
    today = timezone.localdate()
    filed = today - timedelta(days=125)
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                   id_number="11010519491231002X", phones=["13800000001"], address="甘肃省天水市麦积区桥南路1号"),
        PartyInput(role="respondent", kind="legal_person", name=COMPANY, id_kind="uscc",
                   id_number="91110108551385082Q", address="甘肃省天水市麦积区马跑泉路8号"),
        PartyInput(role="respondent", kind="person", name=PERSON, id_kind="resident_id",
                   id_number="620503198001011237", address="甘肃省天水市麦积区桥南路9号"),
    ]
    return make_case(parties=parties, received_on=filed - timedelta(days=2), filed_on=filed,
                     basis_effective_on=filed - timedelta(days=60), basis_due_on=filed - timedelta(days=30))


def _complete_for(case, officer, name, *, query=True):
    """Everything the per-debtor conditions need, for the respondent called ``name``."""
    cp = case.case_parties.get(role="respondent", party__name=name)
    log(case, officer, "notice_served", {"documents": ["enforcement_notice", "asset_report_order"],
                                         "method": "direct", "recipient": name, "served_on": str(case.filed_on)})
    if query:
        log(case, officer, "network_query", {**network_details(), "subject": name})
    log(case, officer, "consumption_restriction", {"party_ids": [cp.pk], "measure": "impose"})


def _case_level(case, officer):
    log(case, officer, "onsite_investigation", {"place": "马跑泉路8号", "findings": "无可供执行财产"})
    log(case, officer, "applicant_interview", {"applicant": "张三", "informed_of_closure": True,
                                               "applicant_view": "同意终本"})


def test_a_debtor_missing_a_query_is_named_and_the_request_refused(org, two_debtor_case):
    case = two_debtor_case
    _complete_for(case, org.officer, COMPANY)
    _complete_for(case, org.officer, PERSON, query=False)
    _case_level(case, org.officer)
    with pytest.raises(ValidationError) as exc:
        closure_request(actor=org.officer, case=case, mode="terminated_round", reason="无财产可供执行")
    missing = exc.value.message_dict["mode"]
    assert len(missing) == 1 and "总对总" in missing[0]
    assert f"被执行人 {PERSON}：" in missing[0] and COMPANY not in missing[0]
    assert not ClosureRequest.objects.exists()
    cards = {c["name"]: c for c in debtor_cards(closure_checklist(case, "terminated_round"))}
    assert set(cards) == {COMPANY, PERSON}  # the applicant 张三 is not counted
    assert cards[COMPANY]["ok"] and not cards[PERSON]["ok"]


def test_both_debtors_complete_is_allowed_and_approval_rechecks_per_debtor(org, two_debtor_case):
    case = two_debtor_case
    _complete_for(case, org.officer, COMPANY)
    _complete_for(case, org.officer, PERSON)
    _case_level(case, org.officer)
    req = closure_request(actor=org.officer, case=case, mode="terminated_round", reason="穷尽财产调查措施")
    assert req.status == "pending"
    stored = {c["key"]: c for c in req.checklist}
    assert [d["name"] for d in stored["network_query"]["debtors"]] == [COMPANY, PERSON]
    # The restriction on 李四 is lifted before the chief decides: the approval checks again and names him.
    cp = case.case_parties.get(party__name=PERSON)
    cp.restriction_lifted_on = timezone.localdate()
    cp.save(update_fields=["restriction_lifted_on"])
    with pytest.raises(ValidationError) as exc:
        closure_approve(actor=org.chief, request=req)
    assert f"被执行人 {PERSON}：未发出限制消费令" in " ".join(exc.value.message_dict["mode"])
    assert Case.objects.get(pk=case.pk).stage != Stage.CLOSED
    cp.restriction_lifted_on = None
    cp.save(update_fields=["restriction_lifted_on"])
    closure_approve(actor=org.chief, request=req)
    assert Case.objects.get(pk=case.pk).stage == Stage.CLOSED


def test_a_query_naming_only_one_debtor_does_not_cover_the_other(org, two_debtor_case):
    case = two_debtor_case
    log(case, org.officer, "network_query", {**network_details(), "subject": COMPANY})
    check = {c.key: c for c in closure_checklist(case, "terminated_round")}["network_query"]
    assert [d["ok"] for d in check.debtors] == [True, False]
    # A query of both (as the demo and the query form record them, names joined) covers both.
    log(case, org.officer, "network_query", {**network_details(), "subject": f"{COMPANY}、{PERSON}"})
    check = {c.key: c for c in closure_checklist(case, "terminated_round")}["network_query"]
    assert check.ok


def test_whereabouts_unknown_needs_a_search_for_that_debtor(org, two_debtor_case):
    case = two_debtor_case
    log(case, org.officer, "summons", {"summons_kind": "summons", "person": PERSON, "appeared": False,
                                       "whereabouts_unknown": True})
    check = {c.key: c for c in closure_checklist(case, "terminated_round")}["search"]
    assert not check.ok and PERSON in check.detail and COMPANY not in check.detail
    log(case, org.officer, "search", {"place": f"{PERSON}住所", "warrant_number": "搜字1号", "findings": "无"})
    assert {c.key: c for c in closure_checklist(case, "terminated_round")}["search"].ok


def test_closure_page_shows_a_card_per_debtor(client, org, two_debtor_case):
    case = two_debtor_case
    _complete_for(case, org.officer, COMPANY)
    login(client, org.officer)
    html = client.get(reverse("cases:closure_new", args=[case.pk])).content.decode()
    assert "每名被执行人的条件" in html
    assert f"被执行人 {COMPANY}" in html and f"被执行人 {PERSON}" in html
    assert "未发出限制消费令" in html
    assert "被执行人 张三" not in html
