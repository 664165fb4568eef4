"""Pages: the case's Documents tab, issuing and correcting from it, the download, the register, the court's
templates, and the public verification page."""

from __future__ import annotations

import hashlib
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from notices import services
from notices.models import IssuedDocument, TemplateOverride

from .conftest import TEST_NOTICE, TEST_RULING, respondent_key
from .test_overrides import GOOD, SYNTAX_ERROR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_address(client):
    """A fresh client address per test: the verification throttle counts per address (in the shared cache)."""
    n = secrets.randbelow(2**24)
    client.defaults["REMOTE_ADDR"] = f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"


@pytest.fixture
def doc(org, case, test_types):
    return services.document_issue(user=org.officer, case=case, doc_type=TEST_NOTICE,
                                   addressee_key=respondent_key(case))


def tab_url(case, **params):
    query = "".join(f"&{k}={v}" for k, v in params.items())
    return reverse("cases:detail", args=[case.pk]) + "?tab=documents" + query


def test_case_tab_lists_documents_and_offers_the_issue_form(client, org, case, doc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.officer)
    client.get(tab_url(case, doc_type=TEST_RULING))
    with CaptureQueriesContext(connection) as one:
        client.get(tab_url(case, doc_type=TEST_RULING))
    for subject in ("一", "二", "三"):  # more documents, more versions: the same number of queries
        d = services.document_issue(user=org.officer, case=case, doc_type=TEST_RULING,
                                    addressee_key=respondent_key(case), params={"subject": subject})
        services.document_correct(user=org.officer, document=d, reason="更正")
    with CaptureQueriesContext(connection) as many:
        response = client.get(tab_url(case, doc_type=TEST_RULING))
    assert len(many.captured_queries) == len(one.captured_queries) <= 30
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="documents-table"' in html and doc.number in html and doc.verification_code in html
    assert reverse("notices:document_download", args=[doc.pk]) in html
    assert 'id="issue-form"' in html and 'name="p-subject"' in html and "天水示例建材有限公司" in html


def test_tab_is_read_only_for_users_without_the_issue_permission(client, org, case, doc):
    client.force_login(org.finance)  # sees every case of the court, issues nothing
    html = client.get(tab_url(case, doc_type=TEST_NOTICE)).content.decode()
    assert doc.number in html and 'id="issue-form"' not in html and "doc-correct" not in html


def test_issue_from_the_page_then_download(client, org, case, test_types):
    client.force_login(org.clerk)
    url = reverse("notices:document_issue", args=[case.pk])
    response = client.post(url, {"doc_type": TEST_RULING, "addressee_key": respondent_key(case), "p-subject": "冻结"})
    assert response.status_code == 302
    document = IssuedDocument.objects.get()
    assert f"issued={document.pk}" in response["Location"] and document.params["subject"] == "冻结"
    page = client.get(response["Location"]).content.decode()
    assert 'id="issued-banner"' in page and 'data-autodownload' in page
    pdf = client.get(reverse("notices:document_download", args=[document.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(pdf.content).hexdigest() == document.sha256
    # the same form again is a reprint: no second number
    again = client.post(url, {"doc_type": TEST_RULING, "addressee_key": respondent_key(case), "p-subject": "冻结"})
    assert again.status_code == 302 and "reprint=1" in again["Location"] and IssuedDocument.objects.count() == 1


def test_issue_errors_name_the_field(client, org, case, test_types):
    client.force_login(org.clerk)
    url = reverse("notices:document_issue", args=[case.pk])
    response = client.post(url, {"doc_type": TEST_RULING, "addressee_key": respondent_key(case), "p-subject": ""})
    assert response.status_code == 400
    assert 'name="p-subject"' in response.content.decode() and "is-invalid" in response.content.decode()
    response = client.post(url, {"doc_type": TEST_NOTICE, "addressee_key": "party:999999"})
    assert response.status_code == 400 and not IssuedDocument.objects.exists()
    # a context that lacks data: its message is shown above the form
    response = client.post(url, {"doc_type": TEST_RULING, "addressee_key": respondent_key(case), "p-subject": "boom"})
    assert response.status_code == 400 and "cannot be filled" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_officer_of_another_team_cannot_issue_or_download(client, org, case, doc, test_types):
    client.force_login(org.colleague)
    url = reverse("notices:document_issue", args=[case.pk])
    assert client.post(url, {"doc_type": TEST_NOTICE, "addressee_key": respondent_key(case)}).status_code == 404
    assert client.get(reverse("notices:document_download", args=[doc.pk])).status_code == 404
    client.force_login(org.outsider)
    assert client.get(reverse("notices:document_download", args=[doc.pk])).status_code == 404
    client.force_login(org.finance)  # sees the case, may not issue
    assert client.post(url, {"doc_type": TEST_NOTICE, "addressee_key": respondent_key(case)}).status_code == 403
    assert client.get(reverse("notices:document_download", args=[doc.pk])).status_code == 200


def test_correct_from_the_page(client, org, case, doc):
    client.force_login(org.officer)
    url = reverse("notices:document_correct", args=[doc.pk])
    assert client.post(url, {f"c{doc.pk}-reason": ""}).status_code == 400
    response = client.post(url, {f"c{doc.pk}-reason": "送达地址有误"})
    assert response.status_code == 302
    new = IssuedDocument.objects.get(supersedes=doc)
    assert new.number == doc.number and new.version == 2
    html = client.get(tab_url(case)).content.decode()
    assert "已被更正" in html and f'id="doc-{new.pk}"' in html  # the old version is marked superseded


def test_register_lists_and_filters(client, org, make_case, test_types, django_assert_max_num_queries):
    cases = [make_case() for _ in range(3)]
    docs = [services.document_issue(user=org.clerk, case=c, doc_type=TEST_NOTICE, addressee_key=respondent_key(c))
            for c in cases]
    services.document_issue(user=org.clerk, case=cases[0], doc_type=TEST_RULING,
                            addressee_key=respondent_key(cases[0]), params={"subject": "x"})
    client.force_login(org.clerk)
    with django_assert_max_num_queries(10):  # one page of rows with their cases and issuers: no query per row
        html = client.get(reverse("notices:register")).content.decode()
    assert all(d.case.number in html for d in docs) and "测试裁定书" in html
    html = client.get(reverse("notices:register"), {"doc_type": TEST_RULING}).content.decode()
    assert "测试裁定书" in html and docs[1].case.number not in html
    html = client.get(reverse("notices:register"), {"serial": 2, "doc_type": TEST_NOTICE}).content.decode()
    assert docs[1].case.number in html and docs[2].case.number not in html
    client.force_login(org.colleague)  # another team: sees none of these cases
    assert docs[0].case.number not in client.get(reverse("notices:register")).content.decode()


def test_templates_pages_for_the_court_administrator(client, org, test_types):
    client.force_login(org.clerk)
    assert client.get(reverse("notices:templates")).status_code == 403
    client.force_login(org.court_admin)
    assert "测试通知书" in client.get(reverse("notices:templates")).content.decode()
    edit = reverse("notices:template_edit", args=[TEST_NOTICE])
    assert 'id="id_source"' in client.get(edit).content.decode()
    response = client.post(edit, {"source": SYNTAX_ERROR, "active": "on", "action": "save"})
    assert response.status_code == 400 and 'id="source-error"' in response.content.decode()
    assert not TemplateOverride.objects.exists()
    preview = client.post(edit, {"source": GOOD, "action": "preview"})
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert client.post(edit, {"source": GOOD, "active": "on", "action": "save"}).status_code == 302
    assert TemplateOverride.objects.get(court=org.court, doc_type=TEST_NOTICE).active
    assert client.get(reverse("notices:template_preview", args=[TEST_NOTICE])).content.startswith(b"%PDF")
    assert client.post(edit, {"action": "delete"}).status_code == 302
    assert not TemplateOverride.objects.exists()


def test_verification_page_shows_the_register_facts_and_nothing_about_the_case(client, doc, case):
    form = client.get(reverse("notices:verify"))
    assert form.status_code == 200 and 'id="verify-form"' in form.content.decode()
    typed = client.post(reverse("notices:verify"), {"code": doc.verification_code.lower().replace("-", "")})
    assert typed.status_code == 302 and typed["Location"] == reverse("notices:verify_code",
                                                                     args=[doc.verification_code])
    response = client.get(typed["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    for fact in ("天水市麦积区人民法院", "测试通知书", doc.number, doc.sha256, doc.issue_date.strftime("%Y-%m-%d")):
        assert fact in html, fact
    for secret in ("天水示例建材有限公司", "张三", "11010519491231002X", "91110108551385082Q", "马跑泉路", "郑强"):
        assert secret not in html, secret
    assert 'id="verify-genuine"' in html


def test_verification_of_a_superseded_version_says_so(client, org, doc):
    new = services.document_correct(user=org.officer, document=doc, reason="更正")
    html = client.get(reverse("notices:verify_code", args=[doc.verification_code])).content.decode()
    assert 'id="verify-superseded"' in html
    assert 'id="verify-genuine"' in client.get(reverse("notices:verify_code",
                                                       args=[new.verification_code])).content.decode()


def test_wrong_or_malformed_code_is_404(client, doc):
    assert client.get(reverse("notices:verify_code", args=["ABCD-EFGH-JK"])).status_code == 404
    assert client.get(reverse("notices:verify_code", args=["nonsense"])).status_code == 404
    assert client.post(reverse("notices:verify"), {"code": "0000"}).status_code == 400


def test_uploaded_pdf_is_compared_by_hash(client, org, doc):
    url = reverse("notices:verify_code", args=[doc.verification_code])
    stored = services.document_pdf(user=org.officer, document=doc)
    same = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", stored, content_type="application/pdf")})
    assert same.status_code == 200 and "完全一致" in same.content.decode()
    assert 'alert-success" id="verify-compare"' in same.content.decode()
    other = client.post(url, {"pdf": SimpleUploadedFile("b.pdf", stored + b"\n%tampered",
                                                        content_type="application/pdf")})
    assert 'alert-danger" id="verify-compare"' in other.content.decode()


def test_verification_is_throttled(client, doc, settings):
    from notices import views

    import time_machine
    from django.core.cache import cache

    url = reverse("notices:verify_code", args=["ABCD-EFGH-JK"])
    cache.clear()
    # The window is the clock's minute: hold the clock inside one, so the test does not straddle two (it did, at
    # random, when the machine was busy).
    with time_machine.travel(timezone.now().replace(second=5, microsecond=0), tick=False):
        statuses = [client.get(url).status_code for _ in range(views.VERIFY_RATE + 2)]
    assert statuses[: views.VERIFY_RATE] == [404] * views.VERIFY_RATE
    assert statuses[-1] == 429


def test_admin_lists_the_register_read_only_for_the_courts_administrator(client, org, doc):
    client.force_login(org.court_admin)
    listing = client.get("/admin/notices/issueddocument/")
    assert listing.status_code == 200 and doc.number in listing.content.decode()
    detail = client.get(f"/admin/notices/issueddocument/{doc.pk}/change/")
    assert detail.status_code == 200 and doc.sha256 in detail.content.decode()
    assert client.post(f"/admin/notices/issueddocument/{doc.pk}/delete/", {"post": "yes"}).status_code == 403
    assert IssuedDocument.objects.filter(pk=doc.pk).exists()


def test_correct_from_the_page_with_new_parameters(client, org, case, test_types):
    ruling = services.document_issue(user=org.officer, case=case, doc_type=TEST_RULING,
                                     addressee_key=respondent_key(case), params={"subject": "冻结"})
    client.force_login(org.officer)
    html = client.get(tab_url(case)).content.decode()
    assert f'name="c{ruling.pk}p-subject"' in html and 'value="冻结"' in html
    url = reverse("notices:document_correct", args=[ruling.pk])
    bad = client.post(url, {f"c{ruling.pk}-reason": "标的有误", f"c{ruling.pk}p-subject": ""})
    assert bad.status_code == 400 and not IssuedDocument.objects.filter(supersedes=ruling).exists()
    ok = client.post(url, {f"c{ruling.pk}-reason": "标的有误", f"c{ruling.pk}p-subject": "冻结存款"})
    assert ok.status_code == 302
    assert IssuedDocument.objects.get(supersedes=ruling).params["subject"] == "冻结存款"
