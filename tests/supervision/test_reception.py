"""The bureau chief's reception day (局长接待日): who records, follow-ups, deadlines; the home tiles."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from supervision import selectors, services
from supervision.models import ReceptionDay, ReceptionVisit, SupervisionOrder
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _day(org, held_on=None):
    return services.reception_day_create(actor=org.clerk, held_on=held_on or timezone.localdate(),
                                         chief_id=org.chief.pk, place="诉讼服务中心")


def _visit(org, day, case=None, due=None, **kw):
    args = {"visitor_name": "张三", "matter": "反映执行进度慢", "promised": "十五日内答复查控结果",
            "followup_due": due or day.held_on + timedelta(days=15), "responsible_id": org.officer.pk, **kw}
    return services.visit_add(actor=org.clerk, day=day, case=case, **args)


def test_officer_cannot_record_a_reception_day(org):
    with pytest.raises(PermissionDenied):
        services.reception_day_create(actor=org.officer, held_on=timezone.localdate(), chief_id=org.chief.pk)


def test_day_is_recorded_once_and_needs_a_chief_of_the_court(org):
    assert _day(org) == _day(org)
    assert ReceptionDay.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.reception_day_create(actor=org.clerk, held_on=timezone.localdate(), chief_id=org.other_chief.pk)
    assert "chief" in exc.value.message_dict


def test_visit_bad_input_names_the_field(org, foreign_case):
    day = _day(org)
    for kw, field in (({"visitor_name": "李\u200f四"}, "visitor_name"), ({"promised": ""}, "promised"),
                      ({"due": day.held_on - timedelta(days=1)}, "followup_due"),
                      ({"case": foreign_case}, "case"), ({"responsible_id": 999999}, "responsible"),
                      ({"visitor_phone": "电话"}, "visitor_phone")):
        with pytest.raises(ValidationError) as exc:
            _visit(org, day, **kw)
        assert field in exc.value.message_dict
    assert not ReceptionVisit.objects.exists()


def test_follow_up_by_the_responsible_officer_once(org, case):
    day = _day(org, timezone.localdate() - timedelta(days=20))
    visit = _visit(org, day, case=case)
    assert list(selectors.followups_overdue(user=org.chief)) == [visit]
    with pytest.raises(PermissionDenied):
        services.visit_follow_up(actor=org.colleague, visit=visit, note="x")
    services.visit_follow_up(actor=org.officer, visit=visit, note="已电话告知申请人查控结果")
    with pytest.raises(ValidationError):
        services.visit_follow_up(actor=org.officer, visit=visit, note="again")
    assert not selectors.followups_overdue(user=org.chief).exists()


def test_followup_deadline(org, case, official_calendar):
    from deadlines import engine
    from deadlines.models import Deadline

    day = _day(org)
    visit = _visit(org, day, case=case, due=day.held_on + timedelta(days=9))
    engine.recompute(case_ids=[case.pk], wait=True)
    d = Deadline.objects.get(source_type="reception", source_id=visit.pk)
    assert d.kind == "reception_followup" and d.due_on == visit.followup_due and d.responsible_id == org.officer.pk


def _tile(html: str, key: str) -> int:
    m = re.search(rf'data-tile="{key}">\s*<div class="card-body[^"]*">\s*<div[^>]*data-count>(\d+)<', html)
    assert m, key
    return int(m.group(1))


def _page_count(client, url: str, marker: str) -> int:
    html = client.get(url).content.decode()
    m = re.search(rf'id="{marker}">(\d+)', html)
    assert m, (url, marker)
    return int(m.group(1))


def test_home_tiles_equal_their_pages(client, org, case, on_duty):
    today = timezone.localdate()
    for days in (3, -2, -4):
        o = services.order_open(actor=org.chief, case=case, instructions="请报告", reply_due=today + timedelta(days=5))
        SupervisionOrder.objects.filter(pk=o.pk).update(reply_due=today + timedelta(days=days))
    services.order_open(actor=org.supervisor, case=case, instructions="请报告", reply_due=today)
    t = services.ticket_dispatch(actor=org.clerk, kind="lead", report="线索", officer_id=org.officer.pk)
    services.ticket_dispatch(actor=org.clerk, kind="lead", report="线索2", officer_id=org.officer.pk)
    services.tickets_escalate(now=t.response_due + timedelta(seconds=1))
    day = _day(org, today - timedelta(days=20))
    _visit(org, day)
    _visit(org, day, due=today + timedelta(days=3))

    login(client, org.officer)
    home = client.get("/").content.decode()
    assert _tile(home, "supervision_answer") == 4 == _page_count(client, "/supervision/?view=answer", "order-count")
    assert _tile(home, "dispatch_ack") == 2 == _page_count(client, "/supervision/dispatch/mine/?view=ack", "my-count")
    login(client, org.chief)
    home = client.get("/").content.decode()
    assert _tile(home, "supervision_overdue") == 2 == _page_count(client, "/supervision/?view=overdue",
                                                                   "order-count")
    assert _tile(home, "dispatch_escalated") == 2 == _page_count(client, "/supervision/dispatch/?view=escalated",
                                                                  "board-count")
    assert _tile(home, "reception_overdue") == 1 == _page_count(client, "/supervision/reception/followups/"
                                                                "?view=overdue", "followup-count")
