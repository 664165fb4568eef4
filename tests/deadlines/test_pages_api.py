"""Pages and API: who sees what, RAG, calendar, case panel, overdue list filters, notifications, query guards."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.models import Deadline, Notification
from deadlines.services import deadlines_scan
from tests.conftest import login

TODAY = timezone.localdate()


@pytest.fixture
def live(org, make_case):
    """Cases whose notice deadlines are overdue, due soon, and far away, relative to the real today."""
    cases = {}
    for name, filed_ago in (("overdue", 20), ("soon", 9), ("later", 1)):
        filed = TODAY - timedelta(days=filed_ago)
        cases[name] = make_case(received_on=filed - timedelta(days=1), filed_on=filed)
    cases["other_team"] = make_case(received_on=TODAY - timedelta(days=30), filed_on=TODAY - timedelta(days=25),
                                    team=org.other_team, officer=org.colleague)
    deadlines_scan(today=TODAY)
    return cases


def test_my_deadlines_lists_only_mine_sorted_by_urgency(client, org, live, django_assert_max_num_queries):
    login(client, org.officer)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("deadlines:mine"))
    assert r.status_code == 200
    html = r.content.decode()
    assert live["overdue"].number in html and live["other_team"].number not in html
    assert html.index(live["overdue"].number) < html.index(live["later"].number)
    assert "rag-red" in html and "rag-green" in html
    assert "我的期限" in html  # Chinese by default


def test_calendar_shows_the_month_grid_with_deadlines(client, org, live):
    login(client, org.officer)
    notice = Deadline.objects.get(case=live["later"], kind="notice")
    r = client.get(reverse("deadlines:mine"), {"view": "calendar", "month": notice.due_on.strftime("%Y-%m")})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="dl-calendar"' in html
    assert f'data-date="{notice.due_on:%Y-%m-%d}"' in html and live["later"].number in html
    assert html.count('role="gridcell"') in (35, 42, 28)


def test_calendar_ignores_a_bad_month(client, org, live):
    login(client, org.officer)
    assert client.get(reverse("deadlines:mine"), {"view": "calendar", "month": "2026-13"}).status_code == 200


def test_overdue_list_is_for_chiefs_and_filters_by_team_and_kind(client, org, live, django_assert_max_num_queries):
    login(client, org.officer)
    assert client.get(reverse("deadlines:overdue")).status_code == 403
    login(client, org.chief)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("deadlines:overdue"))
    html = r.content.decode()
    assert live["overdue"].number in html and live["other_team"].number in html
    r = client.get(reverse("deadlines:overdue"), {"team": org.other_team.pk, "kind": "notice"})
    html = r.content.decode()
    assert live["other_team"].number in html and live["overdue"].number not in html


def test_other_courts_chief_sees_none_of_our_overdue_items(client, org, live):
    login(client, org.other_chief)
    html = client.get(reverse("deadlines:overdue")).content.decode()
    assert live["overdue"].number not in html


def test_supervising_court_chief_sees_subordinate_courts(client, org, live):
    login(client, org.supervisor)
    assert live["overdue"].number in client.get(reverse("deadlines:overdue")).content.decode()


def test_case_panel_shows_deadlines_and_outsider_is_refused(client, org, live):
    case = live["overdue"]
    login(client, org.officer)
    r = client.get(reverse("cases:detail", args=[case.pk]), {"tab": "deadlines"})
    assert r.status_code == 200 and 'id="dl-case-open"' in r.content.decode()
    login(client, org.outsider)
    assert client.get(reverse("cases:detail", args=[case.pk]), {"tab": "deadlines"}).status_code == 404
    assert client.post(reverse("deadlines:case_recompute", args=[case.pk])).status_code == 404


def test_case_recompute_button_refreshes_the_case(client, org, live):
    from cases.models import Action

    case = live["soon"]
    Action.objects.create(case=case, kind="notice_served", occurred_on=TODAY, actor=org.officer)
    login(client, org.officer)
    r = client.post(reverse("deadlines:case_recompute", args=[case.pk]))
    assert r.status_code == 302
    assert Deadline.objects.get(case=case, kind="notice").status == "met"


def test_notifications_page_counts_and_marks_read(client, org, live):
    login(client, org.officer)
    unread = Notification.objects.filter(recipient=org.officer, read_at__isnull=True).count()
    assert unread >= 1
    r = client.get(reverse("deadlines:notifications"))
    assert f'id="unread-count">{unread}<' in r.content.decode()
    note = Notification.objects.filter(recipient=org.officer).first()
    r = client.post(reverse("deadlines:notification_read", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and r["HX-Trigger"] == "notificationsChanged"
    note.refresh_from_db()
    assert note.read_at is not None
    client.post(reverse("deadlines:notifications_read_all"))
    assert not Notification.objects.filter(recipient=org.officer, read_at__isnull=True).exists()


def test_cannot_mark_someone_elses_notification(client, org, live):
    note = Notification.objects.filter(recipient=org.officer).first()
    login(client, org.colleague)
    assert client.post(reverse("deadlines:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_api_deadlines_are_scoped_and_filterable(client, org, live, django_assert_max_num_queries):
    login(client, org.officer)
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/deadlines/", {"mine": "true", "kind": "notice"})
    data = r.json()
    numbers = {row["case_number"] for row in data["results"]}
    assert live["overdue"].number in numbers and live["other_team"].number not in numbers
    row = next(x for x in data["results"] if x["case_number"] == live["overdue"].number)
    assert row["status"] == "overdue" and row["days_left"] < 0
    login(client, org.outsider)
    assert client.get("/api/v1/deadlines/").json()["count"] == 0
    assert client.get(f"/api/v1/deadlines/{row['id']}/").status_code == 404


def test_api_notifications_read_and_unread_count(client, org, live):
    login(client, org.officer)
    count = client.get("/api/v1/notifications/unread-count/").json()["unread"]
    assert count >= 1
    first = client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"][0]
    r = client.post(f"/api/v1/notifications/{first['id']}/read/")
    assert r.status_code == 200 and r.json()["read_at"]
    assert client.get("/api/v1/notifications/unread-count/").json()["unread"] == count - 1
    login(client, org.colleague)
    assert client.post(f"/api/v1/notifications/{first['id']}/read/").status_code in (400, 404)
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_unread_badge_is_in_the_page_header(client, org, live):
    login(client, org.officer)
    html = client.get(reverse("core:home")).content.decode()
    assert 'id="unread-count"' in html


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("deadlines:mine")).status_code == 302
    assert client.get("/api/v1/deadlines/").status_code in (401, 403)


def test_describe_rows_labels_each_kind_as_its_display_and_its_period(org, make_case):
    from deadlines import engine
    from deadlines.models import Deadline
    from deadlines.selectors import deadline_describe_rows

    make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    engine.recompute(today=date(2026, 3, 5))
    rows = list(Deadline.objects.all())
    rows[0].seq = 2
    items = deadline_describe_rows(rows, today=date(2026, 3, 5))
    assert items[0].label == _("%(label)s, period %(n)s") % {"label": rows[0].get_kind_display(), "n": 2}
    assert [it.label for it in items[1:]] == [d.get_kind_display() for d in rows[1:]]
