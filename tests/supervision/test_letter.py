"""The 督办函 (notices.documents.supervision_letter): issued from the order's page and the API by the ordering side
only, once per order and round, printed right (pdftotext), in the case's register, timeline and e-file, and signed by
the chief by default."""

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import CaseEvent
from efile.models import FileItem
from notices import documents
from notices.documents.supervision_letter import authorize, letter_number
from notices.models import DocumentFile, IssuedDocument
from notices.pdf import cn
from notices.services import document_correct, document_issue
from supervision import services
from tests.conftest import login

pytestmark = pytest.mark.django_db
SHOTS = Path("/work/wt/shots/h8")


def _open(org, case, actor, days=10):
    return services.order_open(actor=actor, case=case, instructions="请于十日内查明被执行人名下车辆下落并依法扣押",
                               reply_due=timezone.localdate() + timedelta(days=days))


def _key(order):
    return f"supervision:{order.pk}:{order.round}"


def _text(document, tmp_path, name="letter") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(bytes(DocumentFile.objects.get(document=document).pdf))
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def _post(client, order, token):
    return client.post(reverse("notices:supervision_letter", args=[order.pk]), {"form_token": token})


def test_superior_chief_issues_it_from_the_order_page_once(client, org, case, tmp_path):
    order = _open(org, case, org.supervisor)
    login(client, org.supervisor)
    page = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    assert 'id="letter-submit"' in page
    # a double click (same form token), then a second click from a reloaded page: one letter
    for t in (token, token, "another-token-123456"):
        assert _post(client, order, t).status_code == 302
    document = IssuedDocument.objects.get(doc_type="supervision_letter")
    assert (document.case_id, document.addressee_key, document.issued_by) == (case.pk, _key(order), org.supervisor)
    year = timezone.localdate().year
    assert document.number == f"（{year}）甘05执督1号"
    text = _text(document, tmp_path)
    for item in ("甘肃省天水市中级人民法院", "督办函", f"（{year}）甘05执督1号", "天水市麦积区人民法院执行局：", case.number,
                 "申请执行人张三与被执行人天水示例建材有限公司", "请于十日内查明被执行人名下车辆下落并依法扣押",
                 f"请于{cn.zh_date(order.reply_due)}前将办理情况及结果书面报告本院", "最高人民法院关于执行案件督办工作的规定",
                 "联系人：刘振华", cn.zh_date(timezone.localdate())):
        assert item in text, item
    # the case's timeline and e-file
    event = CaseEvent.objects.get(case=case, type="document_issued")
    assert event.parameters["doc_type"] == "supervision_letter" and event.parameters["number"] == document.number
    assert "督办函" in event.summary
    assert FileItem.objects.filter(case=case, source_key=f"notices.IssuedDocument:{document.pk}").count() == 1
    # the page now links the letter and offers no second one for this round
    page = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    assert reverse("notices:document_download", args=[document.pk]) in page and 'id="letter-submit"' not in page
    assert client.get(reverse("notices:document_download", args=[document.pk])).status_code == 200
    # a look at the print (GB/T 9704 layout like the other letters)
    png = tmp_path / "letter"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "letter.pdf"), str(png)],
                   check=True)
    page_png = next(tmp_path.glob("letter*.png"))
    assert page_png.stat().st_size > 5000
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        shutil.copy(page_png, SHOTS / "supervision_letter.png")


def test_who_may_issue_it(client, org, case, make_case):
    order = _open(org, case, org.supervisor)
    # the case's officer holds NOTICE_ISSUE on the case, the lower court's chief sees the order: neither is the
    # ordering side; the sibling court's chief does not even see the order
    for user in (org.officer, org.chief, org.other_chief):
        with pytest.raises(PermissionDenied):
            document_issue(user=user, case=case, doc_type="supervision_letter", addressee_key=_key(order))
    login(client, org.officer)
    assert _post(client, order, "tok-officer-000001").status_code == 403
    login(client, org.chief)
    assert _post(client, order, "tok-chief-0000001").status_code == 403
    assert 'id="letter-submit"' not in client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    login(client, org.other_chief)
    assert _post(client, order, "tok-sibling-00001").status_code == 404
    assert not IssuedDocument.objects.exists()
    # a key that is not an order of this case, or a malformed one: refused before anything is read
    other_order = _open(org, make_case(), org.supervisor)
    for key in (_key(other_order), "supervision:x:1", "party:1", ""):
        with pytest.raises(PermissionDenied):
            authorize(org.supervisor, case, key)
    # the orderer may
    document = document_issue(user=org.supervisor, case=case, doc_type="supervision_letter", addressee_key=_key(order))
    assert not document.reprint
    # nor may the case's officer correct it (NOTICE_ISSUE on the document is not enough)
    with pytest.raises(PermissionDenied):
        document_correct(user=org.officer, document=document, reason="改")
    assert IssuedDocument.objects.count() == 1


def test_api_issue(org, case):
    order = _open(org, case, org.supervisor)
    body = {"case": case.pk, "doc_type": "supervision_letter", "addressee_key": _key(order)}
    api = APIClient()
    api.force_authenticate(org.officer)
    assert api.post("/api/v1/documents/", body, format="json").status_code == 403
    api.force_authenticate(org.other_chief)
    assert api.post("/api/v1/documents/", body, format="json").status_code == 404
    assert not IssuedDocument.objects.exists()
    api.force_authenticate(org.supervisor)
    created = api.post("/api/v1/documents/", body, format="json")
    assert created.status_code == 201, created.content
    again = api.post("/api/v1/documents/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    # the document types of the case offer it with the order's key
    types = api.get(f"/api/v1/document-types/?case={case.pk}").json()
    entry = next(t for t in types if t["code"] == "supervision_letter")
    assert [a["key"] for a in entry["addressees"]] == [_key(order)]


def test_own_court_order_a_new_letter_per_round(org, case, tmp_path):
    """A bureau chief's order on a case of their own court goes to the team; a reopened order gets its own letter,
    numbered 之二; the first round's is no longer offered."""
    order = _open(org, case, org.chief)
    first = document_issue(user=org.chief, case=case, doc_type="supervision_letter", addressee_key=_key(order))
    text = _text(first, tmp_path, "first")
    assert "执行实施一组：" in text and "报告执行局" in text and "督办工作的规定" not in text
    assert first.number.startswith(f"（{timezone.localdate().year}）甘0503执督")
    doc_type = documents.get("supervision_letter")
    services.order_reply(actor=org.officer, order=order, reply="已扣押车辆")
    assert doc_type.addressees(case) == [] and doc_type.unavailable(case)
    services.order_reopen(actor=org.chief, order=order, instructions="请补充扣押清单", reply_due=timezone.localdate()
                          + timedelta(days=5))
    order.refresh_from_db()
    assert [a.key for a in doc_type.addressees(case)] == [_key(order)]
    with pytest.raises(ValidationError):  # the first round's letter is not offered again
        document_issue(user=org.chief, case=case, doc_type="supervision_letter",
                       addressee_key=f"supervision:{order.pk}:9")
    second = document_issue(user=org.chief, case=case, doc_type="supervision_letter", addressee_key=_key(order))
    assert second.pk != first.pk and second.number == first.number + "之二"
    text = _text(second, tmp_path, "second")
    assert "继续督办" in text and "请补充扣押清单" in text


def test_signed_by_the_chief_by_default():
    from signing import rules

    assert rules.default("supervision_letter") == (True, ("chief",))


@pytest.mark.parametrize("court_id,number,serial", [(7, "DB20260070003", 3), (1050, "DB202610500001", 1),
                                                    (12, "DB202601210000", 10000)])
def test_letter_number_reads_the_serial_whatever_the_court_ids_width(court_id, number, serial):
    """Court ids past 999 take four digits in the order number: the serial is what follows the court's own id."""
    from types import SimpleNamespace

    order = SimpleNamespace(number=number, court_id=court_id, round=1, court=SimpleNamespace(code="甘05"))
    assert services.number_parts(number, court_id) == ("2026", serial)
    assert letter_number(order) == f"（2026）甘05执督{serial}号"
    assert letter_number(SimpleNamespace(**{**vars(order), "round": 2})) == f"（2026）甘05执督{serial}号之二"


def test_the_next_order_number_follows_serial_10000(org, case):
    from supervision.models import SupervisionOrder

    first = _open(org, case, org.supervisor)
    head = first.number[:-4]
    SupervisionOrder.objects.filter(pk=first.pk).update(number=f"{head}9999")
    second = _open(org, case, org.supervisor)
    assert second.number == f"{head}10000"
    assert _open(org, case, org.supervisor).number == f"{head}10001"  # not 10000 again: "9999" sorts after "10000"


def test_the_next_order_number_reads_only_this_courts_numbers(org, case):
    """Court 100's head DB2026100 is also the start of court 1000's numbers: they must not be read as its own."""
    from supervision.models import SupervisionOrder

    first = _open(org, case, org.supervisor)
    head = first.number[:-4]
    other = _open(org, case, org.supervisor)
    assert other.court_id != org.court.pk
    # as a court with a longer id would number it
    SupervisionOrder.objects.filter(pk=other.pk).update(number=f"{head}00099", court_id=org.court.pk)
    assert _open(org, case, org.supervisor).number == f"{head}0002"
