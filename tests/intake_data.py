"""The register form's and the API's body for a two-party money case (an applicant person, a respondent company),
shared by the intake tests."""

ZHANG_ID = "11010519491231002X"
COMPANY_ID = "91110108551385082Q"


def register_body(applicant_name="李四", **party_extra) -> dict:
    return {
        "case_type": "执", "received_on": "2026-03-02", "filed_on": "2026-03-04", "basis_kind": "judgment",
        "basis_issuer": "天水市麦积区人民法院", "basis_number": "（2025）甘0503民初456号",
        "basis_effective_on": "2025-12-01", "principal": "1000.00",
        "parties": [
            {"role": "applicant", "kind": "person", "name": applicant_name, "id_kind": "resident_id",
             "id_number": ZHANG_ID, **party_extra},
            {"role": "respondent", "kind": "legal_person", "name": "天水示例建材有限公司", "id_kind": "uscc",
             "id_number": COMPANY_ID},
        ],
    }


def page_data(name: str, **extra) -> dict:
    data = {
        "case_type": "执", "received_on": "2026-03-02", "filed_on": "2026-03-04", "basis_kind": "judgment",
        "basis_issuer": "天水市麦积区人民法院", "basis_number": "（2025）甘0503民初456号",
        "basis_effective_on": "2025-12-01", "obligation_kind": "money", "principal": "1000", "interest_awarded": "0",
        "litigation_costs": "0", "other_amount": "0",
        "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "0", "parties-MIN_NUM_FORMS": "1",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-role": "applicant", "parties-0-kind": "person", "parties-0-name": name,
        "parties-0-id_kind": "resident_id", "parties-0-id_number": ZHANG_ID,
        "parties-1-role": "respondent", "parties-1-kind": "legal_person", "parties-1-name": "天水示例建材有限公司",
        "parties-1-id_kind": "uscc", "parties-1-id_number": COMPANY_ID,
    }
    data.update(extra)
    return data
