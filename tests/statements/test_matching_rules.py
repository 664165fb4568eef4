"""The matching rules as pure functions (statements/rules.py): no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.calendar import WorkCalendar
from statements import rules
from statements.rules import CaseFacts, Candidates, LineFacts, decide

D = Decimal


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the Chinese the users see (the default language)."""


@pytest.fixture(autouse=True)
def _fixed_today():
    """No fixed date here (and no function-scoped fixture under hypothesis)."""


def test_case_numbers_in_every_bracket_variant_and_with_spaces():
    remark = ("还（2026）甘0503执1234号案款; (2026)甘0503执恢12号 及 〔2025〕甘05执 99 号、"
              "［２０２６］甘0503执保７号 【2026】 甘 0503 执 8 号")
    assert rules.extract_case_numbers(remark) == [
        "（2026）甘0503执1234号", "（2026）甘0503执恢12号", "（2025）甘05执99号", "（2026）甘0503执保7号",
        "（2026）甘0503执8号"]


def test_case_number_repeated_once_and_none_in_plain_text():
    assert rules.extract_case_numbers("（2026）甘0503执1号（2026）甘0503执1号") == ["（2026）甘0503执1号"]
    assert rules.extract_case_numbers("货款 2026 12 01") == []
    assert rules.extract_case_numbers(None) == []
    # a serial with leading zeros is the same case
    assert rules.extract_case_numbers("(2026)甘0503执0012号") == ["（2026）甘0503执12号"]


@given(year=st.integers(2016, 2099), serial=st.integers(1, 9_999_999), type_code=st.sampled_from(["执", "执恢", "执保"]),
       court=st.sampled_from(["甘0503", "甘05", "京0105"]), full=st.booleans(), spaces=st.booleans(),
       before=st.text(alphabet="付款还债 ,.;", max_size=8), after=st.text(alphabet="款项 ,.;", max_size=8))
def test_case_number_found_whatever_the_writing(year, serial, type_code, court, full, spaces, before, after):
    printed = f"（{year}）{court}{type_code}{serial}号"
    written = printed if full else printed.replace("（", "(").replace("）", ")")
    if spaces:
        written = " ".join(written)
    assert rules.extract_case_numbers(before + written + after) == [printed]


def test_names_normalised():
    assert rules.normalize_name(" 张 三 ") == "张三"
    assert rules.normalize_name("ＡＢＣ有限公司") == "ABC有限公司"
    assert rules.normalize_name("买买提•艾力") == rules.normalize_name("买买提·艾力")
    assert rules.normalize_name("张\u200b三") == "张三"


def test_name_candidates_payer_then_remark_words():
    assert rules.name_candidates("张 三", "李四 还款，王五") == ["张三", "李四", "还款", "王五"]
    # single characters and digit runs are not names
    assert rules.name_candidates("", "王 123456") == []


def test_reference_fallback_tolerates_spaces_and_dashes():
    assert rules.find_references_fallback("案款 620503 2026 1 000123 号") == ["62050320261000123"]
    assert rules.find_references_fallback("6205-0320-2610-00123") == ["62050320261000123"]
    assert rules.find_references_fallback("电话 12345") == []


def test_virtual_sub_account_of_the_fund_account_gives_its_suffix():
    assert rules.line_references("2705020109000012345" + "62050320261000123", "", "2705020109000012345") == [
        "270502010900001234562050320261000123", "62050320261000123"]


def test_line_references_sub_account_first():
    assert rules.line_references(" 6205 0320 2610 00123 ", "") == ["62050320261000123"]


def test_receipt_kind_from_remark():
    assert rules.receipt_kind("协助执行扣划", "") == "bank_deduction"
    assert rules.receipt_kind("还款", "张三") == "debtor_payment"


# --- decide ---------------------------------------------------------------------------------------------------------
COURT, OTHER = 1, 2
TODAY = date(2026, 12, 7)


def case(pk, court=COURT, open_=True, outstanding="1000.00", debtors=("张三",), instalments=()):
    return CaseFacts(pk, court, open_, D(outstanding), frozenset(debtors), tuple(instalments))


def line(amount="500.00", refs=(), numbers=(), names=()):
    return LineFacts(D(amount), TODAY, tuple(refs), tuple(numbers), tuple(names))


def test_rule1_reference_of_this_court():
    got = decide(line(refs=["R1"]), Candidates(by_reference={"R1": case(10)}), court_id=COURT)
    assert (got.case_id, got.rule, got.confidence) == (10, "reference", 100)


def test_reference_of_another_court_is_never_matched_even_with_a_name():
    cands = Candidates(by_reference={"R1": case(10, court=OTHER)}, by_name={"张三": [case(11)]})
    got = decide(line(refs=["R1"], names=["张三"]), cands, court_id=COURT)
    assert not got.matched and got.note == rules.NOTE_OTHER_COURT


def test_reference_of_a_closed_case_goes_to_the_queue():
    got = decide(line(refs=["R1"]), Candidates(by_reference={"R1": case(10, open_=False)}), court_id=COURT)
    assert not got.matched and got.note == rules.NOTE_CLOSED_CASE


def test_rule2_case_number_with_and_without_name():
    cands = Candidates(by_number={"N": case(20)})
    assert decide(line(numbers=["N"]), cands, court_id=COURT).confidence == 90
    got = decide(line(numbers=["N"], names=["张三"]), cands, court_id=COURT)
    assert (got.case_id, got.rule, got.confidence) == (20, "case_number", 95)


def test_rule2_closed_case_with_money_due_still_matches():
    cands = Candidates(by_number={"N": case(20, open_=False, outstanding="5.00")})
    assert decide(line(numbers=["N"]), cands, court_id=COURT).case_id == 20
    cands = Candidates(by_number={"N": case(20, open_=False, outstanding="0.00")})
    assert decide(line(numbers=["N"]), cands, court_id=COURT).note == rules.NOTE_CLOSED_CASE


def test_case_number_of_another_court():
    got = decide(line(numbers=["N"]), Candidates(by_number={"N": case(20, court=OTHER)}), court_id=COURT)
    assert got.note == rules.NOTE_OTHER_COURT


def test_rule3_unique_name_and_ambiguous_name():
    assert decide(line(names=["张三"]), Candidates(by_name={"张三": [case(30)]}), court_id=COURT).confidence == 70
    got = decide(line(names=["张三"]), Candidates(by_name={"张三": [case(30), case(31)]}), court_id=COURT)
    assert not got.matched and got.note == rules.NOTE_AMBIGUOUS


def test_rule4_amount_picks_one_of_the_payers_cases():
    cands = Candidates(by_name={"张三": [case(30, outstanding="500.00"), case(31, outstanding="800.00")]})
    got = decide(line(amount="500.00", names=["张三"]), cands, court_id=COURT)
    assert (got.case_id, got.rule, got.confidence) == (30, "amount_payer", 60)
    # both expect it: not matched
    cands = Candidates(by_name={"张三": [case(30, outstanding="500.00"), case(31, outstanding="500.00")]})
    assert not decide(line(amount="500.00", names=["张三"]), cands, court_id=COURT).matched


def test_rule4_instalment_within_15_days_either_side():
    def cands(due):
        return Candidates(by_name={"张三": [case(30, instalments=[(due, D("300.00"))]), case(31)]})

    for offset in (-15, 0, 15):
        assert decide(line(amount="300.00", names=["张三"]), cands(TODAY + timedelta(days=offset)),
                      court_id=COURT).case_id == 30
    assert not decide(line(amount="300.00", names=["张三"]), cands(TODAY + timedelta(days=16)),
                      court_id=COURT).matched


def test_nothing_found():
    got = decide(line(), Candidates(), court_id=COURT)
    assert not got.matched and got.note == "" and got.confidence == 0


# --- escalation cutoff ----------------------------------------------------------------------------------------------
def test_escalation_cutoff_across_weekend_and_holiday():
    plain = WorkCalendar()
    # Thursday 2026-12-03 + 3 working days = Tuesday 12-08: escalated from Wednesday 12-09
    thursday = date(2026, 12, 3)
    assert rules.escalation_cutoff(today=date(2026, 12, 8), working_days=3, calendar=plain) < thursday
    assert rules.escalation_cutoff(today=date(2026, 12, 9), working_days=3, calendar=plain) >= thursday
    # Monday 12-07 a holiday: due Wednesday, escalated Thursday
    holiday = WorkCalendar(frozenset({date(2026, 12, 7)}))
    assert rules.escalation_cutoff(today=date(2026, 12, 9), working_days=3, calendar=holiday) < thursday
    assert rules.escalation_cutoff(today=date(2026, 12, 10), working_days=3, calendar=holiday) >= thursday


@given(start=st.dates(date(2026, 1, 1), date(2026, 12, 31)), n=st.integers(1, 10), days=st.integers(0, 30))
def test_escalation_cutoff_agrees_with_add_working_days(start, n, days):
    cal = WorkCalendar(frozenset({date(2026, 10, 1), date(2026, 10, 2)}))
    today = start + timedelta(days=days)
    escalated = start <= rules.escalation_cutoff(today=today, working_days=n, calendar=cal)
    assert escalated == (today > cal.add_working_days(start, n))
