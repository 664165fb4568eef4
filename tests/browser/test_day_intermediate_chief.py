"""The intermediate court's chief's day, in a real browser: the dashboard opens on the subordinate courts' figures
(not zeros), the per-court table names each subordinate court, a figure drills down to its cases and a case opens,
the filter narrows to one court, and the Monday weekly report covers the subordinate courts. Each step checks the
Chinese text the chief sees and is screenshotted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import go_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _last_week_day() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday() + 5)  # the Wednesday of last week


@pytest.fixture
def region(org_committed):
    """Last week: two cases filed at 麦积区 and one at 秦州区, none at the intermediate court itself."""
    from reports.services import rollup_refresh, weekly_reports_generate

    org = org_committed
    make_case = root_conftest.make_case.__wrapped__(org)
    filed = _last_week_day()
    week = dict(received_on=filed, filed_on=filed, basis_effective_on=date(2026, 8, 1), basis_due_on=date(2026, 8, 15))
    maiji = [make_case(**week), make_case(principal="250000.00", **week)]
    qinzhou = make_case(court=org.other_court, **week)
    rollup_refresh(court_ids=[org.court.pk, org.other_court.pk, org.intermediate.pk])
    weekly_reports_generate()  # Monday 07:00, before the chief's day starts
    return maiji, qinzhou


def test_intermediate_chief_reads_the_subordinate_courts(new_page, org_committed, region):
    org = org_committed
    maiji, qinzhou = region
    page = new_page(DESKTOP)
    sign_in(page, "supervisor", PASSWORD)

    # The dashboard opens on the intermediate court and its subordinate courts: last week's three new cases.
    go_nav(page, "reports:dashboard")
    assert org.intermediate.name in page.inner_text("main")
    assert "及下辖法院" in page.inner_text("main")
    assert page.is_checked("#f-tree")
    received = page.inner_text("#headline-table tr[data-kpi=received] .kpi-current").strip()
    assert received == "3", received
    assert "新收" in page.inner_text("#headline-table")
    shot(page, "zy-chief-01-dashboard-subordinate-courts")

    # The figures per court name each subordinate court.
    page.goto("/reports/table/?dim=court")
    table = page.inner_text("main")
    assert org.court.name in table and org.other_court.name in table, table
    shot(page, "zy-chief-02-table-by-court")

    # Drill down from the dashboard's figure to the cases behind it; each case number opens the case.
    go_nav(page, "reports:dashboard")
    with page.expect_navigation():
        page.click("#headline-table tr[data-kpi=received] .kpi-current a.kpi-link")
    drill = page.inner_text("#drill-table")
    assert maiji[0].number in drill and qinzhou.number in drill, drill
    assert "3" in page.inner_text("#drill-count")
    shot(page, "zy-chief-03-drilldown")
    with page.expect_navigation():
        page.locator("#drill-table a", has_text=qinzhou.number).click()
    assert page.inner_text("#case-number").strip() == qinzhou.number
    shot(page, "zy-chief-04-case-opened")

    # Narrow to one court: 秦州区 only.
    go_nav(page, "reports:dashboard")
    page.select_option("#f-court", str(org.other_court.pk))
    page.uncheck("#f-tree")
    with page.expect_navigation():
        page.click("#report-filters button[type=submit]")
    assert org.other_court.name in page.inner_text("main")
    assert "及下辖法院" not in page.inner_text("main")
    received = page.inner_text("#headline-table tr[data-kpi=received] .kpi-current").strip()
    assert received == "1", received
    shot(page, "zy-chief-05-one-court")

    # The weekly report generated this morning covers the subordinate courts.
    go_nav(page, "reports:weekly_list")
    snapshots = page.inner_text("#snapshot-table")
    assert org.intermediate.name in snapshots, snapshots
    assert page.is_checked("#id_include_subordinates")
    shot(page, "zy-chief-06-weekly-reports")
    row = page.locator("#snapshot-table tbody tr", has_text=org.intermediate.name).first
    with page.expect_navigation():
        row.locator("a").first.click()
    report = page.inner_text("main")
    assert "新收" in report and org.intermediate.name in report and "及下辖法院" in report, report[:500]
    shot(page, "zy-chief-07-weekly-report")
