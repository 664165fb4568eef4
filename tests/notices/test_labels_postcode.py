"""Address labels for service by post carry the addressee's postcode (Party.postcode, six boxes, blank when unknown)
and the court's return address (name, address, postcode, phone); the postcode is validated (6 digits, optional) and
edited in the party form and the API. Real WeasyPrint, real PostgreSQL, pdftotext for the checks."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from cases.services import PartyInput, party_details_update
from notices import batch as service
from notices.documents import get as doc_type

from .conftest import pdf_text
from .test_batch import EN, make_week_cases

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def court_return_address(org):
    org.court.address = "甘肃省天水市麦积区商埠路12号"
    org.court.postcode = "741020"
    org.court.phone = "0938-2710000"
    org.court.save(update_fields=["address", "postcode", "phone"])


def _respondent(case):
    return case.case_parties.select_related("party").get(role="respondent").party


def _run_batch(org, cases):
    job = service.batch_create(user=org.clerk, case_ids=[c.pk for c in cases], doc_types=[EN])
    for pairs in service.batch_start(batch_id=job.pk, chunk_size=5):
        service.batch_chunk_run(batch_id=job.pk, pairs=pairs)
    service.batch_finish(batch_id=job.pk)
    job.refresh_from_db()
    assert job.labels_pdf is not None, (job.status, job.failures)
    return job


def test_labels_carry_the_addressee_postcode_and_the_court_return_address(org, make_case):
    [with_code] = make_week_cases(make_case, 1)
    [without] = make_week_cases(make_case, 1, parties=[  # another respondent, with no postcode recorded
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number="11010519491231002X",
                   address="甘肃省天水市麦积区桥南路1号"),
        PartyInput(role="respondent", kind="person", name="龚堃喆", address="甘肃省天水市麦积区花园路18号")])
    party = _respondent(with_code)
    party_details_update(actor=org.clerk, case=with_code, party=party, changes={"postcode": "741000"},
                         original={"postcode": ""})
    job = _run_batch(org, [with_code, without])
    rows = service._batch_documents(job)
    labels = service.render_labels(rows, court=org.court, half="labels")
    text = pdf_text(labels)
    flat = re.sub(r"\s+", "", text)
    assert "741000" in flat  # the addressee's postcode, one digit a box
    assert "寄件人：天水市麦积区人民法院甘肃省天水市麦积区商埠路12号邮编741020电话0938-2710000" in flat
    assert flat.count("寄件人") == 2  # every label
    assert "None" not in text
    # The party without a postcode gets six empty boxes, not "None" and not another party's code.
    entries = {e["case_number"]: e for e in service.label_entries(rows)}
    assert entries[with_code.number]["postcode_digits"] == list("741000")
    assert entries[without.number]["postcode_digits"] == [""] * 6
    # The address sheet for the post office names the sender too, and the stored labels are the same.
    sheet = re.sub(r"\s+", "", pdf_text(service.render_labels(rows, court=org.court, half="sheet")))
    assert "寄件人：天水市麦积区人民法院" in sheet and "邮编741020" in sheet and "741000" in sheet
    stored = re.sub(r"\s+", "", pdf_text(bytes(job.labels_pdf)))
    assert "邮编741020" in stored and "741000" in stored


def test_the_addressee_of_a_party_takes_its_postcode(org, make_case):
    case = make_case()
    party = _respondent(case)
    party.postcode = "741020"
    party.save(update_fields=["postcode"])
    [addressee] = doc_type("enforcement_notice").addressees(case)
    assert addressee.postcode == "741020"


@pytest.mark.parametrize("typed, stored", [("741000", "741000"), ("７４１０００", "741000"), (" 741 000 ", "741000"),
                                           ("", "")])
def test_postcode_is_six_digits_or_empty(org, make_case, typed, stored):
    case = make_case()
    party = _respondent(case)
    party_details_update(actor=org.clerk, case=case, party=party, changes={"postcode": typed},
                         original={"postcode": ""})
    party.refresh_from_db()
    assert party.postcode == stored


@pytest.mark.parametrize("junk", ["74100", "7410001", "邮编741000", "74100A"])
def test_a_bad_postcode_is_refused_naming_the_field_and_nothing_is_saved(org, make_case, junk):
    case = make_case()
    party = _respondent(case)
    with pytest.raises(ValidationError) as exc:
        party_details_update(actor=org.clerk, case=case, party=party,
                             changes={"postcode": junk, "address": "甘肃省天水市秦州区1号"},
                             original={"postcode": "", "address": party.address})
    assert "postcode" in exc.value.message_dict
    party.refresh_from_db()
    assert party.postcode == "" and party.address != "甘肃省天水市秦州区1号"


def test_party_form_shows_and_saves_the_postcode(org, make_case, client):
    case = make_case()
    party = _respondent(case)
    url = f"/cases/{case.pk}/parties/{party.pk}/edit/"
    client.force_login(org.clerk)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="postcode"' in page and "邮政编码" in page
    hidden = {m[1]: m[2] for m in re.finditer(r'<input type="hidden" name="(orig_\w+)" value="([^"]*)"', page)}
    form = {**hidden, "phones": "", "address": party.address, "legal_representative": "", "postcode": "12"}
    r = client.post(url, form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "postcode" in r.context["form"].errors
    r = client.post(url, {**form, "postcode": "741020"})
    assert r.status_code == 302
    party.refresh_from_db()
    assert party.postcode == "741020"


def test_api_reads_and_writes_the_postcode_and_another_court_may_not(org, make_case):
    case = make_case()
    party = _respondent(case)
    api = APIClient()
    api.force_authenticate(org.clerk)
    seen = api.get(f"/api/v1/parties/{party.pk}/").json()
    assert seen["postcode"] == ""
    url = f"/api/v1/cases/{case.pk}/party-details/"
    r = api.post(url, {"party": party.pk, "postcode": "7410", "original": {"postcode": ""}}, format="json")
    assert r.status_code == 400 and "postcode" in r.json(), r.content
    r = api.post(url, {"party": party.pk, "postcode": "741020", "original": {"postcode": ""}}, format="json")
    assert r.status_code == 200 and r.json()["postcode"] == "741020", r.content
    outsider = APIClient()
    outsider.force_authenticate(org.outsider)
    r = outsider.post(url, {"party": party.pk, "postcode": "100000", "original": {"postcode": "741020"}},
                      format="json")
    assert r.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        party_details_update(actor=org.outsider, case=case, party=party, changes={"postcode": "100000"},
                             original={"postcode": "741020"})
    party.refresh_from_db()
    assert party.postcode == "741020"
