"""The intermediate court's chief sees the subordinate courts by default on the dashboard and the reports, and may
narrow them to one court (issue 19, "It is quick to work with")."""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse

from reports import selectors, services
from reports.models import ReportSnapshot

from .test_pages import WEEK_START, data  # noqa: F401 - the fixture


def received(html: str) -> str:
    match = re.search(r'<tr[^>]*data-kpi="received".*?class="[^"]*kpi-current[^"]*"[^>]*>(.*?)</td>', html, re.S)
    assert match, "no received row"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_intermediate_chief_sees_subordinate_courts_by_default(client, org, data):  # noqa: F811
    client.force_login(org.supervisor)
    html = client.get(reverse("reports:dashboard"), {"period": "week", "start": WEEK_START}).content.decode()
    assert received(html) not in ("", "0"), received(html)
    assert 'id="f-tree"' in html and re.search(r'id="f-tree"[^>]*checked', html)
    # Narrowed to one subordinate court (the filter form sends the court, and the box unticked).
    one = client.get(reverse("reports:dashboard"), {"period": "week", "start": WEEK_START,
                                                    "court": org.other_court.pk}).content.decode()
    assert org.other_court.name in one and received(one) == "1", received(one)
    # Its own court only, box unticked: what it handles itself (nothing here).
    own = client.get(reverse("reports:dashboard"), {"period": "week", "start": WEEK_START,
                                                    "court": org.intermediate.pk}).content.decode()
    assert received(own) == "0"
    maiji = client.get(reverse("reports:dashboard"), {"period": "month", "start": "2025-05-01",
                                                      "court": org.court.pk}).content.decode()
    tree = client.get(reverse("reports:dashboard"), {"period": "month", "start": "2025-05-01"}).content.decode()
    assert int(received(maiji)) > 0 and received(tree) == received(maiji)  # the month's cases are all 麦积's


def test_basic_court_chief_default_is_unchanged(client, org, data):  # noqa: F811
    assert not selectors.subordinates_by_default(user=org.chief)
    assert selectors.subordinates_by_default(user=org.supervisor)
    client.force_login(org.chief)
    html = client.get(reverse("reports:dashboard"), {"period": "week", "start": WEEK_START}).content.decode()
    assert not re.search(r'id="f-tree"[^>]*checked', html)


def test_drilldown_and_table_default_to_the_subordinate_courts(client, org, data):  # noqa: F811
    client.force_login(org.supervisor)
    table = client.get(reverse("reports:table"), {"period": "week", "start": WEEK_START, "dim": "court"})
    text = table.content.decode()
    assert org.court.name in text and org.other_court.name in text
    drill = client.get(reverse("reports:drilldown"), {"period": "week", "start": WEEK_START, "measure": "received"})
    assert drill.status_code == 200
    count = re.search(r'id="drill-count">\D*(\d+)', drill.content.decode())
    assert count and int(count.group(1)) > 0


def test_weekly_report_form_and_monday_report_cover_the_subordinate_courts(client, org, data):  # noqa: F811
    client.force_login(org.supervisor)
    html = client.get(reverse("reports:weekly_list")).content.decode()
    assert re.search(r'name="include_subordinates"[^>]*checked', html)
    made = services.weekly_reports_generate(today=date(2025, 6, 16))
    tree = ReportSnapshot.objects.get(pk__in=made, court=org.intermediate)
    assert tree.scope_key == "tree" and tree.figures["current"]["received"]["value"] > 0
    assert ReportSnapshot.objects.get(pk__in=made, court=org.court).scope_key == "court"
