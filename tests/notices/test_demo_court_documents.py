"""In the seeded demo court the clerk can issue the 限制消费令 and the 失信 decision the president signs (the demo
seed sets every setting the documents need, core.court_setup): issued through the page, rendered by WeasyPrint."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Court, User
from cases.models import Case, CaseParty
from cases.services import action_log
from core.court_setup import check_court
from notices.models import IssuedDocument

SHOTS = Path(os.environ.get("DEMO_DOC_SHOTS", "/tmp/h4_demo_docs"))


def _png(pdf: bytes, name: str, tmp_path) -> Path:
    """The last page (the president's signature) as a PNG (pdftoppm), kept under DEMO_DOC_SHOTS for a look; the
    text must name the president."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "杨志远" in text.replace(" ", "")
    pages = text.count("\f") or 1
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(pages), "-l", str(pages), "-singlefile", str(path),
                    str(tmp_path / name)], check=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", SHOTS / f"{name}.png")
    return tmp_path / f"{name}.png"


def _issue(client, case, doc_type, addressee) -> IssuedDocument:
    response = client.post(reverse("notices:document_issue", args=[case.pk]), {
        "doc_type": doc_type, "addressee_key": f"party:{addressee.pk}",
        "issue_date": timezone.localdate().isoformat()})
    assert response.status_code == 302, response.content.decode()[:3000]
    return IssuedDocument.objects.get(case=case, doc_type=doc_type, addressee_key=f"party:{addressee.pk}")


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is not installed")
def test_demo_clerk_issues_the_consumption_order_and_the_dishonest_decision(db, client, tmp_path):
    call_command("seed_demo", "--cases", "40", "--seed", "7", verbosity=0)
    court = Court.objects.get(code="甘0503")
    assert check_court(court) == []
    clerk = User.objects.get(username="clerk1")
    team_ids = list(clerk.teams.values_list("pk", flat=True))
    debtor = (CaseParty.objects.filter(case__court=court, case__team_id__in=team_ids, role="respondent",
                                       case__closed_on__isnull=True, party__kind="person")
              .select_related("case", "party").order_by("case__pk").first())
    assert debtor is not None
    case = Case.objects.get(pk=debtor.case_id)
    client.force_login(clerk)
    page = client.get(reverse("notices:case_documents", args=[case.pk]) + "?doc_type=consumption_order")
    assert "president_name" not in page.content.decode() and "院长姓名未设置" not in page.content.decode()

    order = _issue(client, case, "consumption_order", debtor)
    pdf = client.get(reverse("notices:document_download", args=[order.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _png(pdf.content, "consumption_order", tmp_path).stat().st_size > 10_000

    officer = case.officer
    action_log(actor=officer, case=case, kind="dishonest_listing", occurred_on=timezone.localdate(),
               details={"party_ids": [debtor.pk], "measure": "list", "ground": "able_but_refuses",
                        "decision_number": ""})
    decision = _issue(client, case, "dishonest_decision", debtor)
    pdf = client.get(reverse("notices:document_download", args=[decision.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _png(pdf.content, "dishonest_decision", tmp_path).stat().st_size > 10_000
