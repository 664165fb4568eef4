"""Intake integrity (issue 18): identity clashes at intake, the officer check at registration, names and free text
without invisible or direction-changing characters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import Role
from cases.models import Case, CaseEvent, CaseParty, Party, PartySearch
from cases.services import PartyConflictError, PartyInput, case_assign, case_transition, lead_register
from tests.conftest import make_user
from tests.intake_data import COMPANY_ID, ZHANG_ID, page_data, register_body


def parties(name="张三", kind="person", address="甘肃省天水市麦积区桥南路1号", **extra):
    return [
        PartyInput(role="applicant", kind=kind, name=name, id_kind="resident_id", id_number=ZHANG_ID,
                   phones=["13800000001"], address=address, **extra),
        PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司", id_kind="uscc",
                   id_number=COMPANY_ID, address="甘肃省天水市麦积区马跑泉路8号"),
    ]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def counts():
    return (Case.objects.count(), CaseParty.objects.count(), Party.objects.count(), CaseEvent.objects.count())


# --- 1. Party identity conflicts ---------------------------------------------------------------------------------

def test_same_identifier_with_another_name_is_a_conflict_and_nothing_is_saved(org, make_case):
    make_case()
    before = counts()
    with pytest.raises(PartyConflictError) as exc:
        make_case(parties=parties(name="李四"))
    conflict = exc.value.conflicts[0]
    assert conflict.index == 0 and conflict.fields == ["name"]
    assert conflict.existing["name"] == "张三" and conflict.typed["name"] == "李四"
    assert "parties.0.id_number" in exc.value.message_dict
    assert counts() == before
    assert Party.objects.get(id_number=ZHANG_ID).name == "张三"


def test_kind_and_address_differences_are_conflicts_too(org, make_case):
    make_case()
    with pytest.raises(PartyConflictError) as exc:
        make_case(parties=parties(kind="legal_person", address="兰州市城关区1号"))
    assert exc.value.conflicts[0].fields == ["kind", "address"]


def test_same_details_or_a_blank_address_are_no_conflict(org, make_case):
    make_case()
    make_case()  # identical
    make_case(parties=parties(address=""))  # nothing typed: the record's address stands
    assert Party.objects.filter(id_number=ZHANG_ID).count() == 1


def test_use_existing_attaches_the_record_unchanged(org, make_case):
    make_case()
    case = make_case(parties=parties(name="李四", address="兰州市城关区1号", resolution="use_existing"))
    party = Party.objects.get(id_number=ZHANG_ID)
    assert party.name == "张三" and party.address == "甘肃省天水市麦积区桥南路1号"
    link = case.case_parties.get(role="applicant")
    assert link.party == party and link.service_address == party.address


def test_update_corrects_the_record_with_an_audited_reason(org, make_case):
    first = make_case()
    with pytest.raises(ValidationError) as exc:
        make_case(parties=parties(name="张叁", resolution="update"))
    assert "parties.0.resolution_reason" in exc.value.message_dict
    case = make_case(parties=parties(name="张叁", resolution="update", resolution_reason="原登记姓名错别字"))
    party = Party.objects.get(id_number=ZHANG_ID)
    assert party.name == "张叁"
    event = CaseEvent.objects.get(case=case, type="party_corrected")
    assert event.parameters["old"] == {"name": "张三"} and event.parameters["new"] == {"name": "张叁"}
    assert event.parameters["reason"] == "原登记姓名错别字" and event.actor == org.clerk
    # The earlier case's search row follows the corrected name.
    assert set(PartySearch.objects.filter(case=first).values_list("name", flat=True)) >= {"张叁"}
    assert party.history.filter(name="张三").exists()  # row history keeps the old value


def test_unknown_resolution_is_refused(org, make_case):
    make_case()
    with pytest.raises(ValidationError) as exc:
        make_case(parties=parties(name="李四", resolution="merge"))
    assert "parties.0.resolution" in exc.value.message_dict


def test_api_answers_409_with_a_conflict_per_party_and_accepts_a_resolution(org, make_case):
    make_case()
    before = counts()
    response = api(org.clerk).post("/api/v1/cases/", register_body(), format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "party_conflict"
    assert body["conflicts"]["0"]["existing"]["name"] == "张三"
    assert body["conflicts"]["0"]["typed"]["name"] == "李四"
    assert body["conflicts"]["0"]["fields"] == ["name"]
    assert "1" not in body["conflicts"]
    assert counts() == before

    response = api(org.clerk).post("/api/v1/cases/", register_body(resolution="use_existing"), format="json")
    assert response.status_code == 201, response.content
    assert Party.objects.get(id_number=ZHANG_ID).name == "张三"

    response = api(org.clerk).post("/api/v1/cases/", register_body(resolution="update"), format="json")
    assert response.status_code == 400 and "parties.0.resolution_reason" in response.json()
    response = api(org.clerk).post("/api/v1/cases/", register_body(resolution="update", resolution_reason="更名"),
                                   format="json")
    assert response.status_code == 201, response.content
    assert Party.objects.get(id_number=ZHANG_ID).name == "李四"


def test_register_page_shows_the_existing_record_next_to_what_was_typed(org, make_case, client):
    make_case()
    client.force_login(org.clerk)
    before = counts()
    response = client.post("/cases/register/", page_data("李四"))
    assert response.status_code == 200
    assert counts() == before
    row = response.context["formset"].forms[0]
    assert row.conflict is not None and ("id_number" in row.errors)
    html = response.content.decode()
    assert "张三" in html and "李四" in html and 'name="parties-0-resolution"' in html
    assert response.context["formset"].forms[1].conflict is None

    response = client.post("/cases/register/", page_data("李四", **{"parties-0-resolution": "use_existing"}))
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert Party.objects.get(id_number=ZHANG_ID).name == "张三"


# --- 3. The handling officer is checked at registration as at reassignment --------------------------------------

@pytest.mark.parametrize("who", ["finance", "clerk", "court_admin", "chief"])
def test_only_an_officer_can_be_the_handling_officer_at_registration(org, make_case, who):
    user = getattr(org, who)
    user.teams.add(org.team)  # even a member of the team
    with pytest.raises(ValidationError) as exc:
        make_case(team=org.team, officer=user)
    assert "officer" in exc.value.message_dict
    assert Case.objects.count() == 0


def test_registration_refuses_an_officer_of_another_team(org, make_case):
    with pytest.raises(ValidationError) as exc:
        make_case(team=org.team, officer=org.colleague)
    assert "officer" in exc.value.message_dict


def test_registration_refuses_an_inactive_team(org, make_case):
    org.team.is_active = False
    org.team.save()
    with pytest.raises(ValidationError) as exc:
        make_case(team=org.team, officer=org.officer)
    assert "team" in exc.value.message_dict


def test_reassignment_refuses_finance_as_handling_officer(org, make_case):
    case = make_case()
    org.finance.teams.add(org.team)
    with pytest.raises(ValidationError) as exc:
        case_assign(actor=org.chief, case=case, team=org.team, officer=org.finance)
    assert "officer" in exc.value.message_dict


def test_api_registration_refuses_a_clerk_as_handling_officer(org):
    body = register_body(applicant_name="张三")
    body.update(team=org.team.pk, officer=org.clerk.pk)
    response = api(org.clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and "officer" in response.json()
    assert Case.objects.count() == 0


def test_an_officer_holding_several_roles_is_accepted(org, make_case):
    both = make_user("both", org.court, [Role.OFFICER, Role.CHIEF], [org.team])
    assert make_case(team=org.team, officer=both).officer == both


# --- 4. Names and free text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["张三\u202e", "\u2066李四\u2069", "王\u200b五", "赵\ufeff六", "钱\u00ad七", "孙\x07八"])
def test_a_party_name_with_invisible_or_bidi_characters_is_refused(org, make_case, name):
    with pytest.raises(ValidationError) as exc:
        make_case(parties=[PartyInput(role="applicant", kind="person", name=name),
                           PartyInput(role="respondent", kind="person", name="周九")])
    assert "parties.0.name" in exc.value.message_dict
    assert Party.objects.count() == 0


def test_free_text_is_stored_without_invisible_characters(org, make_case):
    case = make_case(basis_number="（2025）甘0503\u202e民初456号", cause="买卖\u200b合同纠纷",
                     parties=[PartyInput(role="applicant", kind="person", name="甲", address="桥南路\u202e1号\x00"),
                              PartyInput(role="respondent", kind="person", name="乙")])
    assert case.basis_number == "（2025）甘0503民初456号" and case.cause == "买卖合同纠纷"
    assert case.case_parties.get(role="applicant").party.address == "桥南路1号"
    lead = lead_register(actor=org.clerk, case=case, description="第一行\u2067\n第二行\t有\u200f线索")
    assert lead.description == "第一行\n第二行\t有线索"


def test_free_text_has_a_length_limit_naming_the_field(org, make_case):
    with pytest.raises(ValidationError) as exc:
        make_case(obligation_kind="act", principal="0", act_description="腾" * 1001)
    assert "act_description" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_case(parties=[PartyInput(role="applicant", kind="person", name="甲", address="路" * 301),
                           PartyInput(role="respondent", kind="person", name="乙")])
    assert "parties.0.address" in exc.value.message_dict


def test_a_400_character_stay_reason_is_a_field_error(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        case_transition(actor=org.officer, case=case, to_stage="stayed", reason="因" * 400)
    assert "reason" in exc.value.message_dict
    response = api(org.officer).post(f"/api/v1/cases/{case.pk}/transition/",
                                     {"to_stage": "stayed", "reason": "因" * 400}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    case.refresh_from_db()
    assert case.stage == "registered"


def test_unknown_identifier_kind_is_a_field_error(org):
    body = register_body(applicant_name="张三")
    body["parties"][0]["id_kind"] = "passport_of_mars"
    response = api(org.clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400, response.content
    assert "parties.0.id_kind" in response.json()


def test_identifier_with_a_birth_year_before_1900_is_a_field_error(org):
    from core.rules.checksums import resident_id_check_char

    body17 = "11010518991231002"
    body = register_body(applicant_name="张三")
    body["parties"][0]["id_number"] = body17 + resident_id_check_char(body17)
    response = api(org.clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400, response.content
    assert "parties.0.id_number" in response.json()


def test_amount_fields_keep_working(org, make_case):
    assert make_case(principal="1.00").principal == Decimal("1.00")
    assert date(2026, 3, 2) == Case.objects.get().received_on


def test_a_record_used_by_another_courts_cases_cannot_be_corrected_from_here(org, make_case):
    make_case(court=org.other_court)  # 张三 is a party at the sibling court
    with pytest.raises(ValidationError) as exc:
        make_case(parties=parties(name="张叁", resolution="update", resolution_reason="更正"))
    assert "parties.0.resolution" in exc.value.message_dict
    assert Party.objects.get(id_number=ZHANG_ID).name == "张三"
    assert make_case(parties=parties(name="张叁", resolution="use_existing")).case_parties.count() == 2


def test_action_details_free_text_loses_invisible_characters(org, make_case):
    from cases.services import action_log

    case = make_case()
    action = action_log(actor=org.officer, case=case, kind="onsite_investigation", occurred_on=date(2026, 3, 5),
                        details={"place": "马跑泉路\u202e8号", "findings": "无可供\u200b执行财产"})
    assert action.details["place"] == "马跑泉路8号" and action.details["findings"] == "无可供执行财产"
