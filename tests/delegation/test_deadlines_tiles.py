"""Deadlines of delegations (CPL art 240: start within 15 days, report within 30) belong to the receiving court, and
overdue delegations show on both courts' home pages, each tile's number equal to its list page's count."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deadlines import engine
from deadlines.models import Deadline
from delegation import services
from delegation.models import Delegation
from tests.conftest import login

SENT = date(2026, 11, 2)  # a Monday: +15 days is Tuesday 17 November, +30 Wednesday 2 December


def _rows(d):
    return {r.kind: r for r in Deadline.objects.filter(source_type="delegation", source_id=d.pk)}


def test_deadlines_are_the_receiving_courts_and_follow_the_steps(org, case, send, other_clerk, official_calendar):
    d = send()
    Delegation.objects.filter(pk=d.pk).update(sent_on=SENT)
    engine.recompute(today=SENT, case_ids=[case.pk])
    rows = _rows(d)
    assert set(rows) == {"delegation_start", "delegation_report"}
    start, report = rows["delegation_start"], rows["delegation_report"]
    assert (start.due_on, report.due_on) == (date(2026, 11, 17), date(2026, 12, 2))
    assert start.court_id == report.court_id == org.other_court.pk and start.case_id == case.pk
    assert start.team_id is None and start.responsible_id is None  # nobody until the clerk assigns it
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    engine.recompute(today=SENT, case_ids=[case.pk])
    rows = _rows(d)
    assert rows["delegation_start"].team_id == org.foreign_team.pk
    assert rows["delegation_report"].responsible_id == org.outsider.pk
    d.refresh_from_db()
    services.delegation_reply(actor=org.outsider, delegation=d, result="已查明", outcome="done")
    engine.recompute(case_ids=[case.pk])
    rows = _rows(d)
    assert rows["delegation_start"].status == rows["delegation_report"].status == "met"


def test_withdrawal_cancels_the_unmet_deadlines(org, case, send):
    d = send()
    engine.recompute(case_ids=[case.pk])
    services.delegation_withdraw(actor=org.officer, delegation=d, reason="已履行")
    engine.recompute(case_ids=[case.pk])
    assert {r.status for r in _rows(d).values()} == {"cancelled"}


def test_whole_case_has_only_the_start_deadline_met_on_registration(org, case, other_clerk):
    d = services.delegation_create(actor=org.officer, case=case, kind="whole_case", receiving_court=org.other_court,
                                   instructions="委托执行")
    d = services.delegation_send(actor=org.chief, delegation=d)
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team)
    engine.recompute(case_ids=[case.pk])
    rows = _rows(d)
    assert set(rows) == {"delegation_start"} and rows["delegation_start"].status == "met"


def test_external_delegation_report_is_kept_by_the_sending_team(org, case):
    d = services.delegation_create(actor=org.officer, case=case, kind="serve", external_court_name="成都市锦江区人民法院",
                                   external_court_address="成都市", instructions="代为送达")
    d = services.delegation_send(actor=org.officer, delegation=d)
    engine.recompute(case_ids=[case.pk])
    rows = _rows(d)
    assert set(rows) == {"delegation_report"}
    assert rows["delegation_report"].court_id == org.court.pk
    assert rows["delegation_report"].responsible_id == org.officer.pk


def _tile(html: str, key: str) -> int:
    m = re.search(rf'data-tile="{key}">\s*<div class="card-body[^"]*">\s*<div[^>]*data-count>(\d+)<', html)
    assert m, key
    return int(m.group(1))


def _page_total(client, box: str, show: str) -> int:
    html = client.get(reverse("delegation:list"), {"box": box, "show": show}).content.decode()
    return int(re.search(r'data-total="(\d+)"', html).group(1))


@pytest.fixture
def overdue(org, case, send, other_clerk, make_case):
    """One delegation overdue at the receiving court (sent 40 days ago, accepted, no reply), one on time, one
    answered; and one from the sibling court to ours, waiting for acceptance."""
    today = timezone.localdate()
    late = send()
    services.delegation_accept(actor=other_clerk, delegation=late, team=org.foreign_team, officer=org.outsider)
    Delegation.objects.filter(pk=late.pk).update(sent_on=today - timedelta(days=40),
                                                 accepted_on=today - timedelta(days=39))
    send(kind="serve")
    done = send(kind="serve")
    services.delegation_accept(actor=other_clerk, delegation=done, team=org.foreign_team, officer=org.outsider)
    services.delegation_reply(actor=org.outsider, delegation=done, result="已送达", outcome="done")
    theirs = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    incoming = services.delegation_create(actor=org.outsider, case=theirs, kind="serve", receiving_court=org.court,
                                          instructions="请代为送达")
    services.delegation_send(actor=org.outsider, delegation=incoming)
    engine.recompute(today=today, case_ids=[case.pk, theirs.pk])
    return late


def test_overdue_shows_on_both_courts_home_pages_and_tiles_match_pages(client, org, overdue, other_clerk):
    # the receiving court: its officer and its chief
    for user in (org.outsider, org.other_chief):
        login(client, user)
        html = client.get(reverse("core:home")).content.decode()
        assert _tile(html, "delegation_in_overdue") == _page_total(client, "incoming", "overdue") == 1
    login(client, other_clerk)
    html = client.get(reverse("core:home")).content.decode()
    assert _tile(html, "delegation_in_overdue") == 1
    # the sending court: the case's officer and the chief
    for user in (org.officer, org.chief):
        login(client, user)
        html = client.get(reverse("core:home")).content.decode()
        assert _tile(html, "delegation_out_overdue") == _page_total(client, "outgoing", "overdue") == 1
    # the sending court's chief also has one to accept (from the sibling court)
    login(client, org.chief)
    html = client.get(reverse("core:home")).content.decode()
    assert _tile(html, "delegation_waiting") == _page_total(client, "incoming", "waiting") == 1
    # another team of the sending court does not see the case's delegations
    login(client, org.colleague)
    assert _page_total(client, "outgoing", "all") == 0


def test_overdue_list_lists_exactly_the_late_one(client, org, overdue):
    login(client, org.officer)
    html = client.get(reverse("delegation:list"), {"box": "outgoing", "show": "overdue"}).content.decode()
    assert re.findall(r'id="delegation-(\d+)"', html) == [str(overdue.pk)]


def test_the_receiving_officers_deadline_rows_lead_to_the_delegation_not_the_unseen_case(client, org, case, send,
                                                                                          other_clerk):
    """The receiving court cannot open the sending case (404): its deadline rows link the delegation's page, which it
    can open, and name the delegated step."""
    d = send()
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    engine.recompute(case_ids=[case.pk])
    login(client, org.outsider)
    page = client.get(reverse("deadlines:mine") + "?view=list").content.decode()
    target = reverse("delegation:detail", args=[d.pk])
    assert f'href="{target}"' in page and case.number in page
    assert reverse("cases:detail", args=[case.pk]) not in page
    assert d.get_kind_display() in page
    assert client.get(target).status_code == 200
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    # the calendar view of the month the report is due links the same way
    due = _rows(d)["delegation_report"].due_on
    page = client.get(reverse("deadlines:mine") + f"?view=calendar&month={due:%Y-%m}").content.decode()
    assert f'href="{target}"' in page and reverse("cases:detail", args=[case.pk]) not in page


def test_opening_a_notification_of_a_delegation_deadline_goes_to_the_delegation(client, org, case, send, other_clerk):
    from deadlines.models import Notification

    d = send()
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    engine.recompute(case_ids=[case.pk])
    deadline = _rows(d)["delegation_report"]
    note = Notification.objects.create(recipient=org.outsider, case_id=case.pk, deadline=deadline, level="responsible",
                                       threshold=0, created_at=timezone.now())
    login(client, org.outsider)
    r = client.post(reverse("deadlines:notification_read", args=[note.pk]), {"open": "1"})
    assert r.status_code == 302 and r["Location"] == reverse("delegation:detail", args=[d.pk])
