from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cases.models import Case, CaseEvent, CaseParty, Party, Stream
from cases.services import PartyInput, case_register


def test_register_issues_full_width_number_and_account_reference(org, make_case):
    case = make_case()
    assert case.number == "（2026）甘0503执1号"
    # Body 620503 2026 1 000001 and its ISO 7064 MOD 97-10 check digits (core.rules.payment_ref).
    assert case.account_reference == "6205032026100000190"
    assert int(case.account_reference) % 97 == 1
    assert case.amount_claimed == Decimal("100000.00")
    assert case.case_parties.count() == 2
    assert CaseEvent.objects.filter(case=case, type="case_registered").exists()
    applicant = Party.objects.get(id_number="11010519491231002X")
    assert applicant.sex == "F" and applicant.birth_date == date(1949, 12, 31)


def test_serials_restart_per_year_and_type(org, make_case):
    a = make_case()
    b = make_case(case_type="执保", principal="0")
    c = make_case(received_on=date(2025, 12, 30), filed_on=date(2026, 1, 4))
    d = make_case()
    assert [a.serial, b.serial, c.serial, d.serial] == [1, 1, 1, 2]
    assert c.number == "（2025）甘0503执1号"


def test_party_is_one_record_across_cases(org, make_case):
    make_case()
    make_case()
    assert Party.objects.filter(id_number="91110108551385082Q").count() == 1
    assert CaseParty.objects.filter(party__id_number="91110108551385082Q").count() == 2


def test_bad_identifier_names_the_field_and_saves_nothing(org, make_case):
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number="360426199101010072"),
        PartyInput(role="respondent", kind="person", name="李四"),
    ]
    with pytest.raises(ValidationError) as exc:
        make_case(parties=parties)
    assert "parties.0.id_number" in exc.value.message_dict
    assert "1" in " ".join(exc.value.message_dict["parties.0.id_number"])  # expected check character is named
    assert Case.objects.count() == 0 and Party.objects.count() == 0


def test_late_filing_and_limitation_are_warned(org, make_case):
    case = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 20),
                     basis_effective_on=date(2023, 1, 1), basis_due_on=date(2023, 2, 1))
    text = " ".join(case.intake_warnings)
    assert "18" in text and "7" in text
    assert "2025-02-01" in text


def test_large_claim_goes_to_complex_stream(org, make_case):
    assert make_case(principal="499999.99").stream == Stream.SIMPLE
    assert make_case(principal="500000.00").stream == Stream.COMPLEX


def test_officer_cannot_register(org, make_case):
    with pytest.raises(PermissionDenied):
        make_case(actor=org.officer)


def test_clerk_cannot_register_at_another_court(org, make_case):
    parties = [PartyInput(role="applicant", kind="person", name="甲"), PartyInput(role="respondent", kind="person", name="乙")]
    with pytest.raises(PermissionDenied):
        case_register(actor=org.clerk, court=org.other_court, case_type="执", received_on=date(2026, 3, 2),
                      filed_on=date(2026, 3, 3), basis_kind="judgment", basis_issuer="秦州区法院",
                      basis_number="（2025）甘0502民初1号", basis_effective_on=date(2025, 1, 1), parties=parties,
                      principal=Decimal("10.00"))


@pytest.mark.django_db(transaction=True)
def test_parallel_registration_never_shares_or_skips_a_number(org_committed):
    """Eight threads register at once; serials are exactly 1..8."""
    org = org_committed
    parties = [PartyInput(role="applicant", kind="person", name="甲"), PartyInput(role="respondent", kind="person", name="乙")]

    def register(_):
        try:
            return case_register(actor=org.clerk, court=org.court, case_type="执", received_on=date(2026, 3, 2),
                                 filed_on=date(2026, 3, 3), basis_kind="judgment", basis_issuer="麦积区法院",
                                 basis_number="（2025）甘0503民初1号", basis_effective_on=date(2025, 1, 1),
                                 parties=parties, principal=Decimal("10.00")).serial
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        serials = list(pool.map(register, range(8)))
    assert sorted(serials) == list(range(1, 9))
    assert Case.objects.filter(court=org.court).count() == 8
