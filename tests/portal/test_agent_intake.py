"""The agent's (lawyer's) ID number and mobile at intake (page form, API, service): stored on the case party, checked
naming the field, and usable to sign in to the portal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases.services import PartyInput

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
    body = {"case_type": "执", "received_on": "2026-03-02", "filed_on": "2026-03-04", "basis_kind": "judgment",
            "basis_issuer": "天水市麦积区人民法院", "basis_number": "（2025）甘0503民初456号",
            "basis_effective_on": "2025-12-01", "principal": "1000.00",
            "parties": [{"role": "applicant", "kind": "person", "name": "张三", "id_kind": "resident_id",
                         "id_number": "11010519491231002X", "agent": "李律师", "agent_id_number": "620503198001010011",
                         "agent_phone": "13900000009"},
                        {"role": "respondent", "kind": "legal_person", "name": "天水示例建材有限公司",
                         "id_kind": "uscc", "id_number": "91110108551385082Q"}]}
    response = client.post("/api/v1/cases/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 201, response.content[:400]
    parties = response.json()["parties"]
    assert parties[0]["agent_phone"] == "13900000009" or any(p["agent_phone"] == "13900000009" for p in parties)
