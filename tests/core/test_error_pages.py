"""403, 404, 500 and CSRF-failure pages: in Chinese, in the site's layout, saying what to do next; and the favicon.

Before: 404 was Django's English "Not Found" page, 403/500/CSRF failures Django's bare English pages, and
/favicon.ico answered 404.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from core import views
from tests.conftest import login

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


def _assert_layout(html: str) -> None:
    assert 'href="/static/css/app.css"' in html or "/static/css/app" in html  # the site's CSS
    assert "favicon.svg" in html  # the site's icon
    assert 'id="error-home"' in html and 'href="/"' in html and "首页" in html  # the way back
    assert "请联系本院系统管理员" in html
    assert "执行案件管理系统" in html


def test_404_is_the_courts_page_in_chinese(client, org):
    login(client, org.officer)
    response = client.get("/cases/999999999/", **ZH)
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "案件查询" in html
    assert 'id="role-nav"' in html  # base.html's navigation for a signed-in user
    _assert_layout(html)
    assert "Not Found" not in html


def test_404_for_an_anonymous_visitor_renders_too(client, db):
    response = client.get("/no-such-page/", **ZH)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_403_is_the_courts_page_in_chinese(client, org):
    login(client, org.clerk)  # a clerk may not open the chief's overdue list
    response = client.get("/deadlines/overdue/", **ZH)
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and "您的账号无权打开此页面" in html
    _assert_layout(html)
    assert "403 Forbidden" not in html


def test_403_shows_the_request_id_of_the_proxy_and_nothing_else(client, org):
    login(client, org.clerk)
    html = client.get("/deadlines/overdue/", HTTP_X_REQUEST_ID="a1b2c3d4-e5f6", **ZH).content.decode()
    assert 'id="request-id">a1b2c3d4-e5f6<' in html and "请求编号" in html
    html = client.get("/deadlines/overdue/", HTTP_X_REQUEST_ID="<script>x</script>", **ZH).content.decode()
    assert "request-id" not in html and "<script>x" not in html


def test_csrf_failure_is_explained_in_chinese(org):
    client = Client(enforce_csrf_checks=True)
    login(client, org.officer)
    response = client.post("/accounts/logout/", **ZH)
    html = response.content.decode()
    assert response.status_code == 403
    assert "表单已失效" in html and "刷新页面后重新提交" in html
    _assert_layout(html)
    assert "CSRF verification failed" not in html


def test_500_is_a_standalone_chinese_page(org, settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client = Client(raise_request_exception=False)
    login(client, org.officer)
    response = client.get("/test-boom/", HTTP_X_REQUEST_ID="req-42", **ZH)
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器错误" in html and "错误已记录" in html and 'id="request-id">req-42<' in html
    _assert_layout(html)
    assert "Server Error (500)" not in html


def test_500_page_needs_no_database(org, django_db_blocker):
    """The 500 page must render when the database is what failed: no context processor, no user lookup."""
    request = RequestFactory().get("/cases/", **ZH)
    request.user = org.officer
    from django.utils import translation

    with translation.override("zh-hans"), django_db_blocker.block():
        response = views.server_error(request)
    assert response.status_code == 500
    assert "服务器错误" in response.content.decode()


def test_api_errors_stay_json(org, settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    client = Client(raise_request_exception=False)
    assert client.get("/api/v1/test-boom/").json() == {"detail": "Internal server error."}
    assert client.get("/api/v1/no-such-thing/").status_code == 404


def test_favicon_answers_at_the_root_and_is_linked_from_every_page(client, org):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response).startswith(b"\x00\x00\x01\x00")  # an ICO file
    login(client, org.officer)
    html = client.get("/", **ZH).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
