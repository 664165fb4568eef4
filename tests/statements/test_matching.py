"""match_lines: each rule against the database, another court's reference, ambiguity, set-based query count."""

from datetime import date
from decimal import Decimal

import pytest

from cases.services import PartyInput
from statements.matching import match_lines
from statements.models import StatementLine


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the Chinese the users see (the default language)."""


@pytest.fixture(autouse=True)
def _fixed_today():
    """These tests run on the real date (the import tests' fixed March date is for their sample files)."""

pytestmark = pytest.mark.django_db


def _person(name, id_number, role="respondent"):
    return PartyInput(role=role, kind="person", name=name, id_kind="resident_id", id_number=id_number)


APPLICANT = _person("张三", "11010519491231002X", "applicant")


def _match(org, *lines):
    summary = match_lines(court=org.court, line_ids=[line.pk for line in lines])
    return summary, [StatementLine.objects.get(pk=line.pk) for line in lines]


def test_rule1_sub_account_and_reference_in_remark(org, make_case, make_line):
    case = make_case()
    a = make_line(sub_account=case.account_reference)
    spaced = " ".join([case.account_reference[:6], case.account_reference[6:]])
    b = make_line(remark=f"案款 {spaced}")
    summary, (a, b) = _match(org, a, b)
    for line in (a, b):
        assert (line.status, line.case_id, line.match_rule, line.confidence) == ("proposed", case.pk, "reference", 100)
    assert summary.by_rule["reference"] == 2


def test_reference_of_another_court_is_never_matched(org, make_case, make_line):
    foreign = make_case(court=org.other_court)
    ours = make_case()  # same respondent name here: still not matched by name
    line = make_line(sub_account=foreign.account_reference, payer_name="天水示例建材有限公司")
    summary, (line,) = _match(org, line)
    assert line.status == "unmatched" and line.case_id is None and line.note == "另一法院的案件"
    assert summary.other_court == 1 and ours.pk


def test_case_number_of_another_court_is_never_matched(org, make_case, make_line):
    foreign = make_case(court=org.other_court)
    _, (line,) = _match(org, make_line(remark=foreign.number))
    assert line.status == "unmatched" and line.note == "另一法院的案件"


def test_rule2_case_number_half_width_with_spaces_and_the_debtors_name(org, make_case, make_line):
    case = make_case()
    half = case.number.replace("（", "(").replace("）", ") ")
    plain = make_line(remark=f"还款{half}")
    named = make_line(remark=f"{case.number} 执行款", payer_name="天水示例建材有限公司")
    _, (plain, named) = _match(org, plain, named)
    assert (plain.case_id, plain.match_rule, plain.confidence) == (case.pk, "case_number", 90)
    assert (named.case_id, named.match_rule, named.confidence) == (case.pk, "case_number", 95)


def test_rule3_unique_debtor_name(org, make_case, make_line):
    # the payer's name as the bank writes it (spaces, full width) is normalised; the party's is compared as stored
    case = make_case(parties=[APPLICANT, _person("李四", "110105194912310046")])
    _, (line,) = _match(org, make_line(payer_name=" 李 四 "))
    assert (line.case_id, line.match_rule, line.confidence) == (case.pk, "debtor_name", 70)


def test_ambiguous_name_is_not_matched_and_amount_decides(org, make_case, make_line):
    first = make_case(principal="5000.00", parties=[APPLICANT, _person("王五", "110105194912310062")])
    second = make_case(principal="8000.00", parties=[APPLICANT, _person("王五", "110105194912310062")])
    vague = make_line(payer_name="王五", amount="1234.00")
    exact = make_line(payer_name="王五", amount=str(second.amount_claimed))
    _, (vague, exact) = _match(org, vague, exact)
    assert vague.status == "unmatched" and vague.case_id is None and vague.note
    assert (exact.case_id, exact.match_rule, exact.confidence) == (second.pk, "amount_payer", 60)
    assert first.pk != second.pk


def test_rule4_instalment_due_around_the_booking_date(org, make_case, make_line):
    from cases.models import Settlement, SettlementInstalment

    first = make_case(parties=[APPLICANT, _person("赵六", "110105194912310089")])
    make_case(parties=[APPLICANT, _person("赵六", "110105194912310089")])
    settlement = Settlement.objects.create(case=first, signed_on=date(2026, 6, 1), terms="分期",
                                           total_amount=Decimal("3000.00"))
    SettlementInstalment.objects.create(settlement=settlement, number=1, due_on=date(2026, 12, 10),
                                        amount=Decimal("1500.00"))
    near = make_line(payer_name="赵六", amount="1500.00", booked_on=date(2026, 12, 1))
    far = make_line(payer_name="赵六", amount="1500.00", booked_on=date(2026, 11, 20))
    _, (near, far) = _match(org, near, far)
    assert (near.case_id, near.match_rule) == (first.pk, "amount_payer")
    assert far.status == "unmatched"


def test_closed_case_reference_goes_to_the_queue(org, make_case, make_line):
    from cases.models import Case

    case = make_case()
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="performed", closed_on=date(2026, 6, 1))
    _, (line,) = _match(org, make_line(sub_account=case.account_reference))
    assert line.status == "unmatched" and "结案" in line.note and line.waiting_since is not None


def test_debits_and_already_proposed_lines_are_left_alone(org, make_case, make_line):
    case = make_case()
    debit = make_line(direction="debit", sub_account=case.account_reference)
    posted_like = make_line(sub_account=case.account_reference, status="ignored")
    summary, (debit, posted_like) = _match(org, debit, posted_like)
    assert summary.lines == 0 and debit.status == "unmatched" and posted_like.status == "ignored"


def test_unmatched_line_waits_since_matching_day(org, make_line):
    _, (line,) = _match(org, make_line(payer_name="无名氏公司", remark="货款"))
    assert line.status == "unmatched" and line.waiting_since is not None and line.note == ""


def test_matching_is_set_based(org, make_case, make_line, django_assert_max_num_queries):
    cases = [make_case(parties=[APPLICANT, _person(f"债务人{i}", "")]) for i in range(3)]
    lines = []
    for i in range(40):
        case = cases[i % 3]
        lines.append(make_line(sub_account=case.account_reference if i % 4 == 0 else "",
                               remark=case.number if i % 4 == 1 else "", payer_name=f"债务人{i % 3}"))
    with django_assert_max_num_queries(10):
        summary = match_lines(court=org.court, line_ids=[line.pk for line in lines])
    assert summary.lines == 40 and summary.unmatched == 0


def test_virtual_sub_account_of_the_fund_account_matches_by_its_suffix(org, make_case, make_line):
    case = make_case()
    line = make_line(sub_account="2705020109000012345" + case.account_reference)
    _, (line,) = _match(org, line)
    assert (line.case_id, line.match_rule, line.confidence) == (case.pk, "reference", 100)
