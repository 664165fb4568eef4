"""The home page's to-do tiles (core.todo) and the overdue counts: the tile, the menu badge and the list agree."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deadlines.engine import code_of
from deadlines.models import Deadline
from tests.conftest import login


def _deadline(case, *, due, status="open", responsible=None, team=None, kind="term", seq=0):
    n = Deadline.objects.count()
    return Deadline.objects.create(
        source_type="case", source_id=case.pk, kind=kind, seq=seq + n, code=code_of("case", kind, seq + n),
        case=case, court_id=case.court_id, team=team or case.team, responsible=responsible or case.officer,
        start_on=due - timedelta(days=30), due_on=due, warn_from=due - timedelta(days=7), warn_days=[7],
        status=status, met_on=due if status == "met" else None, computed_at=timezone.now())


@pytest.fixture
def mix(org, make_case):
    """Overdue (stored overdue, and still 'open' before the day's first scan), due today, met, cancelled, another
    team's, another court's and a closed case's."""
    today = timezone.localdate()
    mine = make_case()
    closed = make_case()
    type(closed).objects.filter(pk=closed.pk).update(stage="closed", closed_on=today - timedelta(days=1),
                                                     closure_mode="fulfilled")
    theirs = make_case(team=org.other_team, officer=org.colleague)
    foreign = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    _deadline(mine, due=today - timedelta(days=3), status="overdue")
    _deadline(mine, due=today - timedelta(days=1), status="open")
    _deadline(mine, due=today, status="open")
    _deadline(mine, due=today + timedelta(days=3), status="open", kind="lead")
    _deadline(mine, due=today - timedelta(days=5), status="met")
    _deadline(mine, due=today - timedelta(days=5), status="cancelled")
    _deadline(closed, due=today - timedelta(days=2), status="overdue", kind="payout")
    _deadline(theirs, due=today - timedelta(days=4), status="overdue")
    _deadline(foreign, due=today - timedelta(days=4), status="overdue")
    return today


def _badge(html: str, nav: str) -> int:
    m = re.search(rf'data-nav="{re.escape(nav)}">[^<]*(?:<span class="badge[^"]*nav-overdue-badge">(\d+)</span>)?',
                  html)
    assert m, nav
    return int(m.group(1) or 0)


def _tile(html: str, key: str) -> int:
    m = re.search(rf'data-tile="{key}">\s*<div class="card-body[^"]*">\s*<div[^>]*data-count>(\d+)<', html)
    assert m, key
    return int(m.group(1))


def test_officer_overdue_counts_agree(client, org, mix):
    login(client, org.officer)
    home = client.get("/").content.decode()
    page = client.get("/deadlines/", {"view": "list", "show": "overdue"})
    listed = page.context["page"].paginator.count
    shown = int(re.search(r'id="dl-overdue-count">(\d+)<', page.content.decode()).group(1))
    assert _tile(home, "mine_overdue") == _badge(home, "deadlines:mine") == listed == shown == 3
    assert {d.deadline.due_on for d in page.context["items"]} == {mix - timedelta(days=3), mix - timedelta(days=1),
                                                                  mix - timedelta(days=2)}
    assert _tile(home, "mine_today") == client.get("/deadlines/", {"view": "list", "show": "today"}).context[
        "total"] == 1


def test_chief_overdue_counts_agree(client, org, mix):
    login(client, org.chief)
    home = client.get("/").content.decode()
    page = client.get("/deadlines/overdue/")
    assert _tile(home, "bureau_overdue") == _badge(home, "deadlines:overdue") == page.context["total"] == 4
    assert int(re.search(r'id="dl-overdue-total">(\d+)<', page.content.decode()).group(1)) == 4


def _page_count(client, key: str, url: str) -> int:
    r = client.get(url)
    assert r.status_code == 200, (key, url)
    ctx = r.context
    if key.startswith("mine_") or key == "bureau_overdue":
        return ctx["total"]
    if key == "closures":
        return len(ctx["queue"]) + len(ctx["suspension_queue"])
    if key in ("payouts", "unidentified_escalated"):
        return ctx["page"].paginator.count
    if key == "funds":
        return len(list(ctx["page"]))
    if key == "role_changes":
        return len(ctx["pending"])
    if key == "notices":
        return ctx["count"]
    if key.startswith("resumptions_"):
        return len(ctx["proposals"])
    if key.startswith("credit_"):  # the credit lists' total
        return ctx["count"]
    if key.startswith("delegation_"):  # delegation/todo.py: the list page's total
        return ctx["total"]
    if key in ("supervision_answer", "supervision_overdue", "reception_overdue", "dispatch_ack"):  # supervision
        return ctx["page"].paginator.count
    if key == "dispatch_escalated":
        return ctx["count"]
    if key == "efile_to_archive":  # efile/todo.py: closed cases to archive
        return ctx["total"]
    if key == "objections_to_rule":  # review/todo.py: the list's total
        return ctx["total"]
    if key == "portal_waiting":  # the party portal's questions and leads (portal app)
        return ctx["total"]
    raise AssertionError(f"no page count known for tile {key}")


@pytest.fixture
def todo(org, make_case, mix):
    """Something waiting for every role."""
    from accounts.services import role_change_request
    from assets.services import payout_prepare, receipt_record
    from cases.services.closures import closure_request
    from cases.services.suspensions import suspension_request

    today = mix
    case = make_case(received_on=today, filed_on=today)
    closing = make_case()
    closure_request(actor=org.officer, case=closing, mode="terminated", ground="applicant_withdrew",
                    reason="申请执行人撤回执行申请")
    receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("5000.00"),
                   occurred_on=today, payer="天水示例建材有限公司")
    receipt_record(actor=org.finance, case=closing, kind="debtor_payment", amount=Decimal("3000.00"),
                   occurred_on=today, payer="天水示例建材有限公司")
    applicant = case.case_parties.get(role="applicant")
    payout_prepare(actor=org.officer, case=case, payee=applicant, amount=Decimal("5000.00"),
                   payee_account_name=applicant.party.name, payee_bank="中国建设银行天水分行",
                   payee_account_number="6217000000000000001")
    role_change_request(actor=org.court_admin, user=org.colleague, new_roles=["officer", "clerk"])
    suspension_request(actor=org.officer, case=make_case(), ground="applicant_agrees", reason="申请执行人同意暂缓")
    # unidentified money waiting for weeks: the chief's escalation tile (statements.escalation)
    from statements.models import Statement, StatementLine

    statement = Statement.objects.create(court=org.court, account_number="27050201", format="csv", file_name="t.csv",
                                         sha256="e" * 64)
    StatementLine.objects.create(court=org.court, statement=statement, account_number="27050201",
                                 bank_reference="OLD1", booked_on=timezone.localdate() - timedelta(days=30),
                                 amount=Decimal("50.00"), direction="credit",
                                 waiting_since=timezone.localdate() - timedelta(days=30))

    # post-终本 finds: one waiting for the officer, one put to the chief (inquiry.services.resumption)
    from inquiry.models import InquiryBatch, ResumptionProposal

    batch = InquiryBatch.objects.create(court=org.court, number="CX2026ZB01", created_by=None, kinds=["bank"],
                                        purpose="post_zhongben")
    for status in ("proposed", "submitted"):
        closed = make_case()
        type(closed).objects.filter(pk=closed.pk).update(stage="closed", closure_mode="terminated_round",
                                                         closed_on=today - timedelta(days=170))
        ResumptionProposal.objects.create(case=closed, batch=batch, status=status)


DELEGATION_TILES = {  # delegation/todo.py
    "officer": {"delegation_in_overdue", "delegation_out_overdue"},
    "chief": {"delegation_waiting", "delegation_in_overdue", "delegation_out_overdue"},
    "clerk": {"delegation_waiting", "delegation_in_overdue"},
}
ROLE_TILES = {
    "officer": {"mine_overdue", "mine_today", "mine_leads", "resumptions_officer",
                "supervision_answer", "dispatch_ack",  # supervision/todo.py
                "portal_waiting",  # portal/todo.py
                *DELEGATION_TILES["officer"]},
    "chief": {"closures", "bureau_overdue", "resumptions_chief", "payouts", "role_changes", "unidentified_escalated",
              "credit_removals_overdue", "credit_approvals",  # credit/todo.py
              "objections_to_rule",  # review/todo.py
              "efile_to_archive",  # efile/todo.py
              "supervision_overdue", "dispatch_escalated", "reception_overdue",  # supervision/todo.py
              *DELEGATION_TILES["chief"]},
    "clerk": {"notices", "efile_to_archive", *DELEGATION_TILES["clerk"]},
    "finance": {"funds", "payouts"},
    "court_admin": {"role_changes"},
}


@pytest.mark.parametrize("role", list(ROLE_TILES))
def test_each_tile_is_the_count_of_the_page_it_links_to(client, org, todo, role, django_assert_max_num_queries):
    user = {"officer": org.officer, "chief": org.chief, "clerk": org.clerk, "finance": org.finance,
            "court_admin": org.court_admin}[role]
    login(client, user)
    # 14: the chief's escalation tile reads the court's holiday calendar and setting (statements.escalation);
    # +2 the credit tiles; +1 the signing tile asks whether the court has a signing certificate (cached after the
    # first view); +1 the delegation tiles (one query for the three, delegation.selectors.delegation_counts); +4 the
    # supervision tiles (one count each; the chief's three share the court tree's ids); +1 the objections awaiting a
    # ruling (review); +1 the closed cases to archive (efile)
    with django_assert_max_num_queries(24):
        r = client.get("/")
    tiles = {t.key: t for t in r.context["tiles"]}
    assert set(tiles) == ROLE_TILES[role]
    html = r.content.decode()
    for key, tile in tiles.items():
        assert f'href="{tile.url.replace("&", "&amp;")}" data-tile="{key}"' in html
        assert _tile(html, key) == tile.count == _page_count(client, key, tile.url), key
    assert any(t.count for t in tiles.values())  # not a vacuous comparison of zeros
    if role == "chief":
        assert tiles["closures"].count == 2  # one closure request and one 中止 request


def test_tiles_cost_a_fixed_number_of_queries(client, org, todo, make_case, django_assert_max_num_queries):
    login(client, org.chief)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for _ in range(3):
        case = make_case()
        _deadline(case, due=timezone.localdate() - timedelta(days=2), status="overdue")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/")


def test_home_page_is_in_chinese(client, org, todo):
    login(client, org.officer)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "待办事项" in html and "我的超期期限" in html and "待核实的财产线索" in html
