"""The register feeds the deadline engine, and the real document types (notices/documents/) issue through it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.models import Deadline
from deadlines.services import deadlines_recompute_for_case
from notices import documents, services

from .conftest import pdf_text, respondent_key

pytestmark = pytest.mark.django_db


def _notice_deadline(case):
    return Deadline.objects.get(source_type="case", source_id=case.pk, kind="notice")


def test_issuing_an_enforcement_notice_meets_the_ten_day_notice_deadline(org, make_case,
                                                                         django_capture_on_commit_callbacks):
    today = timezone.localdate()
    org.officer.phone = "0938-2712345"
    org.officer.save(update_fields=["phone"])
    case = make_case(received_on=today - timedelta(days=3), filed_on=today - timedelta(days=2))
    deadlines_recompute_for_case(actor=org.officer, case=case)
    assert _notice_deadline(case).status == "open"
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.document_issue(user=org.officer, case=case, doc_type="enforcement_notice",
                                      addressee_key=respondent_key(case))
    deadline = _notice_deadline(case)  # recomputed after the commit by the issuing service itself
    assert deadline.status == "met" and deadline.met_on == today
    deadlines_recompute_for_case(actor=org.officer, case=case)  # and the engine's own recompute agrees
    assert _notice_deadline(case).status == "met"
    text = "".join(pdf_text(services.document_pdf(user=org.officer, document=doc)).split())
    assert "执行通知书" in text and case.number in text and doc.verification_code in text
    assert "天水示例建材有限公司" in text


def test_every_registered_type_lists_addressees_or_a_reason(org, make_case):
    case = make_case()
    codes = {t.code for t in documents.all_types()}
    assert "enforcement_notice" in codes
    for kind in documents.all_types():
        addressees = kind.addressees(case)
        if not addressees:
            assert kind.unavailable is not None and kind.unavailable(case), kind.code
