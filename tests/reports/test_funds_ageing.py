"""案款账龄 (reports.funds_ageing): money held on case accounts by the age of its receipt, first in first out, per
team and officer; the drill-down and CSV; who may see it; the 30-day payout deadline behind the overdue count."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Team
from assets import services
from assets.models import LedgerEntry
from cases.models import PartyRole
from core.models import CourtSetting
from deadlines import engine as deadline_engine
from deadlines.models import Deadline
from reports.funds_ageing import funds_ageing, funds_ageing_cases
from tests.conftest import login, make_user

D = Decimal


def receipt(org, case, amount, days_ago):
    return services.receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=D(amount),
                                   occurred_on=timezone.localdate() - timedelta(days=days_ago), payer="天水示例建材有限公司")


def pay_out(org, case, amount):
    applicant = case.case_parties.get(role=PartyRole.APPLICANT)
    payout = services.payout_prepare(actor=org.officer if case.team_id == org.team.pk else org.chief, case=case,
                                     payee=applicant, amount=D(amount), payee_account_name="张三",
                                     payee_bank="中国建设银行天水分行", payee_account_number="6217000000000000001")
    services.payout_approve(actor=org.finance, payout=payout)
    return services.payout_execute(actor=org.finance, payout=payout)


@pytest.fixture
def money(org, make_case):
    """Case A (team 1, 郑强): receipts of 10, 45, 120 and 200 days (1,000 / 2,000 / 3,000 / 4,000), then 2,500 paid
    out: first in first out it takes the 200-day receipt's money, which keeps 1,500 (partly paid out).
    Case B (team 2, 陈刚): a receipt of 60 days reversed (holds nothing), one of 5 days (700).
    Case C (another court): 9,999 of 100 days, outside the court's figures."""
    a = make_case()
    for amount, days in (("1000.00", 10), ("2000.00", 45), ("3000.00", 120), ("4000.00", 200)):
        receipt(org, a, amount, days)
    pay_out(org, a, "2500.00")
    b = make_case(team=org.other_team, officer=org.colleague)
    wrong = receipt(org, b, "5000.00", 60)
    services.entry_reverse(actor=org.finance, entry=wrong, reason="误登记")
    receipt(org, b, "700.00", 5)
    other_finance = make_user("finance2", org.other_court, [Role.FINANCE])
    c = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    services.receipt_record(actor=other_finance, case=c, kind="debtor_payment", amount=D("9999.00"),
                            occurred_on=timezone.localdate() - timedelta(days=100), payer="某公司")
    return a, b, c


def balances(court_ids):
    return LedgerEntry.objects.filter(court_id__in=court_ids).aggregate(s=Sum("signed_amount"))["s"] or D("0")


def test_buckets_first_in_first_out_with_a_partial_payout_and_a_reversal(org, money):
    a, b, _c = money
    data = funds_ageing(court_ids=[org.court.pk], today=timezone.localdate())
    assert data.total.buckets == {"d30": D("1700.00"), "d90": D("2000.00"), "d180": D("3000.00"),
                                  "older": D("1500.00")}
    # The buckets add up to the cases' balances (the ledger's own sum), here 7,500 + 700.
    assert data.total.total == balances([org.court.pk]) == D("8200.00")
    by_team = {t.team_id: t for t in data.teams}
    assert by_team[org.team.pk].total == D("7500.00") and by_team[org.other_team.pk].total == D("700.00")
    [officer] = by_team[org.team.pk].officers
    assert officer.officer_id == org.officer.pk and officer.label == "郑强" and officer.cases == 1
    assert by_team[org.other_team.pk].officers[0].buckets["d30"] == D("700.00")
    assert data.total.cases == 2


def test_the_buckets_follow_every_later_movement(org, money):
    a, b, _c = money
    pay_out(org, a, "2000.00")  # 1,500 left of the 200-day receipt, then 500 of the 120-day one
    data = funds_ageing(court_ids=[org.court.pk], today=timezone.localdate())
    assert data.total.buckets["older"] == D("0.00") and data.total.buckets["d180"] == D("2500.00")
    assert data.total.total == balances([org.court.pk]) == D("6200.00")
    # A day later the 30-day receipt of case A turns 31 days old... counted on a given day:
    later = funds_ageing(court_ids=[org.court.pk], today=timezone.localdate() + timedelta(days=21))
    assert later.total.buckets["d30"] == D("700.00") and later.total.buckets["d90"] == D("3000.00")


def test_a_tree_scope_adds_the_subordinate_courts(org, money):
    mid = org.intermediate
    data = funds_ageing(court_ids=mid.descendant_ids(), today=timezone.localdate())
    assert data.total.total == D("8200.00") + D("9999.00") == balances(mid.descendant_ids())
    assert data.total.buckets["d180"] == D("3000.00") + D("9999.00")


def test_drill_down_lists_the_cases_of_a_bucket(org, money):
    a, b, _c = money
    today = timezone.localdate()
    older = funds_ageing_cases(court_ids=[org.court.pk], today=today, bucket="older")
    assert [(c.pk, held) for c, held, _n in older.rows] == [(a.pk, D("1500.00"))] and older.count == 1
    recent = funds_ageing_cases(court_ids=[org.court.pk], today=today, bucket="d30")
    assert {c.pk: held for c, held, _n in recent.rows} == {a.pk: D("1000.00"), b.pk: D("700.00")}
    mine = funds_ageing_cases(court_ids=[org.court.pk], today=today, team_id=org.other_team.pk)
    assert [c.pk for c, _h, _n in mine.rows] == [b.pk]
    with pytest.raises(ValueError):
        funds_ageing_cases(court_ids=[org.court.pk], today=today, bucket="x")


def test_overdue_receipts_match_the_payout_deadlines(org, money):
    """The 30-day rule (§2.1 node 11, K.PAYOUT): the receipts the page counts as past their payout deadline are
    exactly those whose payout deadline the engine keeps overdue. The 200-day receipt, partly paid out, still is;
    the reversed one is not; the 10-day one is not yet."""
    a, b, _c = money
    today = timezone.localdate()
    deadline_engine.recompute(today=today, full=True)
    overdue = Deadline.objects.filter(kind="payout", status="overdue", court_id=org.court.pk)
    data = funds_ageing(court_ids=[org.court.pk], today=today)
    assert data.total.overdue == overdue.count() == 3  # 45, 120 and 200 days of case A
    entries = LedgerEntry.objects.filter(case=a, kind="debtor_payment").order_by("occurred_on")
    assert set(overdue.values_list("source_id", flat=True)) == set(entries.values_list("pk", flat=True)[:3])
    only = funds_ageing_cases(court_ids=[org.court.pk], today=today, overdue=True)
    assert [(c.pk, n) for c, _held, n in only.rows] == [(a.pk, 3)]


def test_the_court_payout_days_set_the_deadline_and_a_payout_meets_it(org, make_case):
    CourtSetting.objects.create(court=org.court, key="payout_days", value=20)
    case = make_case()
    today = timezone.localdate()
    entry = receipt(org, case, "3000.00", 25)
    assert entry.payout_due_on == entry.occurred_on + timedelta(days=20)
    deadline_engine.recompute(today=today, full=True)
    d = Deadline.objects.get(source_type="ledger_entry", source_id=entry.pk, kind="payout")
    assert d.due_on == entry.occurred_on + timedelta(days=20) and d.status == "overdue"
    assert funds_ageing(court_ids=[org.court.pk], today=today).total.overdue == 1
    pay_out(org, case, "1000.00")  # a part paid out: the deadline stays overdue, 2,000 still held
    deadline_engine.recompute(today=today, full=True)
    d.refresh_from_db()
    assert d.status == "overdue"
    pay_out(org, case, "2000.00")
    deadline_engine.recompute(today=today, full=True)
    d.refresh_from_db()
    assert d.status == "met" and d.met_on == today
    data = funds_ageing(court_ids=[org.court.pk], today=today)
    assert data.total.total == D("0.00") and data.total.overdue == 0 and data.teams == []


# --- The pages ----------------------------------------------------------------------------------------------------

URL = "reports:funds_ageing"


@pytest.mark.parametrize("who", ["chief", "finance", "supervisor"])
def test_chief_and_finance_see_the_page(client, org, money, who):
    login(client, getattr(org, who))
    r = client.get(reverse(URL))
    assert r.status_code == 200
    body = r.content.decode()
    expected = "¥18,199.00" if who == "supervisor" else "¥8,200.00"  # the intermediate chief: the subordinate courts
    assert expected in body and "¥1,500.00" in body and "郑强" in body
    assert reverse("reports:funds_ageing_cases") in body


@pytest.mark.parametrize("who", ["officer", "clerk", "court_admin"])
def test_others_are_refused(client, org, money, who):
    login(client, getattr(org, who))
    assert client.get(reverse(URL)).status_code == 403
    assert client.get(reverse("reports:funds_ageing_cases")).status_code == 403


def test_finance_sees_only_their_court(client, org, money):
    login(client, org.finance)
    assert client.get(reverse(URL), {"court": org.other_court.pk}).status_code == 403
    login(client, org.chief)
    assert client.get(reverse(URL), {"court": org.other_court.pk}).status_code == 403
    r = client.get(reverse("reports:funds_ageing_cases"), {"bucket": "d180"})
    assert r.status_code == 200 and "¥3,000.00" in r.content.decode() and "¥9,999.00" not in r.content.decode()


def test_the_dashboard_links_the_page(client, org):
    login(client, org.chief)
    assert reverse(URL) in client.get(reverse("reports:dashboard")).content.decode()


def test_drill_down_page_and_bad_parameters(client, org, money):
    a, b, _c = money
    login(client, org.chief)
    r = client.get(reverse("reports:funds_ageing_cases"), {"bucket": "older"})
    assert r.status_code == 200 and a.number in r.content.decode() and b.number not in r.content.decode()
    assert client.get(reverse("reports:funds_ageing_cases"), {"bucket": "nope"}).status_code == 404
    assert client.get(reverse("reports:funds_ageing_cases"), {"team": "x"}).status_code == 404


def test_csv_exports_are_spreadsheet_safe(client, org, money):
    Team.objects.filter(pk=org.team.pk).update(name="=HYPERLINK(\"http://x\")组")
    login(client, org.finance)
    r = client.get(reverse(URL), {"format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 9  # team, officer, four buckets, total, overdue receipts, cases
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert any(row[0] == "'=HYPERLINK(\"http://x\")组" for row in rows)
    assert rows[-1][-3] == "8200.00"
    r = client.get(reverse("reports:funds_ageing_cases"), {"bucket": "older", "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")组" and rows[1][3] == "1500.00"


def test_query_count_does_not_grow_with_the_cases(client, org, money, make_case):
    login(client, org.chief)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(URL)).status_code == 200
        assert client.get(reverse("reports:funds_ageing_cases")).status_code == 200
    for i in range(3):
        case = make_case(team=org.other_team, officer=make_user(f"o{i}", org.court, [Role.OFFICER], [org.other_team]))
        receipt(org, case, "100.00", 40 + i)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(URL)).status_code == 200
        assert client.get(reverse("reports:funds_ageing_cases")).status_code == 200
    assert len(many) == len(few)
