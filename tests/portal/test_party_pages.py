"""What a signed-in party does: sees the case (disclosed measures only, numbers shortened, their own money), gives a
lead (a cases.Lead for the officer, with the LEAD deadline, files sniffed), asks a question (PORTAL_QUESTION
deadline), double submits create one; control characters are stripped; a closed case takes nothing."""

from __future__ import annotations


from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Action, Lead
from deadlines import engine
from deadlines.models import Deadline
from portal.models import PortalLead, PortalLeadFile, PortalQuestion

from .conftest import sign_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _token(client, url):
    import re

    return re.search(r'name="form_token" value="([0-9a-f]{32})"', client.get(url).content.decode()).group(1)


@pytest.fixture
def signed_in(client, settings, portal_case):
    sign_in(client, settings, portal_case)
    return portal_case


def test_case_page_shows_disclosed_measures_with_numbers_shortened(client, signed_in, org):
    case = signed_in
    Action.objects.create(case=case, kind="freeze", occurred_on=date(2026, 4, 1), actor=org.officer,
                          summary="冻结银行存款 中国工商银行 6222020200112233 ¥50,000.00")
    Action.objects.create(case=case, kind="onsite_investigation", occurred_on=date(2026, 4, 2), actor=org.officer,
                          summary="内部笔录：被执行人法定代表人称无财产")
    page = client.get("/portal/case/").content.decode()
    assert "冻结" in page and "****2233" in page and "6222020200112233" not in page
    assert "内部笔录" not in page  # not a disclosed kind


def test_court_setting_decides_which_measures_are_shown(client, signed_in, org):
    from core.models import CourtSetting

    case = signed_in
    Action.objects.create(case=case, kind="freeze", occurred_on=date(2026, 4, 1), actor=org.officer, summary="冻结A")
    CourtSetting.objects.create(court=case.court, key="portal_disclosed_actions", value=["notice_served"])
    assert "冻结A" not in client.get("/portal/case/").content.decode()


def test_case_page_runs_a_fixed_number_of_queries(client, signed_in, org, django_assert_max_num_queries):
    case = signed_in
    for i in range(30):
        Action.objects.create(case=case, kind="freeze", occurred_on=date(2026, 4, 1), actor=org.officer,
                              summary=f"冻结{i}")
    with django_assert_max_num_queries(10):
        assert client.get("/portal/case/").status_code == 200


def test_applicant_sees_only_payouts_to_them(client, signed_in, org):
    from assets.models import LedgerEntry

    case = signed_in
    LedgerEntry.objects.create(case=case, court=case.court, kind="debtor_payment", amount="5000.00",
                               signed_amount="5000.00", occurred_on=date(2026, 4, 3), payer="某公司")
    page = client.get("/portal/case/").content.decode()
    assert "已发放给您" in page and "¥0.00" in page and "5,000.00" not in page


def test_give_a_lead_with_files_reaches_the_officer_with_a_deadline(client, signed_in, org):
    case = signed_in
    token = _token(client, "/portal/lead/")
    response = client.post("/portal/lead/", {
        "asset_kind": "vehicle", "description": "被执行人名下有一辆\u200b甘E12345小轿车\x07，停在小区车库。",
        "form_token": token,
        "files": [SimpleUploadedFile("照片.png", PNG, "image/png"), SimpleUploadedFile("登记.pdf", PDF, "application/pdf")]})
    assert response.status_code == 302 and response["Location"] == "/portal/case/?sent=lead"
    lead = Lead.objects.get(case=case)
    assert lead.source == "party_portal" and lead.officer == org.officer and lead.handled_at is None
    assert "【车辆】" in lead.description and "\u200b" not in lead.description and "\x07" not in lead.description
    assert "申请执行人 张三" in lead.description
    files = list(PortalLeadFile.objects.order_by("id"))
    assert [f.content_type for f in files] == ["image/png", "application/pdf"]
    assert [f.original_name for f in files] == ["照片.png", "登记.pdf"]
    engine.recompute(case_ids=[case.pk], wait=True)
    deadline = Deadline.objects.get(source_type="lead", source_id=lead.pk)
    assert deadline.responsible == org.officer and deadline.kind == "lead"
    # the officer's to-do: tile and page agree
    client.force_login(org.officer)
    html = client.get("/portal/staff/").content.decode()
    assert "甘E12345" in html and "照片.png" in html
    home = client.get("/").content.decode()
    assert "当事人留言和线索" in home


def test_double_submit_of_a_lead_creates_one(client, signed_in):
    token = _token(client, "/portal/lead/")
    data = {"asset_kind": "bank", "description": "工商银行有存款", "form_token": token}
    first = client.post("/portal/lead/", data)
    second = client.post("/portal/lead/", data)
    assert first.status_code == second.status_code == 302
    assert Lead.objects.count() == PortalLead.objects.count() == 1


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_saved(client, signed_in, settings):
    token = _token(client, "/portal/lead/")
    response = client.post("/portal/lead/", {
        "asset_kind": "bank", "description": "见附件", "form_token": token,
        "files": [SimpleUploadedFile("ok.pdf", PDF, "application/pdf"),
                  SimpleUploadedFile("线索.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")]})
    assert response.status_code == 400
    assert "不是PDF、JPEG或PNG文件" in response.content.decode()
    import re

    described = re.search(r'id="id_files"[^>]*aria-describedby="([^"]+)"', response.content.decode()).group(1)
    assert "id_files-error" in described.split()  # the error is announced with the field
    assert not Lead.objects.exists() and not PortalLeadFile.objects.exists()


def test_more_than_five_files_or_a_too_large_file_is_refused(client, signed_in, settings):
    settings.ENF_ATTACHMENT_MAX_BYTES = 1024
    token = _token(client, "/portal/lead/")
    six = [SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i in range(6)]
    assert client.post("/portal/lead/", {"asset_kind": "bank", "description": "x", "form_token": token,
                                         "files": six}).status_code == 400
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2000, "application/pdf")
    response = client.post("/portal/lead/", {"asset_kind": "bank", "description": "x", "form_token": token,
                                             "files": [big]})
    assert response.status_code == 400 and "big.pdf" in response.content.decode()
    assert not Lead.objects.exists()


def test_ask_a_question_gets_a_deadline_and_the_answer_comes_back_with_an_sms(client, signed_in, org, settings):
    from .conftest import deliver, sms_lines

    case = signed_in
    token = _token(client, "/portal/question/")
    data = {"text": "案款什么时候发放？\x00\u202e", "form_token": token}
    assert client.post("/portal/question/", data).status_code in (302, 400)
    data["text"] = "案款什么时候发放？\u202e"
    assert client.post("/portal/question/", data).status_code == 302
    assert client.post("/portal/question/", data).status_code == 302  # double submit
    question = PortalQuestion.objects.get()
    assert question.text == "案款什么时候发放？" and question.officer == org.officer
    engine.recompute(case_ids=[case.pk], wait=True)
    deadline = Deadline.objects.get(source_type="portal_question", source_id=question.pk)
    assert deadline.kind == "portal_question" and deadline.responsible == org.officer
    assert deadline.due_on > timezone.localdate()
    party = client.cookies["enf_portal"].value
    client.force_login(org.officer)
    assert "案款什么时候发放" in client.get(f"/cases/{case.pk}/?tab=portal").content.decode()
    response = client.post(f"/portal/staff/questions/{question.pk}/answer/", {"answer": "本月底前发放。", "next": "case"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answered_by == org.officer and question.answer == "本月底前发放。"
    again = client.post(f"/portal/staff/questions/{question.pk}/answer/", {"answer": "改口"})
    assert again.status_code == 400
    engine.recompute(case_ids=[case.pk], wait=True)
    assert Deadline.objects.get(source_type="portal_question", source_id=question.pk).status == "met"
    deliver()
    assert any("留言已答复" in line["text"] and line["to"] == "13800000001" for line in sms_lines(settings))
    client.logout()
    client.cookies["enf_portal"] = party
    assert "本月底前发放。" in client.get("/portal/case/").content.decode()


def test_another_courts_officer_cannot_answer(client, signed_in, org):
    from portal.services import portal_question_ask
    from portal.models import PortalSession

    question = portal_question_ask(session=PortalSession.objects.get(), text="问题", form_token="a" * 32)
    for user in (org.outsider, org.colleague):
        client.force_login(user)
        assert client.post(f"/portal/staff/questions/{question.pk}/answer/", {"answer": "x"}).status_code in (403, 404)
    question.refresh_from_db()
    assert question.answered_at is None


def test_a_closed_case_takes_no_lead(client, signed_in):
    case = signed_in
    type(case).objects.filter(pk=case.pk).update(stage="closed", closed_on=timezone.localdate(),
                                                 closure_mode="fulfilled")
    token = _token(client, "/portal/lead/")
    response = client.post("/portal/lead/", {"asset_kind": "bank", "description": "x", "form_token": token})
    assert response.status_code == 400 and not Lead.objects.exists()


def test_officer_tile_count_equals_the_page_count(client, signed_in, org, make_case):
    from core.todo import tiles_for
    from portal.models import PortalSession
    from portal.services import portal_lead_give, portal_question_ask

    session = PortalSession.objects.get()
    portal_question_ask(session=session, text="问一", form_token="1" * 32)
    portal_question_ask(session=session, text="问二", form_token="2" * 32)
    portal_lead_give(session=session, asset_kind="bank", description="线索", form_token="3" * 32)
    answered = portal_question_ask(session=session, text="问三", form_token="4" * 32)
    from portal.services import portal_question_answer

    portal_question_answer(actor=org.officer, question=answered, answer="已答")
    [tile] = [t for t in tiles_for(org.officer) if t.key == "portal_waiting"]
    client.force_login(org.officer)
    html = client.get(tile.url).content.decode()
    import re

    assert tile.count == 3 == int(re.search(r'id="portal-waiting-total">(\d+)<', html).group(1))
    assert [t for t in tiles_for(org.colleague) if t.key == "portal_waiting"][0].count == 0


def test_staff_api_lists_and_answers(client, signed_in, org):
    from portal.models import PortalSession
    from portal.services import portal_question_ask

    question = portal_question_ask(session=PortalSession.objects.get(), text="问题", form_token="5" * 32)
    client.force_login(org.officer)
    data = client.get("/api/v1/portal-questions/?waiting=1").json()
    assert [r["id"] for r in data["results"]] == [question.pk]
    response = client.post(f"/api/v1/portal-questions/{question.pk}/answer/", {"answer": ""},
                           content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"/api/v1/portal-questions/{question.pk}/answer/", {"answer": "已处理"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["answer"] == "已处理"
    client.force_login(org.outsider)
    assert client.get(f"/api/v1/portal-questions/{question.pk}/").status_code == 404
    assert client.get("/api/v1/portal-questions/").json()["count"] == 0




def test_a_party_may_send_only_so_many_items_a_day(client, signed_in, settings):
    settings.PORTAL_SUBMISSIONS_PER_DAY = 2
    for i in range(2):
        assert client.post("/portal/question/", {"text": f"问题{i}", "form_token": _token(client, "/portal/question/")
                                                 }).status_code == 302
    response = client.post("/portal/lead/", {"asset_kind": "bank", "description": "第三条",
                                             "form_token": _token(client, "/portal/lead/")})
    assert response.status_code == 400 and "今天向法院提交的内容较多" in response.content.decode()
    assert PortalQuestion.objects.count() == 2 and not Lead.objects.exists()
