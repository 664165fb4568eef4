"""Correction requests: portal and counter, the 15-day review and the 3-working-day correction, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credit import services
from credit.models import CorrectionAttachment, CorrectionRequest
from deadlines import engine
from deadlines.models import Deadline

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_portal_request_gets_the_review_deadline(org, listed, official_calendar):
    m = listed("published")
    req = services.correction_submit(measure=m, name="李四", phone="13900000000", grounds="已履行完毕",
                                     channel="portal", files=[SimpleUploadedFile("收据.pdf", PDF)])
    assert req.submitted_by is None and req.received_on == timezone.localdate()
    assert CorrectionAttachment.objects.get(request=req).content_type == "application/pdf"
    engine.recompute(case_ids=[m.case_id])  # what the on-commit recompute does after the request's commit
    d = Deadline.objects.get(source_type="credit_correction", source_id=req.pk, kind="credit_correction_review")
    # 15 days (rolled to the next working day when the 15th is a rest day)
    assert req.received_on + timedelta(days=15) <= d.due_on <= req.received_on + timedelta(days=23)
    assert m.case.events.filter(type="credit_correction_received").exists()


def test_well_founded_request_is_corrected_within_three_working_days(org, listed, official_calendar):
    m = listed("published")
    req = services.correction_submit(measure=m, name="李四", phone="", grounds="失信行为情形有误", channel="portal")
    with pytest.raises(PermissionDenied):
        services.correction_review(actor=org.officer, request=req, well_founded=True, reasons="")
    req = services.correction_review(actor=org.chief, request=req, well_founded=True, reasons="属实")
    with pytest.raises(ValidationError):
        services.correction_review(actor=org.chief, request=req, well_founded=False, reasons="again")
    engine.recompute(case_ids=[m.case_id])
    review = Deadline.objects.get(source_type="credit_correction", source_id=req.pk, kind="credit_correction_review")
    assert review.status == "met"
    fix = Deadline.objects.get(source_type="credit_correction", source_id=req.pk, kind="credit_correction_fix")
    from cases.term import court_calendars
    assert fix.due_on == court_calendars([m.case.court_id])[m.case.court_id].add_working_days(req.reviewed_on, 3)
    with pytest.raises(ValidationError) as exc:
        services.correction_fix(actor=org.chief, request=req, correction="")
    assert "correction" in exc.value.message_dict
    req = services.correction_fix(actor=org.chief, request=req, correction="更正失信情形", conduct="违反财产报告制度")
    engine.recompute(case_ids=[m.case_id])
    m.refresh_from_db()
    fix.refresh_from_db()
    assert m.conduct == "违反财产报告制度" and req.status == "corrected" and fix.status == "met"
    with pytest.raises(ValidationError):
        services.correction_fix(actor=org.chief, request=req, correction="again")


def test_rejection_records_the_reconsideration_route(org, listed):
    m = listed("published")
    req = services.correction_submit(measure=m, name="李四", phone="", grounds="不服", channel="portal")
    with pytest.raises(ValidationError) as exc:
        services.correction_review(actor=org.chief, request=req, well_founded=False, reasons="")
    assert "reasons" in exc.value.message_dict
    req = services.correction_review(actor=org.chief, request=req, well_founded=False, reasons="理由不成立")
    assert req.status == "rejected" and "10" in req.reconsideration_info
    assert org.court.parent.name in req.reconsideration_info
    engine.recompute(case_ids=[m.case_id])
    assert not Deadline.objects.filter(source_type="credit_correction", source_id=req.pk,
                                       kind="credit_correction_fix").exists()


def test_listed_in_error_opens_the_removal(org, listed):
    m = listed("published")
    req = services.correction_submit(measure=m, name="李四", phone="", grounds="并非本人", channel="portal")
    req = services.correction_review(actor=org.chief, request=req, well_founded=True, reasons="属实")
    services.correction_fix(actor=org.chief, request=req, correction="纳入错误", remove=True)
    m.refresh_from_db()
    assert (m.status, m.removal_ground) == ("removal_open", "correction")


def test_bad_requests_are_refused_and_nothing_is_saved(org, listed, tmp_path):
    m = listed("published")
    bad = [
        (dict(name="李\u202e四"), "name"),
        (dict(grounds="  "), "grounds"),
        (dict(phone="abc电话"), "phone"),
        (dict(files=[SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")]), "files"),
        (dict(files=[SimpleUploadedFile("empty.pdf", b"")]), "files"),
        (dict(files=[SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)]), "files"),
        (dict(channel="fax"), "channel"),
        (dict(channel="counter"), "channel"),  # a counter request needs its staff member
        (dict(submitted_by=org.clerk), "channel"),  # a portal request has none
    ]
    for kwargs, field in bad:
        args = dict(measure=m, name="李四", phone="", grounds="理由", channel="portal")
        args.update(kwargs)
        with pytest.raises(ValidationError) as exc:
            services.correction_submit(**args)
        assert field in exc.value.message_dict, (kwargs, exc.value.message_dict)
    assert not CorrectionRequest.objects.exists() and not CorrectionAttachment.objects.exists()
    with pytest.raises(PermissionDenied):  # another court's staff at the counter
        services.correction_submit(measure=m, name="李四", phone="", grounds="理由", channel="counter",
                                   submitted_by=org.outsider)


def test_repeat_request_is_refused_while_one_is_pending(org, listed):
    m = listed("published")
    services.correction_submit(measure=m, name="李四", phone="", grounds="理由", channel="portal")
    with pytest.raises(ValidationError):
        services.correction_submit(measure=m, name="李四", phone="", grounds="理由", channel="portal")
    assert CorrectionRequest.objects.count() == 1


def test_no_correction_of_a_measure_not_in_force(org, listed):
    m = listed("approved")
    with pytest.raises(ValidationError) as exc:
        services.correction_submit(measure=m, name="李四", phone="", grounds="理由", channel="portal")
    assert "measure" in exc.value.message_dict
