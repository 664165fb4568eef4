"""Issuing, reprinting and correcting documents: the register row, the number, the stored PDF."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cases.models import CaseEvent
from notices import services
from notices.models import DocumentFile, DocumentSequence, IssuedDocument

from .conftest import TEST_NOTICE, TEST_RULING, pdf_text, respondent_key, set_court_setting

pytestmark = pytest.mark.django_db


def issue(user, case, doc_type=TEST_NOTICE, **kw):
    kw.setdefault("addressee_key", respondent_key(case))
    return services.document_issue(user=user, case=case, doc_type=doc_type, **kw)


def last_serial(court, doc_type, year=None):
    year = year or timezone.localdate().year
    return DocumentSequence.objects.filter(court=court, doc_type=doc_type, year=year).values_list(
        "last_serial", flat=True).first() or 0


def test_issue_registers_number_hash_code_and_pdf(org, case, test_types):
    today = timezone.localdate()
    doc = issue(org.officer, case, issue_date=today)
    assert doc.serial == 1 and doc.year == today.year and doc.version == 1 and doc.issue_date == today
    assert doc.number == case.number  # a notice prints the case number
    assert doc.addressee_name == "天水示例建材有限公司" and doc.court_id == org.court.pk
    stored = bytes(DocumentFile.objects.get(document=doc).pdf)
    assert stored.startswith(b"%PDF")
    assert doc.sha256 == hashlib.sha256(stored).hexdigest() and doc.size == len(stored) and doc.pages == 1
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}", doc.verification_code)
    text = pdf_text(stored)
    assert "天水市麦积区人民法院" in text and case.number in text and doc.verification_code in text
    event = CaseEvent.objects.get(case=case, type="document_issued")
    assert event.parameters["document_id"] == doc.pk and doc.number in event.summary


def test_reprint_returns_same_document_and_bytes_without_new_number(org, case, test_types):
    first = issue(org.officer, case)
    again = issue(org.clerk, case)
    assert again.pk == first.pk and again.reprint and not first.reprint
    assert IssuedDocument.objects.count() == 1 and last_serial(org.court, TEST_NOTICE) == 1
    assert services.document_pdf(user=org.clerk, document=again) == services.document_pdf(user=org.officer,
                                                                                         document=first)


def test_serials_are_per_type_and_consecutive_across_cases(org, make_case, test_types):
    cases = [make_case() for _ in range(3)]
    serials = [issue(org.clerk, c).serial for c in cases]
    assert serials == [1, 2, 3]
    ruling = issue(org.clerk, cases[0], TEST_RULING, params={"subject": "冻结"})
    assert ruling.serial == 1


def test_rulings_get_per_case_suffix(org, case, test_types):
    set_court_setting(org.court, "document_number_suffix_types", [TEST_RULING])
    one = issue(org.officer, case, TEST_RULING, params={"subject": "冻结存款"})
    two = issue(org.officer, case, TEST_RULING, params={"subject": "查封房产"})
    assert one.number == case.number + "之一" and two.number == case.number + "之二"
    assert (one.serial, two.serial) == (1, 2)
    assert case.number + "之二" in pdf_text(services.document_pdf(user=org.officer, document=two))
    set_court_setting(org.court, "document_number_suffix_first", False)
    # the suffix counts the case's earlier suffixed documents (the third is 之二 when the first is bare), and never
    # repeats a number already printed in the case: 之二 is taken, so 之三
    three = issue(org.officer, case, TEST_RULING, params={"subject": "扣押车辆"})
    assert three.number == case.number + "之三"


def test_number_format_with_register_serial(org, case, test_types):
    set_court_setting(org.court, "document_number_format", "（{year}）{court_code}执通{serial}号")
    year = timezone.localdate().year
    doc = issue(org.officer, case)
    assert doc.number == f"（{year}）甘0503执通1号"
    assert f"（{year}）甘0503执通1号" in pdf_text(services.document_pdf(user=org.officer, document=doc))


def test_bad_number_format_is_a_clear_error_and_consumes_nothing(org, case, test_types):
    set_court_setting(org.court, "document_number_format", "{case_number}{nope}")
    with pytest.raises(ValidationError) as exc:
        issue(org.officer, case)
    assert "document_number_format" in exc.value.message_dict
    assert last_serial(org.court, TEST_NOTICE) == 0


def test_params_are_validated_naming_the_field(org, case, test_types):
    with pytest.raises(ValidationError) as exc:
        issue(org.officer, case, TEST_RULING, params={"on": "not a date"})
    assert set(exc.value.message_dict) == {"params.subject", "params.on"}
    with pytest.raises(ValidationError) as exc:
        issue(org.officer, case, TEST_NOTICE, params={"x": 1})
    assert "params" in exc.value.message_dict
    assert IssuedDocument.objects.count() == 0


def test_addressee_must_be_one_of_the_types_addressees(org, case, test_types):
    applicant = case.case_parties.get(role="applicant")
    with pytest.raises(ValidationError) as exc:
        issue(org.officer, case, addressee_key=f"party:{applicant.pk}")
    assert "addressee_key" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        issue(org.officer, case, doc_type="no_such_type")
    assert "doc_type" in exc.value.message_dict


def test_failed_render_consumes_no_serial(org, make_case, test_types):
    good = make_case()
    with pytest.raises(ValidationError) as exc:
        issue(org.clerk, good, TEST_RULING, params={"subject": "boom"})
    assert "subject" in exc.value.message_dict
    assert last_serial(org.court, TEST_RULING) == 0 and not IssuedDocument.objects.exists()
    assert not DocumentFile.objects.exists() and not CaseEvent.objects.filter(type="document_issued").exists()
    assert issue(org.clerk, good, TEST_RULING, params={"subject": "ok"}).serial == 1


def test_correction_chain(org, case, test_types):
    v1 = issue(org.officer, case, TEST_RULING, params={"subject": "冻结"})
    v2 = services.document_correct(user=org.officer, document=v1, reason="地址有误", params={"subject": "冻结存款"})
    assert (v2.number, v2.serial, v2.version, v2.supersedes_id) == (v1.number, v1.serial, 2, v1.pk)
    assert v2.verification_code != v1.verification_code and v2.sha256 != v1.sha256
    assert v2.params == {"subject": "冻结存款", "on": None} and v2.correction_reason == "地址有误"
    with pytest.raises(ValidationError) as exc:
        services.document_correct(user=org.officer, document=v1, reason="again")
    assert "document" in exc.value.message_dict
    v3 = services.document_correct(user=org.officer, document=v2, reason="日期有误")
    assert v3.version == 3 and v3.supersedes_id == v2.pk and v3.params == v2.params
    assert last_serial(org.court, TEST_RULING) == 1
    # reissuing with the corrected parameters returns the current version, the superseded one is not reused
    assert issue(org.officer, case, TEST_RULING, params={"subject": "冻结存款"}).pk == v3.pk
    fresh = issue(org.officer, case, TEST_RULING, params={"subject": "冻结"})
    assert fresh.pk not in (v1.pk, v2.pk) and fresh.serial == 2
    assert CaseEvent.objects.filter(case=case, type="document_corrected").count() == 2
    with pytest.raises(ValidationError) as exc:
        services.document_correct(user=org.officer, document=v3, reason="  ")
    assert "reason" in exc.value.message_dict


def test_officer_of_other_team_and_outsider_cannot_issue(org, case, test_types):
    with pytest.raises(PermissionDenied):
        issue(org.colleague, case)
    with pytest.raises(PermissionDenied):
        issue(org.outsider, case)
    with pytest.raises(PermissionDenied):
        issue(org.finance, case)
    assert issue(org.clerk, case).serial == 1  # a clerk issues court-wide
    doc = IssuedDocument.objects.get()
    with pytest.raises(PermissionDenied):
        services.document_correct(user=org.colleague, document=doc, reason="x")
    with pytest.raises(PermissionDenied):
        services.document_pdf(user=org.outsider, document=doc)


def test_selector_hides_documents_of_invisible_cases(org, case, test_types):
    from notices import selectors

    doc = issue(org.officer, case)
    assert selectors.document_get_for_user(user=org.clerk, pk=doc.pk) == doc
    with pytest.raises(Http404):
        selectors.document_get_for_user(user=org.colleague, pk=doc.pk)
    with pytest.raises(Http404):
        selectors.document_get_for_user(user=org.outsider, pk=doc.pk)
    assert list(selectors.document_list_for_user(user=org.colleague)) == []
    assert list(selectors.document_list_for_user(user=org.supervisor)) == [doc]  # the superior court reads


def test_verification_codes(org):
    code = services.verification_code_new()
    assert services.verification_code_normalize(code.lower().replace("-", " ")) == code
    assert services.verification_code_normalize("0O1I-AAAA-AA") is None
    assert services.verification_code_normalize("ABC") is None
    assert len({services.verification_code_new() for _ in range(1000)}) == 1000
    link = services.verification_link(org.court, code)
    assert link["url"].endswith(f"/notices/verify/{code}/") and link["code"] == code
    set_court_setting(org.court, "verify_base_url", "https://zxgk.court.example")
    set_court_setting(org.court, "verify_site", "zxgk.court.example")
    assert services.verification_link(org.court, code) == {
        "code": code, "url": f"https://zxgk.court.example/notices/verify/{code}/", "site": "zxgk.court.example"}


def test_cn_ordinal():
    assert [services.cn_ordinal(n) for n in (1, 10, 11, 20, 21, 100, 105, 110, 999)] == [
        "一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十", "九百九十九"]


def test_a_type_may_preset_the_number_and_suffixes_skip_recorded_ruling_numbers(org, case, test_types):
    from dataclasses import replace

    from notices import documents

    set_court_setting(org.court, "document_number_suffix_types", [TEST_RULING, "preset_ruling"])
    base = test_types["ruling"]

    def preset_context(case, addressee, params=None):
        return {**base.context(case, addressee, params), "document_number": case.number + "之一"}

    documents._REGISTRY["preset_ruling"] = replace(base, code="preset_ruling", context=preset_context)
    try:
        preset = issue(org.officer, case, "preset_ruling", params={"subject": "冻结"})
        assert preset.number == case.number + "之一" and preset.serial == 1
        assert case.number + "之一" in pdf_text(services.document_pdf(user=org.officer, document=preset))
        # the next suffixed ruling neither repeats 之一 nor 之二, which a control measure of the case records
        from assets.services import control_order
        from tests.assets.conftest import register_asset

        control_order(actor=org.officer, asset=register_asset(case, org.officer), kind="freeze",
                      ordered_on=date(2026, 3, 10), ruling_number=case.number + "之二",
                      assisting_body="中国农业银行天水分行")
        ruling = issue(org.officer, case, TEST_RULING, params={"subject": "查封"})
        assert ruling.number == case.number + "之三"
    finally:
        documents._REGISTRY.pop("preset_ruling", None)


def test_first_suffixed_document_may_print_the_bare_case_number(org, make_case, test_types):
    set_court_setting(org.court, "document_number_suffix_types", [TEST_RULING])
    set_court_setting(org.court, "document_number_suffix_first", False)
    case = make_case()
    numbers = [issue(org.officer, case, TEST_RULING, params={"subject": s}).number for s in ("一", "二", "三")]
    assert numbers == [case.number, case.number + "之一", case.number + "之二"]


def test_date_on_the_document_far_from_today_is_refused(org, case, test_types):
    from datetime import timedelta

    with pytest.raises(ValidationError) as exc:
        issue(org.officer, case, issue_date=timezone.localdate() + timedelta(days=400))
    assert "issue_date" in exc.value.message_dict and not IssuedDocument.objects.exists()
