"""Court set-up check (core.court_setup): every setting a document needs is listed and checked, with the
administrator's words, in the admin, the ``court_settings --check`` command, ``check --deploy`` and the home banner."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import Court
from core import court_settings
from core.court_setup import check_court, requirements
from core.models import CourtSetting

from ..conftest import login

PRESIDENT_MISSING = "院长姓名未设置：请法院管理员在“法院设置”中填写“院长姓名”"
DOCUMENTS = Path(__file__).resolve().parents[2] / "notices" / "documents"


@pytest.fixture
def complete(org):
    """The test court with everything its documents need."""
    Court.objects.filter(pk=org.court.pk).update(phone="0938-2700000")
    CourtSetting.objects.create(court=org.court, key="president_name", value="杨志远")
    org.court.refresh_from_db()
    return org.court


def test_every_setting_and_court_field_a_document_reads_is_listed():
    keys = {r.key for r in requirements()}
    for path in DOCUMENTS.glob("*.py"):
        source = path.read_text()
        for key in re.findall(r"setting\([^,]+, \"(\w+)\"\)", source):
            assert key in keys, (path.name, key)
        for field in re.findall(r"getattr\(court, attr\)|court\.(fund_account_\w+)", source):
            assert not field or f"court.{field}" in keys, (path.name, field)
    for field in ("fund_account_name", "fund_account_bank", "fund_account_number", "phone"):
        assert f"court.{field}" in keys
    president = next(r for r in requirements() if r.key == "president_name")
    assert president.label == "院长姓名" and "限制消费令" in president.needed_by


def test_a_missing_president_is_named_in_the_administrators_words(org, complete):
    assert check_court(complete) == []
    CourtSetting.objects.filter(court=complete, key="president_name").delete()
    [problem] = check_court(complete)
    assert problem.message.startswith(PRESIDENT_MISSING) and "限制消费令" in problem.message
    assert "president_name" not in problem.message
    assert problem.url.startswith(reverse("admin:core_courtsetting_add"))
    # An invalid stored value is reported too, with its label.
    CourtSetting.objects.create(court=complete, key="document_number_format", value="{case_number}{nonsense}")
    messages = " ".join(p.message for p in check_court(complete))
    assert "文书编号格式" in messages and "只能使用占位符" in messages


def test_the_document_says_what_to_fill_in_not_the_key(org, complete, make_case):
    from notices import documents

    CourtSetting.objects.filter(court=complete, key="president_name").delete()
    case = make_case()
    message = documents.get("consumption_order").unavailable(case)
    assert message.startswith(PRESIDENT_MISSING) and "president_name" not in message


def test_command_check_exit_code_and_output(org, complete):
    out = StringIO()
    call_command("court_settings", "--check", "--court", complete.code, stdout=out)
    assert "文书所需设置已齐全" in out.getvalue()
    CourtSetting.objects.filter(court=complete, key="president_name").delete()
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("court_settings", "--check", "--court", complete.code, stdout=out)
    assert exc.value.returncode == 1
    assert PRESIDENT_MISSING in out.getvalue() and "president_name" not in out.getvalue()
    with pytest.raises(CommandError):
        call_command("court_settings", "--check", "--court", "甘9999", stdout=StringIO())


def test_deploy_check_warns_per_court(org, complete):
    from core.checks import court_setup_check

    assert not [w for w in court_setup_check() if w.obj == complete]
    CourtSetting.objects.filter(court=complete, key="president_name").delete()
    [warning] = [w for w in court_setup_check() if w.obj == complete]
    assert warning.id == "core.W001" and PRESIDENT_MISSING in warning.msg


def test_admin_setting_form_takes_plain_text_and_reports_what_is_left(client, org):
    login(client, org.court_admin)
    url = reverse("admin:core_courtsetting_add")
    form = client.get(url + f"?court={org.court.pk}&key=president_name").content.decode()
    assert "院长姓名（president_name）" in form
    response = client.post(url, {"court": org.court.pk, "key": "president_name", "value": ""}, follow=True)
    assert "请填写院长姓名。" in response.content.decode()
    assert not CourtSetting.objects.filter(key="president_name").exists()
    response = client.post(url, {"court": org.court.pk, "key": "president_name", "value": "杨志远"}, follow=True)
    assert CourtSetting.objects.get(court=org.court, key="president_name").value == "杨志远"
    page = response.content.decode()
    # The test court has no phone: the administrator is told so after saving, in words, never the key.
    assert "电话未设置：请法院管理员在“法院”中填写“电话”" in page and "fund_account" not in page
    response = client.post(url, {"court": org.court.pk, "key": "document_number_format", "value": "{oops}"})
    assert "文书编号格式：只能使用占位符" in response.content.decode()
    response = client.post(url, {"court": org.court.pk, "key": "notice_performance_days", "value": "五"})
    assert "执行通知履行期限（日）" in response.content.decode()


def test_admin_court_form_reports_what_its_documents_lack(client, org, complete):
    CourtSetting.objects.filter(court=complete, key="president_name").delete()
    login(client, org.court_admin)
    url = reverse("admin:accounts_court_change", args=[complete.pk])
    data = {"name": complete.name, "admin_division_code": complete.admin_division_code, "address": "",
            "postcode": "", "phone": "0938-2700000", "fund_account_name": complete.fund_account_name,
            "fund_account_bank": complete.fund_account_bank, "fund_account_number": ""}
    page = client.post(url, data, follow=True).content.decode()
    assert PRESIDENT_MISSING in page
    assert "执行款专户账号未设置：请法院管理员在“法院”中填写“执行款专户账号”" in page


def test_home_banner_for_the_court_administrator_only(client, org, complete):
    login(client, org.court_admin)
    assert "court-setup-warnings" not in client.get(reverse("core:home")).content.decode()
    CourtSetting.objects.filter(court=complete, key="president_name").delete()
    page = client.get(reverse("core:home")).content.decode()
    assert "本院设置尚不完整：有1项需要处理" in page and PRESIDENT_MISSING in page
    assert reverse("admin:core_courtsetting_add") in page
    assert PRESIDENT_MISSING in client.get(reverse("admin:index")).content.decode()
    login(client, org.officer)
    assert "court-setup-warnings" not in client.get(reverse("core:home")).content.decode()


def test_settings_registry_has_no_import_cycle_with_the_models():
    import core.models

    assert core.models.registry is court_settings.registry


def test_documents_tab_says_what_the_court_lacks_and_links_for_the_administrator(client, org, complete, make_case):
    CourtSetting.objects.filter(court=complete, key="president_name").delete()
    case = make_case()
    url = reverse("notices:case_documents", args=[case.pk]) + "?doc_type=consumption_order"
    login(client, org.clerk)
    page = client.get(url).content.decode()
    assert PRESIDENT_MISSING in page and "president_name" not in page
    assert reverse("admin:core_courtsetting_add") not in page  # the clerk cannot fix it: no link
    response = client.post(reverse("notices:document_issue", args=[case.pk]), {
        "doc_type": "consumption_order", "addressee_key": f"party:{case.case_parties.get(role='respondent').pk}"})
    assert PRESIDENT_MISSING in response.content.decode() and "president_name" not in response.content.decode()
