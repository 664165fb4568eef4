"""An officer's case list in a real browser: most urgent first, then sorted by clicking column headings (and again to
reverse), the order kept across pages; the case search's boxes have visible labels. Screenshots of each step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import go_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def caseload(org_committed):
    from deadlines import on_commit
    from deadlines.engine import code_of
    from deadlines.models import Deadline

    org = org_committed
    make_case = root_conftest.make_case.__wrapped__(org)
    today = timezone.localdate()
    # Only the deadlines written below (not those the engine computes on commit from the filing dates).
    with on_commit.suspended():
        old = make_case(received_on=date(2026, 1, 4), filed_on=date(2026, 1, 5), principal="300000.00")
        calm = make_case(received_on=date(2026, 2, 4), filed_on=date(2026, 2, 5), principal="5000.00")
        overdue = make_case(filed_on=date(2026, 3, 6), principal="80000.00")
    for case, due, status in ((overdue, today - timedelta(days=4), "overdue"), (old, today + timedelta(days=12), "open")):
        Deadline.objects.create(source_type="case", source_id=case.pk, kind="notice", seq=0,
                                code=code_of("case", "notice", 0), case=case, court_id=case.court_id,
                                team_id=case.team_id, responsible_id=case.officer_id, start_on=due - timedelta(days=10),
                                due_on=due, warn_from=due - timedelta(days=3), status=status,
                                computed_at=timezone.now())
    return old, calm, overdue


def numbers(page) -> list[str]:
    return [t.strip() for t in page.locator(".cases-table tbody tr td[data-label=案号] a").all_inner_texts()]


def test_officer_sorts_my_cases(new_page, org_committed, caseload):
    old, calm, overdue = caseload
    page = new_page(DESKTOP)
    sign_in(page, "officer", PASSWORD)
    go_nav(page, "cases:my_cases")
    assert "按紧急程度排序" in page.inner_text("#sort-note")
    assert numbers(page) == [overdue.number, old.number, calm.number]
    assert "最近期限" in page.inner_text(".cases-table thead")
    shot(page, "my-cases-01-most-urgent-first")

    with page.expect_navigation():
        page.click(".cases-table thead a[data-sort=amount]")
    assert numbers(page) == [calm.number, overdue.number, old.number]
    assert page.get_attribute(".cases-table thead th:has(a[data-sort=amount])", "aria-sort") == "ascending"
    shot(page, "my-cases-02-by-amount")
    with page.expect_navigation():
        page.click(".cases-table thead a[data-sort=amount]")
    assert numbers(page) == [old.number, overdue.number, calm.number]
    assert "▼" in page.inner_text(".cases-table thead a[data-sort=amount]")
    shot(page, "my-cases-03-by-amount-descending")

    with page.expect_navigation():
        page.click("#sort-note a")
    assert numbers(page) == [overdue.number, old.number, calm.number]

    # Tick two cases and press 网络查控: the new inquiry batch page opens with both preselected.
    page.check(f"#pick-{overdue.pk}")
    page.check(f"#pick-{old.pk}")
    with page.expect_navigation():
        page.click("#inquiry-pick-submit")
    assert "/inquiry/" in page.url and f"case={overdue.pk}" in page.url and f"case={old.pk}" in page.url
    body = page.inner_text("main")
    assert overdue.number in body and old.number in body and calm.number not in body
    shot(page, "my-cases-04-inquiry-preselected")
    go_nav(page, "cases:my_cases")
    page.click("[data-batch-select=all]")
    assert page.locator("input.batch-case:checked").count() == 3
    page.click("[data-batch-select=none]")
    assert page.locator("input.batch-case:checked").count() == 0

    # The case search: each box has its label.
    go_nav(page, "cases:list")
    for field in ("id_q", "id_party", "id_id_number", "id_officer", "id_stream", "id_stage", "id_tag"):
        assert page.locator(f"label[for={field}]").inner_text().strip(), field
    assert "案号" in page.inner_text("label[for=id_q]")
    shot(page, "case-search-labelled")
