"""Fixtures for the register, numbering, verification and page tests of the notices app.

``test_types`` registers two small test-only document types (a notice and a ruling with a parameter form) for the
duration of one test and removes them afterwards, so the document-type tests of other modules never see them.
"""

from __future__ import annotations

import subprocess

import pytest
from django import forms
from django.core.exceptions import ValidationError

from cases.models import CaseParty, PartyRole
from notices import documents
from notices.documents import Addressee, DocumentType

TEST_NOTICE = "test_notice"
TEST_RULING = "test_ruling"


def _addressees(case):
    return [Addressee(key=f"party:{cp.pk}", name=cp.party.name, address=cp.service_address or cp.party.address,
                      role=cp.role)
            for cp in CaseParty.objects.filter(case_id=case.pk, role=PartyRole.RESPONDENT).select_related("party")
            .order_by("position", "pk")]


def _context(case, addressee, params=None):
    params = params or {}
    if getattr(case, "_test_fail", False) or params.get("subject") == "boom":
        raise ValidationError({"subject": "cannot be filled"})
    return {"court_name": case.court.name, "case_number": case.number, "addressee": addressee.name,
            "attachments": [params["subject"]] if params.get("subject") else []}


class RulingParams(forms.Form):
    subject = forms.CharField(max_length=40)
    on = forms.DateField(required=False)


@pytest.fixture
def test_types():
    documents._load()
    notice = DocumentType(code=TEST_NOTICE, title="测试通知书", label="Test notice", template="notices/base.html",
                          addressees=_addressees, context=_context, order=1)
    ruling = DocumentType(code=TEST_RULING, title="测试裁定书", label="Test ruling", template="notices/base.html",
                          addressees=_addressees, context=_context, params_form=RulingParams, order=2)
    for t in (notice, ruling):
        documents._REGISTRY[t.code] = t
    yield {"notice": notice, "ruling": ruling}
    for t in (notice, ruling):
        documents._REGISTRY.pop(t.code, None)


@pytest.fixture
def case(org, make_case):
    return make_case()


def respondent_key(case) -> str:
    return f"party:{case.case_parties.get(role=PartyRole.RESPONDENT).pk}"


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def set_court_setting(court, key, value):
    from core.models import CourtSetting

    CourtSetting.objects.update_or_create(court=court, key=key, defaults={"value": value})
