"""The pages: the case tab, the proposal form (a double submit makes one), the steps, corrections, the register."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from credit.models import CorrectionRequest, CreditMeasure

from .conftest import debtor

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_propose_form_twice_is_one(client, org, credit_case):
    client.force_login(org.officer)
    url = reverse("credit:propose", args=[credit_case.pk])
    page = client.get(url + "?kind=dishonest").content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    data = {"kind": "dishonest", "case_party": debtor(credit_case).pk, "ground": "1", "extension_years": "0",
            "conduct": "有履行能力而拒不履行", "reasons": "经调查有收入", "form_token": token}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert CreditMeasure.objects.filter(case=credit_case).count() == 1


def test_propose_form_shows_the_error_on_its_field(client, org, credit_case):
    client.force_login(org.officer)
    url = reverse("credit:propose", args=[credit_case.pk])
    r = client.post(url, {"kind": "dishonest", "case_party": debtor(credit_case).pk, "ground": "",
                          "extension_years": "0", "conduct": "x", "reasons": "y"})
    assert r.status_code == 200 and 'data-field="ground"' in r.content.decode()
    assert not CreditMeasure.objects.exists()


def test_steps_through_the_pages(client, org, listed):
    m = listed("proposed")
    client.force_login(org.officer)
    assert 'id="btn-approve"' not in client.get(reverse("credit:detail", args=[m.pk])).content.decode()
    assert client.post(reverse("credit:approve", args=[m.pk])).status_code == 403
    client.force_login(org.chief)
    page = client.get(reverse("cases:detail", args=[m.case_id]) + "?tab=credit").content.decode()
    assert f'data-measure="{m.pk}"' in page
    assert 'id="btn-approve"' in client.get(reverse("credit:detail", args=[m.pk])).content.decode()
    for name, data in (("approve", {}), ("decide", {"document_number": ""}), ("serve", {"method": "direct"})):
        assert client.post(reverse(f"credit:{name}", args=[m.pk]), data).status_code == 302
    client.force_login(org.clerk)
    client.post(reverse("credit:publish", args=[m.pk]))
    m.refresh_from_db()
    assert m.status == "published" and m.document_number == m.case.number
    client.force_login(org.colleague)  # another team's officer cannot even see it
    assert client.get(reverse("credit:detail", args=[m.pk])).status_code == 404


def test_counter_correction_with_a_file(client, org, listed):
    m = listed("published")
    client.force_login(org.clerk)
    url = reverse("credit:correction_new", args=[m.pk])
    page = client.get(url).content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    data = {"name": "李四", "phone": "13900000000", "relation": "本人", "received_on": timezone.localdate().isoformat(),
            "grounds": "已履行", "form_token": token}
    r = client.post(url, {**data, "files": [SimpleUploadedFile("收据.pdf", PDF)]})
    assert r.status_code == 302, r.content.decode()[:2000]
    req = CorrectionRequest.objects.get()
    assert req.channel == "counter" and req.submitted_by == org.clerk and req.attachments.count() == 1
    detail = client.get(r["Location"]).content.decode()
    assert "收据.pdf" in detail
    r = client.post(url, {**data, "name": "王五", "form_token": "x" * 32,
                          "files": [SimpleUploadedFile("a.exe", b"MZ\x90")]})
    assert r.status_code == 200 and 'data-field="files"' in r.content.decode()
    assert CorrectionRequest.objects.count() == 1  # the bad file saved nothing


def test_lists_render(client, org, listed):
    listed("published")
    client.force_login(org.chief)
    for name in ("credit:list", "credit:approvals", "credit:removals", "credit:corrections", "credit:register"):
        assert client.get(reverse(name)).status_code == 200, name


def _unstyled_controls(html: str) -> list[str]:
    import re

    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    return [c for c in controls if 'type="hidden"' not in c and not re.search(r'class="[^"]*form-', c)]


def test_the_forms_fit_a_phone_every_control_styled(client, org, listed, credit_case):
    """Bootstrap's form classes make each control as wide as the screen: an unstyled select with long choices
    pushed the proposal page past a phone's width (519 px at 390)."""
    client.force_login(org.officer)
    page = client.get(reverse("credit:propose", args=[credit_case.pk]) + "?kind=restriction").content.decode()
    assert 'name="person_1_role"' in page and _unstyled_controls(page) == []
    m = listed("published")
    client.force_login(org.clerk)
    page = client.get(reverse("credit:correction_new", args=[m.pk])).content.decode()
    assert 'name="grounds"' in page or "<textarea" in page
    assert _unstyled_controls(page) == []
