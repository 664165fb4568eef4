from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Action, ActionAttachment, CaseEvent
from cases.services import action_log, attachment_add

from .conftest import log, network_details

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_each_measure_validates_its_own_fields(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        log(case, org.officer, "judicial_detention", {"person": "李四", "days": 20, "decision_number": "（2026）甘0503司惩1号",
                                                      "ground": "拒不履行"})
    assert "details.days" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        log(case, org.officer, "notice_served", {"method": "pigeon", "recipient": "李四"})
    assert {"details.method", "details.documents", "details.served_on"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        log(case, org.officer, "fine", {"person": "李四", "amount": "2000000", "decision_number": "x", "ground": "妨害"})
    assert "details.amount" in exc.value.message_dict
    assert not Action.objects.exists()


def test_logged_action_is_on_the_timeline_with_its_summary(org, make_case):
    case = make_case()
    action = log(case, org.officer, "network_query", network_details(found=["bank_deposit", "vehicle"]))
    assert action.details["results"]["bank_deposit"] == "found"
    assert "银行存款" in action.summary
    event = CaseEvent.objects.get(case=case, type="action_logged")
    assert event.parameters["action_id"] == action.pk


def test_future_dates_and_other_teams_are_refused(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        action_log(actor=org.officer, case=case, kind="other", occurred_on=timezone.localdate() + timedelta(days=1),
                   details={"description": "x"})
    assert "occurred_on" in exc.value.message_dict
    for user in (org.colleague, org.outsider, org.clerk):
        with pytest.raises(PermissionDenied):
            log(case, user, "other", {"description": "x"})


def test_consumption_restriction_and_dishonest_listing_set_the_partys_status(org, make_case):
    case = make_case()
    cp = case.case_parties.get(role="respondent")
    log(case, org.officer, "consumption_restriction", {"party_ids": [cp.pk], "measure": "impose"})
    log(case, org.officer, "dishonest_listing", {"party_ids": [cp.pk], "measure": "list", "ground": "evasion"})
    cp.refresh_from_db()
    today = timezone.localdate()
    assert cp.restricted_on == today and cp.dishonest_listed_on == today
    assert cp.dishonest_until == today.replace(year=today.year + 2) and cp.dishonest_ground == "3"
    with pytest.raises(ValidationError) as exc:
        log(case, org.officer, "consumption_restriction", {"party_ids": [cp.pk], "measure": "impose"})
    assert "details.party_ids" in exc.value.message_dict
    applicant = case.case_parties.get(role="applicant")
    with pytest.raises(ValidationError):
        log(case, org.officer, "consumption_restriction", {"party_ids": [applicant.pk], "measure": "impose"})


def test_attachments_accept_photos_and_pdfs_within_the_size_limit(org, make_case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    settings.ENF_ATTACHMENT_MAX_BYTES = 1024
    case = make_case()
    action = log(case, org.officer, "other", {"description": "现场照片"})
    att = attachment_add(actor=org.officer, action=action, upload=SimpleUploadedFile("现场.png", PNG, "image/png"))
    assert att.content_type == "image/png" and att.size == len(PNG)
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=org.officer, action=action,
                       upload=SimpleUploadedFile("x.exe", b"MZ" + b"\x00" * 50, "image/png"))
    assert "attachments" in exc.value.message_dict
    with pytest.raises(ValidationError):
        attachment_add(actor=org.officer, action=action,
                       upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000, "application/pdf"))
    assert ActionAttachment.objects.count() == 1


def test_a_failed_upload_leaves_no_file_behind(org, make_case, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    settings.ENF_ATTACHMENT_MAX_BYTES = 1024

    def stored_files():
        return sorted(p for p in tmp_path.rglob("*") if p.is_file())

    case = make_case()
    # The first photo is valid and is written to storage; the second is not a photo, so the whole action is
    # rolled back, and the first photo's file must go with it.
    with pytest.raises(ValidationError) as exc:
        action_log(actor=org.officer, case=case, kind="other", occurred_on=timezone.localdate(),
                   details={"description": "现场照片"},
                   attachments=[SimpleUploadedFile("现场1.png", PNG, "image/png"),
                                SimpleUploadedFile("病毒.exe", b"MZ" + b"\x00" * 50, "image/png")])
    assert "attachments" in exc.value.message_dict
    assert not Action.objects.filter(case=case).exists() and not ActionAttachment.objects.exists()
    assert stored_files() == []
    # A successful upload keeps its file; one refused afterwards (too many / too large) adds none.
    action = action_log(actor=org.officer, case=case, kind="other", occurred_on=timezone.localdate(),
                        details={"description": "现场照片"}, attachments=[SimpleUploadedFile("a.png", PNG, "image/png")])
    assert len(stored_files()) == 1
    with pytest.raises(ValidationError):
        attachment_add(actor=org.officer, action=action,
                       upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000, "application/pdf"))
    assert len(stored_files()) == 1 and ActionAttachment.objects.count() == 1


def test_attachment_is_served_only_to_those_who_may_see_the_case(org, make_case, client, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    case = make_case()
    action = log(case, org.officer, "other", {"description": "现场照片"})
    att = attachment_add(actor=org.officer, action=action, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "x"))
    url = f"/cases/attachments/{att.pk}/"
    client.force_login(org.officer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    client.force_login(org.colleague)
    assert client.get(url).status_code == 404
    client.force_login(org.outsider)
    assert client.get(url).status_code == 404
