"""Pages and API of matching and claims: who may open them, one click posts once, claims through the page."""

import pytest
from rest_framework.test import APIClient

from statements.matching import match_lines
from statements.models import Claim, StatementLine
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Pages are read in Chinese here."""


@pytest.fixture(autouse=True)
def _fixed_today():
    """The real date."""


@pytest.fixture
def matched(org, make_case, make_line):
    case = make_case()
    lines = [make_line(sub_account=case.account_reference, amount="100.00"),
             make_line(payer_name="无名氏", remark="货款", amount="70.00")]
    match_lines(court=org.court, line_ids=[line.pk for line in lines])
    return case, lines


def test_finance_confirms_once_on_the_page_even_on_a_double_click(client, org, matched, make_line):
    case, (sure, _unknown) = matched
    login(client, org.finance)
    statement = make_line.statement()
    r = client.get(f"/statements/matching/?statement={statement.pk}")
    assert r.status_code == 200 and case.number in r.content.decode() and "置信度" in r.content.decode()
    token = r.context["form_token"]
    data = {"statement": statement.pk, "form_token": token}
    first = client.post("/statements/matching/confirm/", data, follow=True)
    assert "1笔已入案款账" in first.content.decode()
    second = client.post("/statements/matching/confirm/", data, follow=True)
    assert "未重复登记" in second.content.decode()
    sure.refresh_from_db()
    assert sure.status == "posted" and case.ledger_entries.count() == 1


def test_pages_refuse_those_without_the_permission(client, org, matched):
    for user, url, code in ((org.officer, "/statements/matching/", 403), (org.officer, "/statements/claims/", 403),
                            (org.finance, "/statements/escalations/", 403), (org.clerk, "/statements/unidentified/", 403),
                            (org.officer, "/statements/unidentified/", 200), (org.chief, "/statements/escalations/", 200)):
        login(client, user)
        assert client.get(url).status_code == code, (user, url)


def test_other_courts_lines_are_not_listed(client, org, matched, make_line):
    foreign = make_line(court=org.other_court, payer_name="外院付款人")
    login(client, org.finance)
    html = client.get("/statements/unidentified/").content.decode()
    assert "无名氏" in html and "外院付款人" not in html
    login(client, org.officer)
    r = client.post("/statements/unidentified/claim/", {"line": foreign.pk, "case_number": "x", "reason": "r"})
    assert r.status_code == 302 and not Claim.objects.exists()


def test_officer_claims_on_the_page_and_finance_decides(client, org, matched):
    case, (_sure, unknown) = matched
    login(client, org.officer)
    r = client.post("/statements/unidentified/claim/", {"line": unknown.pk, "case_number": case.number.replace(
        "（", "(").replace("）", ")"), "reason": ""}, follow=True)
    assert "理由" in r.content.decode() and not Claim.objects.exists()  # reason required
    client.post("/statements/unidentified/claim/", {"line": unknown.pk, "case_number": case.number,
                                                    "reason": "电话核实"})
    claim = Claim.objects.get()
    login(client, org.finance)
    assert case.number in client.get("/statements/claims/").content.decode()
    r = client.post("/statements/claims/decide/", {"claim": claim.pk, "action": "reject", "reason": ""}, follow=True)
    claim.refresh_from_db()
    assert claim.status == "pending"
    client.post("/statements/claims/decide/", {"claim": claim.pk, "action": "confirm"})
    claim.refresh_from_db()
    unknown.refresh_from_db()
    assert claim.status == "confirmed" and unknown.status == "posted" and unknown.case_id == case.pk


def test_api_confirm_claim_and_decide(org, matched, make_case):
    case, (sure, unknown) = matched
    api = APIClient()
    api.force_authenticate(org.officer)
    assert api.post("/api/v1/statement-matching/confirm/", {"line_ids": [sure.pk]}, format="json").status_code == 403
    theirs = make_case(team=org.other_team, officer=org.colleague)
    r = api.post("/api/v1/statement-claims/", {"line": unknown.pk, "case": theirs.pk, "reason": "x"}, format="json")
    assert r.status_code == 400 and "case" in r.json()  # a case the officer cannot see is "no such case"
    r = api.post("/api/v1/statement-claims/", {"line": unknown.pk, "case": case.pk, "reason": "电话核实"},
                 format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201
    again = api.post("/api/v1/statement-claims/", {"line": unknown.pk, "case": case.pk, "reason": "电话核实"},
                     format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true" and Claim.objects.count() == 1
    api.force_authenticate(org.finance)
    r = api.post("/api/v1/statement-matching/confirm/", {"line_ids": [sure.pk]}, format="json")
    assert r.status_code == 200 and r.json()["posted"] == [sure.pk]
    r = api.post("/api/v1/statement-claims/decide/", {"claim": Claim.objects.get().pk, "action": "confirm"},
                 format="json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert StatementLine.objects.filter(status="posted").count() == 2
