"""Claims of unidentified money: officer claims for their team's case, finance (never the claimer) decides."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from assets.models import LedgerEntry
from statements.claims import claim_confirm, claim_create, claim_reject
from statements.models import Claim
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the Chinese the users see (the default language)."""


@pytest.fixture(autouse=True)
def _fixed_today():
    """These tests run on the real date (the import tests' fixed March date is for their sample files)."""

pytestmark = pytest.mark.django_db


@pytest.fixture
def unidentified(make_line):
    return make_line(payer_name="不认识的人", remark="货款", waiting_since=date(2026, 12, 1))


def test_claim_then_finance_confirms_and_the_ledger_has_the_receipt(org, make_case, unidentified):
    case = make_case()
    claim = claim_create(actor=org.officer, line=unidentified, case=case, reason="被执行人电话告知已代为付款")
    unidentified.refresh_from_db()
    assert unidentified.status == "claimed" and claim.status == "pending"
    entry = claim_confirm(actor=org.finance, claim=claim)
    unidentified.refresh_from_db()
    claim.refresh_from_db()
    assert (unidentified.status, unidentified.case_id, unidentified.match_rule) == ("posted", case.pk, "claim")
    assert unidentified.ledger_entry == entry and entry.case_id == case.pk and entry.amount == unidentified.amount
    assert claim.status == "confirmed" and claim.decided_by == org.finance
    with pytest.raises(ValidationError):  # confirming again does nothing
        claim_confirm(actor=org.finance, claim=claim)
    assert LedgerEntry.objects.filter(case=case).count() == 1


def test_another_teams_or_courts_case_is_refused(org, make_case, unidentified):
    theirs = make_case(team=org.other_team, officer=org.colleague)
    with pytest.raises(PermissionDenied):
        claim_create(actor=org.officer, line=unidentified, case=theirs, reason="理由")
    foreign = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    with pytest.raises(ValidationError) as exc:
        claim_create(actor=org.outsider, line=unidentified, case=foreign, reason="理由")
    assert "case" in exc.value.message_dict
    # finance cannot claim (it decides); the chief may, court-wide
    with pytest.raises(PermissionDenied):
        claim_create(actor=org.finance, line=unidentified, case=theirs, reason="理由")
    assert claim_create(actor=org.chief, line=unidentified, case=theirs, reason="理由").pk


def test_reason_required_and_one_pending_claim_per_line(org, make_case, unidentified):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        claim_create(actor=org.officer, line=unidentified, case=case, reason="  \u200b ")
    assert "reason" in exc.value.message_dict
    claim_create(actor=org.officer, line=unidentified, case=case, reason="理由")
    with pytest.raises(ValidationError):
        claim_create(actor=org.chief, line=unidentified, case=case, reason="再次认领")
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Claim.objects.create(court=org.court, line=unidentified, case=case, claimed_by=org.chief, reason="x")


def test_the_claimer_cannot_confirm_their_own_claim(org, make_case, unidentified):
    both = make_user("chief_finance", org.court, ["chief", "finance"], full_name="吴双")
    case = make_case()
    claim = claim_create(actor=both, line=unidentified, case=case, reason="理由")
    with pytest.raises(PermissionDenied):
        claim_confirm(actor=both, claim=claim)
    with pytest.raises(PermissionDenied):
        claim_reject(actor=both, claim=claim, reason="不对")
    with pytest.raises(PermissionDenied):  # an officer is not finance
        claim_confirm(actor=org.colleague, claim=claim)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="confirmed", decided_by=both, decided_at="2026-12-07T00:00Z")


def test_reject_needs_a_reason_and_the_line_returns_to_the_queue(org, make_case, unidentified):
    case = make_case()
    claim = claim_create(actor=org.officer, line=unidentified, case=case, reason="理由")
    with pytest.raises(ValidationError) as exc:
        claim_reject(actor=org.finance, claim=claim, reason=" ")
    assert "reason" in exc.value.message_dict
    claim_reject(actor=org.finance, claim=claim, reason="付款人与本案无关")
    unidentified.refresh_from_db()
    claim.refresh_from_db()
    assert claim.status == "rejected" and claim.reject_reason == "付款人与本案无关"
    assert unidentified.status == "unmatched" and unidentified.waiting_since == date(2026, 12, 1)
    # and it may be claimed again
    assert claim_create(actor=org.officer, line=unidentified, case=case, reason="补充材料").pk


def test_only_unidentified_credit_lines_can_be_claimed(org, make_case, make_line):
    case = make_case()
    for line in (make_line(direction="debit"), make_line(status="ignored")):
        with pytest.raises(ValidationError):
            claim_create(actor=org.officer, line=line, case=case, reason="理由")


def test_demo_statement_is_consistent_with_the_ledger(db):
    """The demo: posted lines ARE the ledger's receipts (same case, amount, date, reference), nothing before filing;
    a second seeding adds nothing."""
    from accounts.demo import seed_org
    from cases.demo import seed as seed_cases
    from statements import demo
    from statements.models import StatementLine

    org = seed_org()
    seed_cases(org, seed=20240101, cases=150)
    summary = demo.seed(org, seed=20240101, cases=150)
    assert "posted" in summary and demo.seed(org, seed=20240101, cases=150) == ""
    posted = StatementLine.objects.filter(status="posted").select_related("ledger_entry", "case")
    assert posted.count() == 6
    for line in posted:
        entry = line.ledger_entry
        assert (entry.case_id, entry.amount, entry.occurred_on, entry.reference) == (
            line.case_id, line.amount, line.booked_on, line.bank_reference)
        assert line.booked_on >= line.case.filed_on
    assert StatementLine.objects.filter(status="proposed").exists()
    assert StatementLine.objects.filter(status="unmatched").exists()
    assert Claim.objects.filter(status="pending").count() == 1
