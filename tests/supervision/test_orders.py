"""Supervision orders (督办): who may open, reply, close; lateness; escalation exactly once per level."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases.services import petition_register
from deadlines.models import Notification
from supervision import selectors, services
from supervision.models import OrderStatus, SupervisionEscalation, SupervisionOrder
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _open(org, case, *, actor=None, days=5, **kw):
    return services.order_open(actor=actor or org.chief, case=case, instructions="请于期限内报告财产调查进展",
                               reply_due=timezone.localdate() + timedelta(days=days), **kw)


def test_officer_and_clerk_cannot_open_an_order(org, case):
    for user in (org.officer, org.clerk):
        with pytest.raises(PermissionDenied):
            _open(org, case, actor=user)
    assert not SupervisionOrder.objects.exists()


def test_superior_chief_may_open_on_a_lower_courts_case_but_a_sibling_chief_may_not(org, case):
    order = _open(org, case, actor=org.supervisor)
    assert order.court == org.intermediate and order.number.startswith("DB")
    with pytest.raises(PermissionDenied):
        _open(org, case, actor=org.other_chief)
    # the superior chief sees the order they opened; the sibling court's chief does not
    assert list(selectors.order_list_for_user(user=org.supervisor)) == [order]
    assert not selectors.order_list_for_user(user=org.other_chief).exists()
    # the lower court's chief sees every order on its cases, wherever it came from
    assert list(selectors.order_list_for_user(user=org.chief)) == [order]


def test_superior_chief_does_not_see_orders_the_lower_court_opened_itself(org, case):
    _open(org, case)
    assert not selectors.order_list_for_user(user=org.supervisor).exists()


def test_bad_input_is_refused_naming_the_field(org, case, make_case):
    today = timezone.localdate()
    for kw, field in (({"instructions": "  \u200b "}, "instructions"),
                      ({"reply_due": today - timedelta(days=1)}, "reply_due"),
                      ({"reply_due": today + timedelta(days=400)}, "reply_due"),
                      ({"reply_due": "2026-13-40"}, "reply_due")):
        args = {"instructions": "请报告", "reply_due": today + timedelta(days=3), **kw}
        with pytest.raises(ValidationError) as exc:
            services.order_open(actor=org.chief, case=case, **args)
        assert field in exc.value.message_dict
    other = make_case()
    petition = petition_register(actor=org.clerk, case=other, content="别案信访", received_on=today)
    with pytest.raises(ValidationError) as exc:
        _open(org, case, petition_ids=[petition.pk])
    assert "petitions" in exc.value.message_dict
    assert not SupervisionOrder.objects.exists()


def test_petitions_are_linked(org, case):
    petition = petition_register(actor=org.clerk, case=case, content="申请人反映执行不力", received_on=timezone.localdate())
    order = _open(org, case, petition_ids=[petition.pk])
    assert list(order.petitions.all()) == [petition]


def test_reply_by_the_officer_on_time_and_late(org, case):
    order = _open(org, case)
    with pytest.raises(PermissionDenied):
        services.order_reply(actor=org.colleague, order=order, reply="不是我的案件")
    order = services.order_reply(actor=org.officer, order=order, reply="已查询银行存款并冻结")
    assert order.status == OrderStatus.REPLIED and not order.late
    with pytest.raises(ValidationError):  # a second reply (double submit) changes nothing
        services.order_reply(actor=org.officer, order=order, reply="再次回复")
    order.refresh_from_db()
    assert order.reply == "已查询银行存款并冻结"

    late = _open(org, case, days=1)
    SupervisionOrder.objects.filter(pk=late.pk).update(reply_due=timezone.localdate() - timedelta(days=2))
    late.refresh_from_db()
    late = services.order_reply(actor=org.officer, order=late, reply="迟复")
    assert late.late


def test_only_the_ordering_side_closes_or_reopens(org, case):
    order = _open(org, case, actor=org.supervisor)
    services.order_reply(actor=org.officer, order=order, reply="已处理")
    with pytest.raises(PermissionDenied):  # the lower court's chief did not order it
        services.order_close(actor=org.chief, order=order)
    with pytest.raises(PermissionDenied):
        services.order_close(actor=org.officer, order=order)
    order = services.order_reopen(actor=org.supervisor, order=order, instructions="请补充扣押车辆情况",
                                  reply_due=timezone.localdate() + timedelta(days=3))
    assert order.status == OrderStatus.OPEN and order.round == 2 and order.reply == ""
    services.order_reply(actor=org.officer, order=order, reply="车辆已扣押")
    order = services.order_close(actor=org.supervisor, order=order, note="同意")
    assert order.status == OrderStatus.CLOSED
    with pytest.raises(ValidationError):
        services.order_close(actor=org.supervisor, order=order)


def _overdue(order, days):
    SupervisionOrder.objects.filter(pk=order.pk).update(reply_due=timezone.localdate() - timedelta(days=days))


def test_escalation_once_per_level_and_recipients(org, case):
    order = _open(org, case, actor=org.supervisor)
    Notification.objects.all().delete()
    assert services.orders_escalate() == 0  # not yet due
    _overdue(order, 1)
    assert services.orders_escalate() == 1
    assert services.orders_escalate() == 0  # the second run adds nothing
    esc = SupervisionEscalation.objects.get()
    assert esc.level == 1
    # team leader (the officer leads team 1), the court's chief, the orderer
    assert set(esc.recipients.values_list("pk", flat=True)) == {org.officer.pk, org.chief.pk, org.supervisor.pk}
    assert Notification.objects.filter(text__contains=order.number).count() == 3
    _overdue(order, 10)  # past level 2 (5 days more): the superior court's chiefs too
    assert services.orders_escalate() == 1
    assert services.orders_escalate() == 0
    order.refresh_from_db()
    assert order.escalation_level == 2
    assert SupervisionEscalation.objects.filter(level=2).get().recipients.filter(pk=org.supervisor.pk).exists()


def test_an_order_skipping_straight_to_level_two_escalates_both_levels_once(org, case):
    order = _open(org, case)
    _overdue(order, 20)
    assert services.orders_escalate() == 2
    assert services.orders_escalate() == 0
    assert sorted(SupervisionEscalation.objects.values_list("level", flat=True)) == [1, 2]


def test_reopened_order_escalates_again_in_its_new_round(org, case):
    order = _open(org, case)
    _overdue(order, 1)
    services.orders_escalate()
    order.refresh_from_db()
    services.order_reply(actor=org.officer, order=order, reply="迟复")
    order = services.order_reopen(actor=org.chief, order=order, instructions="补充", reply_due=timezone.localdate())
    _overdue(order, 1)
    assert services.orders_escalate() == 1
    assert list(SupervisionEscalation.objects.values_list("round", "level").order_by("round")) == [(1, 1), (2, 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_escalation_runs_escalate_once(org_committed):
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    order = _open(org, case)
    _overdue(order, 1)
    Notification.objects.all().delete()
    results, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(services.orders_escalate())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1]
    assert SupervisionEscalation.objects.count() == 1
    # the orderer is the court's chief: the team leader and the chief, once each
    assert Notification.objects.filter(text__contains=order.number).count() == 2


def test_deadline_follows_the_order(org, case, official_calendar):
    from deadlines import engine
    from deadlines.models import Deadline

    order = _open(org, case, days=4)
    engine.recompute(case_ids=[case.pk], wait=True)
    d = Deadline.objects.get(source_type="supervision", source_id=order.pk)
    assert d.kind == "supervision_reply" and d.due_on == order.reply_due and d.status == "open"
    assert d.responsible_id == org.officer.pk
    services.order_reply(actor=org.officer, order=order, reply="已处理")
    engine.recompute(case_ids=[case.pk], wait=True)
    d.refresh_from_db()
    assert d.status == "met" and d.met_on == timezone.localdate()


def test_pages_reply_and_close(client, org, case):
    order = _open(org, case)
    login(client, org.officer)
    r = client.get("/supervision/?view=answer")
    assert r.status_code == 200 and order.number in r.content.decode()
    r = client.post(f"/supervision/{order.pk}/reply/", {"reply": ""})
    assert r.status_code == 400
    r = client.post(f"/supervision/{order.pk}/reply/", {"reply": "已冻结存款"})
    assert r.status_code == 302
    r = client.post(f"/supervision/{order.pk}/close/", {"note": "x"})
    assert r.status_code == 403  # an officer may not close
    login(client, org.chief)
    assert client.post(f"/supervision/{order.pk}/close/", {"note": "同意"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED


def test_order_new_page_double_submit_opens_once(client, org, case):
    login(client, org.chief)
    r = client.get(f"/supervision/new/?case={case.number}")
    assert r.status_code == 200
    token = r.context["form_token"]
    data = {"case": case.number, "instructions": "请报告", "form_token": token,
            "reply_due": (timezone.localdate() + timedelta(days=3)).isoformat()}
    assert client.post("/supervision/new/", data).status_code == 302
    assert client.post("/supervision/new/", data).status_code == 302
    assert SupervisionOrder.objects.count() == 1
    login(client, org.other_chief)  # the sibling court's chief cannot even find the case
    r = client.post("/supervision/new/", {**data, "form_token": "other-token"})
    assert r.status_code == 400 and SupervisionOrder.objects.count() == 1


def test_api_create_reply_close(client, org, case):
    login(client, org.supervisor)
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    r = client.post("/api/v1/supervision-orders/", {"case": case.pk, "instructions": "请报告", "reply_due": due},
                    content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201, r.content
    r2 = client.post("/api/v1/supervision-orders/", {"case": case.pk, "instructions": "请报告", "reply_due": due},
                     content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r2.json()["id"] == r.json()["id"] and SupervisionOrder.objects.count() == 1
    oid = r.json()["id"]
    login(client, org.officer)
    assert client.post(f"/api/v1/supervision-orders/{oid}/close/", {}, content_type="application/json"
                       ).status_code == 403
    r = client.post(f"/api/v1/supervision-orders/{oid}/reply/", {"reply": "已处理"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "replied"
    login(client, org.other_chief)
    assert client.get(f"/api/v1/supervision-orders/{oid}/").status_code == 404
    login(client, org.supervisor)
    r = client.post(f"/api/v1/supervision-orders/{oid}/close/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_case_page_tab_lists_the_orders(client, org, case):
    order = _open(org, case, actor=org.supervisor)
    login(client, org.chief)
    html = client.get(f"/cases/{case.pk}/", {"tab": "supervision"}).content.decode()
    assert order.number in html and 'id="sv-case-order-new"' in html
    login(client, org.officer)
    html = client.get(f"/cases/{case.pk}/", {"tab": "supervision"}).content.decode()
    assert order.number in html and 'id="sv-case-order-new"' not in html


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_reply_with_a_photo_and_a_bad_file_refused(client, org, case, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    order = _open(org, case)
    login(client, org.officer)
    bad = SimpleUploadedFile("报告.exe", b"MZ\x90\x00 not a photo", "image/png")
    r = client.post(f"/supervision/{order.pk}/reply/", {"reply": "见附件", "attachments": [bad]})
    assert r.status_code == 400 and "报告.exe不是照片或PDF文件" in r.content.decode()
    order.refresh_from_db()
    assert order.status == "open" and not order.attachments.exists()
    good = SimpleUploadedFile("现场.png", PNG, "image/png")
    assert client.post(f"/supervision/{order.pk}/reply/", {"reply": "见附件", "attachments": [good]}
                       ).status_code == 302
    att = order.attachments.get()
    assert att.content_type == "image/png" and att.size == len(PNG)
    r = client.get(f"/supervision/attachments/{att.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PNG
    login(client, org.other_chief)
    assert client.get(f"/supervision/attachments/{att.pk}/").status_code == 404


def test_api_reply_takes_photos_by_multipart_and_refuses_a_bad_file_whole(client, org, case, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    order = _open(org, case)
    login(client, org.officer)
    url = f"/api/v1/supervision-orders/{order.pk}/reply/"
    good, bad = SimpleUploadedFile("现场.png", PNG, "image/png"), SimpleUploadedFile("报告.exe", b"MZ\x90\x00", "image/png")
    r = client.post(url, {"reply": "见附件", "attachments": [good, bad]})
    assert r.status_code == 400 and "报告.exe" in str(r.json())
    order.refresh_from_db()
    assert order.status == "open" and not order.attachments.exists() and not list(tmp_path.rglob("*upload*"))
    r = client.post(url, {"reply": "见附件", "attachments": [SimpleUploadedFile("现场.png", PNG, "image/png")]})
    assert r.status_code == 200 and r.json()["status"] == "replied"
    [att] = r.json()["attachments"]
    assert att["name"] == "现场.png" and order.attachments.get().size == len(PNG)
    # JSON still works for a text-only reply (another order)
    other = _open(org, case)
    r = client.post(f"/api/v1/supervision-orders/{other.pk}/reply/", {"reply": "已查明"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["attachments"] == []
