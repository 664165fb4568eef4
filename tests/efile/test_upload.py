"""Scan uploads: sniffed by content, checked, stored outside the web root by hash; bad files refused whole."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from efile import services, storage
from efile.models import FileItem, OcrStatus
from tests.conftest import login
from tests.efile.conftest import chinese_image, image_pdf, upload

pytestmark = pytest.mark.django_db


def _upload(org, case, name, data, *, user=None, title="查封笔录", section="investigation"):
    return services.scan_upload(user=user or org.officer, case=case, section=section, title=title,
                                upload=upload(name, data))


def _error(exc_info) -> str:
    return " ".join(exc_info.value.message_dict.get("file", []))


def test_pdf_scan_is_stored_outside_the_web_root_with_its_hash(org, make_case, settings, efile_root,
                                                              django_capture_on_commit_callbacks):
    import hashlib

    case = make_case()
    data = image_pdf(3)
    with django_capture_on_commit_callbacks() as callbacks:
        item = _upload(org, case, "扫描.pdf", data)
    assert len(callbacks) == 1  # the OCR task is queued after commit
    assert item.page_count == 3 and item.ocr_status == OcrStatus.QUEUED
    assert item.original_sha256 == hashlib.sha256(data).hexdigest() == item.sha256
    path = storage.absolute(item.path)
    assert path.read_bytes() == data
    assert efile_root in path.parents
    assert not str(path).startswith(str(settings.MEDIA_ROOT)) and not str(path).startswith(str(settings.STATIC_ROOT))
    assert item.section.code == "investigation"


@pytest.mark.parametrize("fmt,mime", [("PNG", storage.PNG), ("JPEG", storage.JPEG), ("TIFF", storage.TIFF)])
def test_images_become_pdfs(org, make_case, fmt, mime):
    import pikepdf

    case = make_case()
    item = _upload(org, case, f"photo.{fmt.lower()}", chinese_image("现场照片", fmt=fmt, size=(800, 600)))
    assert item.original_mime == mime
    with pikepdf.open(storage.absolute(item.path)) as pdf:
        assert len(pdf.pages) == 1
    assert item.sha256 != item.original_sha256


def test_zero_bytes_refused(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        _upload(org, case, "empty.pdf", b"")
    assert "empty.pdf" in _error(exc)
    assert not FileItem.objects.filter(case=case).exists()


def test_executable_renamed_pdf_refused(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        _upload(org, case, "notice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500)
    assert "PDF" in _error(exc)
    assert not FileItem.objects.filter(case=case).exists()
    assert not any(storage.root().rglob("*.pdf")) if storage.root().exists() else True


def test_truncated_pdf_refused(org, make_case):
    case = make_case()
    data = image_pdf(2)
    with pytest.raises(ValidationError) as exc:
        _upload(org, case, "cut.pdf", data[: len(data) // 2])
    assert "cut.pdf" in _error(exc)


def test_encrypted_pdf_refused(org, make_case):
    import pikepdf

    case = make_case()
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(image_pdf(1))) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret", R=6))
    with pytest.raises(ValidationError) as exc:
        _upload(org, case, "locked.pdf", out.getvalue())
    assert "locked.pdf" in _error(exc)


def test_too_many_pages_refused(org, make_case, settings):
    settings.EFILE_MAX_PAGES = 2
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        _upload(org, case, "long.pdf", image_pdf(3))
    assert "3" in _error(exc)


def test_oversized_upload_refused(org, make_case, settings):
    settings.EFILE_MAX_UPLOAD_BYTES = 2048
    case = make_case()
    with pytest.raises(ValidationError):
        _upload(org, case, "big.pdf", image_pdf(1))


def test_image_bomb_refused(org, make_case, settings):
    settings.EFILE_MAX_IMAGE_PIXELS = 100_000
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        _upload(org, case, "bomb.png", chinese_image("大", size=(1000, 1000)))
    assert "bomb.png" in _error(exc)


def test_same_scan_twice_is_refused_naming_the_first(org, make_case):
    case = make_case()
    data = image_pdf(1)
    _upload(org, case, "a.pdf", data, title="查封笔录")
    with pytest.raises(ValidationError) as exc:
        _upload(org, case, "b.pdf", data, title="另一份")
    assert "查封笔录" in _error(exc)
    assert FileItem.objects.filter(case=case).count() == 1


def test_control_characters_in_title_refused(org, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        _upload(org, case, "a.pdf", image_pdf(1), title="查封\u202e笔录")
    assert "title" in exc.value.message_dict


def test_officer_of_another_team_cannot_upload(org, make_case):
    case = make_case()
    with pytest.raises(PermissionDenied):
        _upload(org, case, "a.pdf", image_pdf(1), user=org.colleague)
    with pytest.raises(PermissionDenied):
        _upload(org, case, "a.pdf", image_pdf(1), user=org.finance)


def test_pages_other_team_and_other_court(client, org, make_case):
    case = make_case()
    item = _upload(org, case, "a.pdf", image_pdf(1))
    login(client, org.colleague)  # same court, other team: sees the case (court scope?) but may not file
    response = client.post(reverse("efile:upload", args=[case.pk]),
                           {"title": "x", "section": item.section_id, "file": upload("b.pdf", image_pdf(1))})
    assert response.status_code in (403, 404)
    login(client, org.outsider)  # another court: not found
    assert client.get(reverse("efile:case_file", args=[case.pk])).status_code == 404
    assert client.get(reverse("efile:item_pdf", args=[item.pk])).status_code == 404
    assert FileItem.objects.filter(case=case).count() == 1


def test_upload_page_double_submit_files_once(client, org, make_case):
    from core import idempotency

    case = make_case()
    login(client, org.officer)
    section = services.sections_for(case.court_id)[0]
    token = idempotency.new_token()
    data = image_pdf(1)
    for _ in range(2):
        response = client.post(reverse("efile:upload", args=[case.pk]),
                               {"title": "查封笔录", "section": section.pk, "form_token": token,
                                "file": upload("a.pdf", data)})
        assert response.status_code == 302
    assert FileItem.objects.filter(case=case).count() == 1
    page = client.get(reverse("efile:case_file", args=[case.pk]))
    assert "查封笔录" in page.content.decode()


def test_upload_page_shows_error_for_bad_file(client, org, make_case):
    case = make_case()
    login(client, org.officer)
    section = services.sections_for(case.court_id)[0]
    response = client.post(reverse("efile:upload", args=[case.pk]),
                           {"title": "查封笔录", "section": section.pk, "file": upload("x.pdf", b"not a pdf")})
    assert response.status_code == 400
    assert "x.pdf" in response.content.decode()
