"""Finance's confirmation: proposed lines become receipts once, through the ledger service."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from assets.models import LedgerEntry
from statements.matching import match_lines
from statements.models import StatementLine
from statements.posting import lines_confirm
from tests.conftest import make_user

@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the Chinese the users see (the default language)."""


@pytest.fixture(autouse=True)
def _fixed_today():
    """These tests run on the real date (the import tests' fixed March date is for their sample files)."""



def _matched(org, *lines):
    match_lines(court=org.court, line_ids=[line.pk for line in lines])
    return [StatementLine.objects.get(pk=line.pk) for line in lines]


@pytest.mark.django_db
def test_one_click_posts_the_confident_matches_once(org, make_case, make_line):
    case = make_case()
    sure = make_line(sub_account=case.account_reference, amount="1200.00", payer_name="天水示例建材有限公司",
                     remark="协助执行扣划", reference="ICBC0001")
    by_name = make_line(payer_name="天水示例建材有限公司", amount="300.00")
    sure, by_name = _matched(org, sure, by_name)
    assert (sure.confidence, by_name.confidence) == (100, 70)
    result = lines_confirm(actor=org.finance, court_id=org.court.pk, statement=make_line.statement())
    assert result.posted == [sure.pk] and result.total == Decimal("1200.00")
    sure.refresh_from_db()
    entry = sure.ledger_entry
    assert sure.status == "posted" and sure.posted_by == org.finance
    assert (entry.case_id, entry.kind, entry.amount, entry.reference, entry.occurred_on, entry.payer) == (
        case.pk, "bank_deduction", Decimal("1200.00"), "ICBC0001", date(2026, 12, 1), "天水示例建材有限公司")
    # a second click posts nothing
    again = lines_confirm(actor=org.finance, court_id=org.court.pk, statement=make_line.statement())
    assert again.posted == [] and LedgerEntry.objects.filter(case=case).count() == 1
    # the lower match is posted only when ticked
    ticked = lines_confirm(actor=org.finance, court_id=org.court.pk, line_ids=[by_name.pk])
    assert ticked.posted == [by_name.pk]
    case.refresh_from_db()
    assert case.amount_recovered == Decimal("1500.00")


@pytest.mark.django_db
def test_only_finance_confirms(org, make_case, make_line):
    case = make_case()
    line, = _matched(org, make_line(sub_account=case.account_reference))
    for user in (org.officer, org.chief, org.outsider):
        with pytest.raises(PermissionDenied):
            lines_confirm(actor=user, court_id=org.court.pk, line_ids=[line.pk])
    other_finance = make_user("finance_qz", org.other_court, ["finance"])
    with pytest.raises(PermissionDenied):
        lines_confirm(actor=other_finance, court_id=org.court.pk, line_ids=[line.pk])
    # asking for "its own" court does not reach this court's lines
    assert lines_confirm(actor=other_finance, court_id=org.other_court.pk, line_ids=[line.pk]).posted == []
    assert StatementLine.objects.get(pk=line.pk).status == "proposed"


@pytest.mark.django_db
def test_the_ledgers_duplicate_reference_check_agrees(org, make_case, make_line):
    from assets.services.ledger import receipt_record

    case = make_case()
    receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount="500.00",
                   occurred_on=date(2026, 12, 1), reference="ICBC0009")
    line, = _matched(org, make_line(sub_account=case.account_reference, amount="500.00", reference="ICBC0009"))
    result = lines_confirm(actor=org.finance, court_id=org.court.pk, line_ids=[line.pk])
    assert result.posted == [] and "ICBC0009" in result.refused[line.pk]
    line.refresh_from_db()
    assert line.status == "unmatched" and line.ledger_entry is None and "ICBC0009" in line.note
    assert LedgerEntry.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_case_closed_after_matching_refuses_and_the_line_goes_to_the_queue(org, make_case, make_line):
    from cases.models import Case

    case = make_case()
    line, = _matched(org, make_line(sub_account=case.account_reference))
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="performed", closed_on=date(2026, 11, 1))
    result = lines_confirm(actor=org.finance, court_id=org.court.pk, line_ids=[line.pk])
    assert result.posted == [] and "结案" in result.refused[line.pk]
    line.refresh_from_db()
    assert line.status == "unmatched" and line.case_id is None and line.waiting_since is not None


@pytest.mark.django_db
def test_no_receipt_before_filing(org, make_case, make_line):
    case = make_case()
    line, = _matched(org, make_line(sub_account=case.account_reference, booked_on=date(2026, 3, 1)))
    result = lines_confirm(actor=org.finance, court_id=org.court.pk, line_ids=[line.pk])
    assert result.posted == [] and "立案" in result.refused[line.pk]


@pytest.mark.django_db
def test_over_collection_is_reported(org, make_case, make_line):
    case = make_case(principal="1000.00")
    line, = _matched(org, make_line(sub_account=case.account_reference, amount="1500.00"))
    result = lines_confirm(actor=org.finance, court_id=org.court.pk, line_ids=[line.pk])
    assert result.posted == [line.pk] and result.over_collected[case.pk] > 0


@pytest.mark.django_db(transaction=True)
def test_two_finance_users_confirming_at_once_post_once(org_committed):
    from statements.models import Statement
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    statement = Statement.objects.create(court=org.court, account_number="27050201", format="csv", file_name="a.csv",
                                         sha256="f" * 64)
    lines = [StatementLine.objects.create(court=org.court, statement=statement, account_number="27050201",
                                          bank_reference=f"CC{i}", booked_on=date(2026, 12, 1),
                                          amount=Decimal("100.00"), direction="credit",
                                          sub_account=case.account_reference) for i in range(5)]
    match_lines(court=org.court, line_ids=[line.pk for line in lines])
    finance2 = make_user("finance2", org.court, ["finance"], full_name="钱芳")
    barrier, results = threading.Barrier(2), []

    def confirm(actor):
        try:
            barrier.wait(timeout=10)
            results.append(lines_confirm(actor=actor, court_id=org.court.pk, statement=statement))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in (org.finance, finance2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(len(r.posted) + r.skipped for r in results) == [5, 5]
    assert sum(len(r.posted) for r in results) == 5
    assert LedgerEntry.objects.filter(case=case).count() == 5
    assert StatementLine.objects.filter(statement=statement, status="posted").count() == 5
