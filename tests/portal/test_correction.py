"""失信/限消 correction requests through the portal (part 3 of issue 21): only the listed debtor (or their agent) of
a measure in force; the request reaches the credit app's review queue; a double submit makes one; another debtor's
measure cannot be named."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.models import CorrectionRequest
from tests.credit.conftest import debtor, resident_id

from .conftest import sign_in

pytestmark = pytest.mark.django_db

PHONE = "13700000002"


@pytest.fixture
def listed_debtor(client, settings, credit_case, listed):
    measure = listed("published")
    cp = debtor(credit_case)
    cp.phone = PHONE
    cp.save()
    sign_in(client, settings, credit_case, id_number=resident_id("19800101"), phone=PHONE)
    return measure


def _token(client):
    return re.search(r'name="form_token" value="([0-9a-f]{32})"',
                     client.get("/portal/correction/").content.decode()).group(1)


def test_listed_debtor_submits_a_correction_request_once(client, listed_debtor):
    assert 'id="portal-correction"' in client.get("/portal/case/").content.decode()
    data = {"measure": listed_debtor.pk, "grounds": "已于上月全部履行\u200b完毕。", "form_token": _token(client),
            "files": [SimpleUploadedFile("回单.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")]}
    assert client.post("/portal/correction/", data).status_code == 302
    data.pop("files")
    assert client.post("/portal/correction/", data).status_code == 302  # double submit
    req = CorrectionRequest.objects.get()
    assert req.channel == "portal" and req.requester_name == "李四" and req.requester_phone == PHONE
    assert req.grounds == "已于上月全部履行完毕。" and req.submitted_by is None
    from django.utils import translation

    with translation.override("zh-hans"):
        status = str(req.get_status_display())
    assert req.status == "pending" and status in client.get("/portal/correction/").content.decode()


def test_another_measure_cannot_be_named(client, listed_debtor):
    response = client.post("/portal/correction/", {"measure": listed_debtor.pk + 999, "grounds": "x",
                                                   "form_token": _token(client)})
    assert response.status_code == 400 and not CorrectionRequest.objects.exists()


def test_applicant_has_no_correction_page(client, settings, credit_case, listed):
    listed("published")
    sign_in(client, settings, credit_case)
    assert 'id="portal-correction"' not in client.get("/portal/case/").content.decode()
    assert client.get("/portal/correction/")["Location"] == "/portal/case/"
