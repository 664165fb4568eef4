"""Signing in to the party portal: one-time codes (wrong, expired, used, too many attempts, resend cooldown, daily
limits), no enumeration (the same page byte for byte whether or not the details match), sessions (own cookie, idle
and absolute expiry, sign-out, one case only, no staff pages)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.models import OneTimeCode, PortalSession

from .conftest import APPLICANT_ID, APPLICANT_PHONE, deliver, last_code, request_code, sign_in, sms_lines

pytestmark = pytest.mark.django_db

REJECTED = "验证码不正确或已失效"


def _body(response) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"CSRF", response.content)


def test_party_signs_in_with_the_code_sent_to_the_phone_on_file(client, settings, portal_case):
    response = request_code(client, portal_case.number)
    assert response.status_code == 200 and "验证码" in response.content.decode()
    deliver()
    [line] = sms_lines(settings)
    assert line["to"] == APPLICANT_PHONE and re.search(r"验证码为\d{6}，5分钟内有效", line["text"])
    code_row = OneTimeCode.objects.get()
    assert code_row.code_hash != re.search(r"\d{6}", line["text"]).group(0)  # only a hash is stored
    response = client.post("/portal/code/", {"code": last_code(settings)})
    assert response.status_code == 302
    cookie = response.cookies["enf_portal"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/portal/"
    page = client.get("/portal/case/").content.decode()
    assert portal_case.number in page and "张三" in page and "郑强" in page
    assert 'id="role-nav"' not in page  # no staff navigation


def test_agent_signs_in_with_their_own_id_and_phone(client, settings, portal_case):
    cp = portal_case.case_parties.get(role="applicant")
    cp.agent, cp.agent_id_number, cp.agent_phone = "李律师", "620503198001010011", "13900000009"
    cp.save()
    sign_in(client, settings, portal_case, id_number="620503198001010011", phone="13900000009")
    assert "以代理人身份登录" in client.get("/portal/case/").content.decode()
    assert PortalSession.objects.get().acting_as == "agent"


@pytest.mark.parametrize("case_number_ok, id_ok", [(False, False), (True, False), (True, True)])
def test_code_request_answers_the_same_whatever_matches(client, settings, portal_case, case_number_ok, id_ok):
    """Unknown case, known case + wrong ID, right pair: same status, same body (but the CSRF token), same headers."""
    reference = request_code(client, "（2026）甘0503执99999号", "110105194912310099")
    client.cookies.clear()
    number = portal_case.number if case_number_ok else "（2026）甘0503执88888号"
    ident = APPLICANT_ID if id_ok else "110105194912310088"
    response = request_code(client, number, ident)
    assert response.status_code == reference.status_code == 200
    assert _body(response) == _body(reference)
    assert sorted(response.headers) == sorted(reference.headers)
    deliver()
    assert len(sms_lines(settings)) == (1 if id_ok else 0)


def test_codes_entered_after_an_unmatched_request_get_the_same_answer_as_a_wrong_code(client, settings, portal_case):
    request_code(client, "（2026）甘0503执99999号")
    unmatched = client.post("/portal/code/", {"code": "123456"})
    client.cookies.clear()
    request_code(client, portal_case.number)
    code = last_code(settings)
    wrong = client.post("/portal/code/", {"code": f"{(int(code) + 1) % 10 ** 6:06d}"})
    assert unmatched.status_code == wrong.status_code == 200
    assert _body(unmatched) == _body(wrong) and REJECTED in wrong.content.decode()


def test_the_code_request_takes_the_same_minimum_time(client, settings, portal_case):
    settings.PORTAL_SIGNIN_MIN_SECONDS = 0.3
    for number in (portal_case.number, "（2026）甘0503执99999号"):
        started = time.monotonic()
        request_code(client, number)
        assert time.monotonic() - started >= 0.3
        client.cookies.clear()
        from django.core.cache import cache

        cache.clear()


def test_wrong_code_then_right_code(client, settings, portal_case):
    request_code(client, portal_case.number)
    code = last_code(settings)
    assert REJECTED in client.post("/portal/code/", {"code": "000000" if code != "000000" else "111111"}).content.decode()
    assert REJECTED in client.post("/portal/code/", {"code": "12ab56"}).content.decode()
    assert client.post("/portal/code/", {"code": code}).status_code == 302


def test_five_wrong_attempts_void_the_code(client, settings, portal_case):
    request_code(client, portal_case.number)
    code = last_code(settings)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert client.post("/portal/code/", {"code": wrong}).status_code == 200
    assert OneTimeCode.objects.get().voided_at is not None
    response = client.post("/portal/code/", {"code": code})
    assert response.status_code == 200 and REJECTED in response.content.decode()
    assert not PortalSession.objects.exists()


def test_expired_code_is_refused(client, settings, portal_case):
    request_code(client, portal_case.number)
    code = last_code(settings)
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        response = client.post("/portal/code/", {"code": code})
    assert response.status_code == 200 and REJECTED in response.content.decode()
    assert not PortalSession.objects.exists()


def test_used_code_is_refused(client, settings, portal_case):
    request_code(client, portal_case.number)
    code = last_code(settings)
    assert client.post("/portal/code/", {"code": code}).status_code == 302
    client.cookies.clear()
    # someone replays the same code with the same details in another browser
    request_code(client, "（2026）甘0503执99999号")  # (sets the pair in the new browser session)
    from django.core.cache import cache

    cache.clear()
    request_code(client, portal_case.number)
    OneTimeCode.objects.filter(used_at__isnull=True).delete()  # only the used code is left
    response = client.post("/portal/code/", {"code": code})
    assert response.status_code == 200 and REJECTED in response.content.decode()
    assert PortalSession.objects.count() == 1


def test_a_new_code_voids_the_earlier_one(client, settings, portal_case):
    request_code(client, portal_case.number)
    first = last_code(settings)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        request_code(client, portal_case.number)
        second = last_code(settings)
        if first != second:
            assert REJECTED in client.post("/portal/code/", {"code": first}).content.decode()
        assert client.post("/portal/code/", {"code": second}).status_code == 302


def test_resend_cooldown_is_the_same_for_matched_and_unmatched_details(client, settings, portal_case):
    request_code(client, portal_case.number)
    again = request_code(client, portal_case.number)
    assert again.status_code == 200 and "请等待一分钟" in again.content.decode()
    request_code(client, "（2026）甘0503执99999号")
    again_unmatched = request_code(client, "（2026）甘0503执99999号")
    # the form shows what was typed; apart from that, the same page
    typed = portal_case.number.encode()
    assert _body(again).replace(typed, b"N") == _body(again_unmatched).replace("（2026）甘0503执99999号".encode(), b"N")
    deliver()
    assert len(sms_lines(settings)) == 1


def test_daily_limit_per_pair_and_per_address(client, settings, portal_case):
    settings.PORTAL_RESEND_COOLDOWN_SECONDS = 1
    settings.PORTAL_REQUESTS_PER_IP_PER_HOUR = 7
    from django.core.cache import cache

    for i in range(5):
        cache.delete_pattern("*portal:cool:*") if hasattr(cache, "delete_pattern") else None
        time.sleep(1.05) if i else None
        assert "验证码" in request_code(client, portal_case.number).content.decode()
    time.sleep(1.05)
    sixth = request_code(client, portal_case.number).content.decode()
    assert "今天为这些信息申请的验证码过多" in sixth
    deliver()
    assert len(sms_lines(settings)) == 5
    request_code(client, "（2026）甘0503执1号")
    blocked = request_code(client, "（2026）甘0503执2号").content.decode()
    assert "此网络连接的请求过多" in blocked


def test_session_sees_only_its_own_case_and_no_staff_page(client, settings, make_case, portal_case):
    other = make_case(parties=None)
    sign_in(client, settings, portal_case)
    page = client.get("/portal/case/").content.decode()
    assert portal_case.number in page and other.number not in page
    # the case is never taken from the URL: query strings and staff pages give nothing
    assert other.number not in client.get(f"/portal/case/?case={other.pk}").content.decode()
    response = client.get(f"/cases/{other.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/portal-questions/").status_code in (401, 403)


def test_session_expires_when_idle_and_after_two_hours(client, settings, portal_case):
    sign_in(client, settings, portal_case)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=16)):
        response = client.get("/portal/case/")
        assert response.status_code == 302 and response["Location"] == "/portal/"
    client.cookies.clear()
    from django.core.cache import cache

    cache.clear()
    sign_in(client, settings, portal_case)
    for minutes in range(10, 121, 10):  # active every 10 minutes: the idle limit never bites, the absolute one does
        with time_machine.travel(start + timedelta(minutes=minutes, seconds=5)):
            response = client.get("/portal/case/")
            assert response.status_code == (200 if minutes < 120 else 302), minutes


def test_sign_out_ends_the_session(client, settings, portal_case):
    sign_in(client, settings, portal_case)
    token = client.cookies["enf_portal"].value
    assert client.post("/portal/signout/").status_code == 302
    assert PortalSession.objects.get().ended_at is not None
    client.cookies["enf_portal"] = token  # the old cookie replayed
    assert client.get("/portal/case/").status_code == 302


def test_a_forged_cookie_gets_the_sign_in_page(client, portal_case):
    client.cookies["enf_portal"] = "x" * 43
    assert client.get("/portal/case/")["Location"] == "/portal/"


def test_portal_switched_off_for_the_court_sends_no_code(client, settings, portal_case):
    from core.models import CourtSetting

    CourtSetting.objects.create(court=portal_case.court, key="portal_enabled", value=False)
    assert request_code(client, portal_case.number).status_code == 200
    deliver()
    assert sms_lines(settings) == []


def test_half_width_brackets_and_lower_case_x_are_accepted(client, settings, portal_case):
    typed = portal_case.number.replace("（", "(").replace("）", ")")
    sign_in(client, settings, portal_case) if False else None
    request_code(client, typed, APPLICANT_ID.lower())
    assert client.post("/portal/code/", {"code": last_code(settings)}).status_code == 302


def test_the_code_also_goes_to_the_email_on_the_case(client, settings, portal_case, django_capture_on_commit_callbacks,
                                                      mailoutbox):
    portal_case.case_parties.filter(role="applicant").update(email="zhang@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        request_code(client, portal_case.number)
    [mail] = mailoutbox
    assert mail.to == ["zhang@example.com"] and mail.subject == "执行案件进度查询验证码"
    code = re.search(r"验证码为(\d{6})", mail.body).group(1)
    assert code == last_code(settings)  # the same code as the SMS
    assert client.post("/portal/code/", {"code": code}).status_code == 302
    # a wrong pair sends no e-mail (and answers the same)
    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_code(client, portal_case.number, "110105194912310088")
    assert len(mailoutbox) == 1
