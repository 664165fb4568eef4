"""The agent's (lawyer's) ID number and mobile at intake (page form, API, service): stored on the case party, checked
naming the field, and usable to sign in to the portal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases.services import PartyInput
from tests.intake_data import page_data, register_body

pytestmark = pytest.mark.django_db


def _parties(**agent):
    return [PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                       id_number="11010519491231002X", phones=["13800000001"], **agent),
            PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司", id_kind="uscc",
                       id_number="91110108551385082Q")]


def test_agent_contact_is_stored(make_case):
    case = make_case(parties=_parties(agent="李律师", agent_id_number="620503198001010011 ",
                                      agent_phone="139-0000-0009"))
    cp = case.case_parties.get(role="applicant")
    assert (cp.agent, cp.agent_id_number, cp.agent_phone) == ("李律师", "620503198001010011", "13900000009")


@pytest.mark.parametrize("agent, field", [
    ({"agent_phone": "13900000009"}, "parties.0.agent"),
    ({"agent": "李律师", "agent_phone": "0938-8212345"}, "parties.0.agent_phone"),
    ({"agent": "李律师", "agent_id_number": "62050\u202e3"}, "parties.0.agent_id_number"),
])
def test_bad_agent_contact_is_refused_naming_the_field(make_case, agent, field):
    with pytest.raises(ValidationError) as exc:
        make_case(parties=_parties(**agent))
    assert field in exc.value.message_dict


def test_api_takes_the_agent_contact(client, org):
    client.force_login(org.clerk)
    body = register_body("张三", agent="李律师", agent_id_number="620503198001010011", agent_phone="13900000009")
    response = client.post("/api/v1/cases/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 201, response.content[:400]
    [applicant] = [p for p in response.json()["parties"] if p["role"] == "applicant"]
    assert (applicant["agent_id_number"], applicant["agent_phone"]) == ("620503198001010011", "13900000009")


# --- The party's e-mail on the case (messages and the portal's one-time code go there as well) -------------------

def test_party_email_is_stored_with_its_domain_lower_cased(make_case):
    case = make_case(parties=_parties(email="  Zhang.San@Example.COM "))
    assert case.case_parties.get(role="applicant").email == "Zhang.San@example.com"
    assert case.case_parties.get(role="respondent").email is None  # none given: none stored


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "zhang\u202e@example.com", "zhang@exa\nmple.com",
                                   "x" * 250 + "@example.com"])
def test_bad_party_email_is_refused_naming_the_field_and_nothing_saved(make_case, email):
    from cases.models import Case

    before = Case.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_case(parties=_parties(email=email))
    assert "parties.0.email" in exc.value.message_dict and Case.objects.count() == before


def test_intake_page_takes_the_email_and_names_a_bad_one(client, org):
    from cases.models import Case, CaseParty

    client.force_login(org.clerk)
    page = client.get("/cases/register/").content.decode()
    assert 'type="email"' in page and "电子邮件" in page
    response = client.post("/cases/register/", page_data("张三", **{"parties-0-email": "zhang@@example.com"}))
    assert response.status_code == 200 and Case.objects.count() == 0
    assert "email" in response.context["formset"].forms[0].errors
    response = client.post("/cases/register/", page_data("张三", **{"parties-0-email": "zhang@example.com"}))
    assert response.status_code == 302
    assert CaseParty.objects.get(role="applicant").email == "zhang@example.com"


def test_api_takes_the_email_and_names_a_bad_one(client, org):
    client.force_login(org.clerk)
    response = client.post("/api/v1/cases/", register_body("张三", email="zhang@"), content_type="application/json")
    assert response.status_code == 400 and "parties.0.email" in str(response.json())
    response = client.post("/api/v1/cases/", register_body("张三", email="zhang@example.com"),
                           content_type="application/json")
    assert response.status_code == 201
    [applicant] = [p for p in response.json()["parties"] if p["role"] == "applicant"]
    assert applicant["email"] == "zhang@example.com"


def test_resumed_case_keeps_the_email_and_the_agents_contact(make_case, org):
    case = make_case(parties=_parties(email="zhang@example.com", agent="李律师", agent_id_number="620503198001010011",
                                      agent_phone="13900000009"))
    from cases.services import case_resume

    case.stage, case.closure_mode, case.closed_on = "closed", "terminated_round", case.filed_on  # closed by 终本
    case.save(update_fields=["stage", "closure_mode", "closed_on"])
    new = case_resume(actor=org.clerk, case=case, reason="发现新的财产线索")
    cp = new.case_parties.get(role="applicant")
    assert (cp.email, cp.agent_id_number, cp.agent_phone) == ("zhang@example.com", "620503198001010011",
                                                             "13900000009")
