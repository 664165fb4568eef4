"""The API: list scoped by the policy, upload (idempotent), reorder, search, volume build and download."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from efile import volume as volume_builder
from efile.models import ArchiveVolume, FileItem, OcrStatus
from tests.efile.conftest import close_case, image_pdf, upload

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_upload_list_reorder_search(org, make_case):
    case = make_case()
    officer = _client(org.officer)
    response = officer.post("/api/v1/efile-items/", {"case": case.pk, "section": "filing", "title": "立案审批表",
                                                     "file": upload("a.pdf", image_pdf(2))},
                            format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    again = officer.post("/api/v1/efile-items/", {"case": case.pk, "section": "filing", "title": "立案审批表",
                                                  "file": upload("a.pdf", image_pdf(2))},
                         format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    second = officer.post("/api/v1/efile-items/", {"case": case.pk, "section": "control", "title": "查封裁定",
                                                   "file": upload("b.pdf", image_pdf(1, "裁定"))}, format="multipart")
    assert second.status_code == 201
    assert FileItem.objects.filter(case=case).count() == 2
    listed = officer.get(f"/api/v1/efile-items/?case={case.pk}").json()["results"]
    assert [i["title"] for i in listed] == ["立案审批表", "查封裁定"]
    order = [[listed[1]["id"], listed[0]["section"]], [listed[0]["id"], listed[0]["section"]]]
    assert officer.post("/api/v1/efile-items/reorder/", {"case": case.pk, "order": order},
                        format="json").status_code == 200
    listed = officer.get(f"/api/v1/efile-items/?case={case.pk}").json()["results"]
    assert [i["title"] for i in listed] == ["查封裁定", "立案审批表"]
    FileItem.objects.filter(title="查封裁定").update(text="依法查封被执行人房产")
    found = officer.get("/api/v1/efile-items/?q=查封被执行人").json()["results"]
    assert [i["title"] for i in found] == ["查封裁定"]
    # another court's officer sees none of it
    outsider = _client(org.outsider)
    assert outsider.get(f"/api/v1/efile-items/?case={case.pk}").json()["results"] == []
    assert outsider.get(f"/api/v1/efile-items/{listed[0]['id']}/").status_code == 404


def test_bad_file_via_api_names_the_field(org, make_case):
    case = make_case()
    response = _client(org.officer).post("/api/v1/efile-items/", {
        "case": case.pk, "section": "filing", "title": "x", "file": upload("x.pdf", b"MZ\x90\x00")},
        format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_finance_cannot_upload_and_officer_cannot_archive(org, make_case):
    case = make_case()
    response = _client(org.finance).post("/api/v1/efile-items/", {
        "case": case.pk, "section": "filing", "title": "x", "file": upload("a.pdf", image_pdf(1))},
        format="multipart")
    assert response.status_code == 403
    assert _client(org.officer).post("/api/v1/efile-volumes/", {"case": case.pk}, format="json").status_code == 403


def test_volume_build_status_download(org, make_case, notice):
    case = make_case()
    notice(case)
    case = close_case(org, case)
    clerk = _client(org.clerk)
    created = clerk.post("/api/v1/efile-volumes/", {"case": case.pk}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "building"
    repeat = clerk.post("/api/v1/efile-volumes/", {"case": case.pk}, format="json")
    assert repeat.status_code == 200 and repeat.json()["id"] == created.json()["id"]
    volume_id = created.json()["id"]
    assert clerk.get(f"/api/v1/efile-volumes/{volume_id}/download/").status_code == 404  # not built yet
    volume_builder.build(volume_id)
    detail = clerk.get(f"/api/v1/efile-volumes/{volume_id}/").json()
    assert detail["status"] == "done" and detail["page_count"] >= 4 and len(detail["sha256"]) == 64
    pdf = clerk.get(f"/api/v1/efile-volumes/{volume_id}/download/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert _client(org.outsider).get(f"/api/v1/efile-volumes/{volume_id}/").status_code == 404
    assert ArchiveVolume.objects.filter(case=case).count() == 1
    assert FileItem.objects.filter(case=case, ocr_status=OcrStatus.NONE).count() == 1


def test_demo_seed_files_scans_and_archives_a_closed_case(org, make_case, notice):
    from types import SimpleNamespace

    from efile import demo

    open_case = make_case()
    closed = make_case()
    notice(closed)
    close_case(org, closed)
    fake_org = SimpleNamespace(court=org.court, staff={"clerk1": org.clerk})
    message = demo.seed(fake_org, seed=1, cases=10)
    assert "archived" in message
    assert FileItem.objects.filter(case=open_case, kind="scan").count() == 2
    closed.refresh_from_db()
    assert closed.stage == "archived"
    assert ArchiveVolume.objects.get(case=closed).status == "done"
    assert demo.seed(fake_org, seed=1, cases=10) == "already seeded"
