"""The document types through the issuing service (notices.services.document_issue): every type with an addressee
in a realistic case is issued, numbered, stored and reprinted unchanged."""

from __future__ import annotations

import pytest

from notices import documents

from .test_documents import (  # noqa: F401  (fixtures)
    ALL_CODES, case, court, flat, pdftotext, deposit, everything, freeze, house, listed, payout, released, seizure, wages,
)


@pytest.mark.slow
def test_every_type_issues_through_the_register(everything, org, tmp_path):
    from notices.services import document_issue

    case = everything
    issued = {}
    for code in ALL_CODES:
        doc = documents.get(code)
        addressees = doc.addressees(case)
        if not addressees:
            assert doc.unavailable(case), code
            continue
        document = document_issue(user=org.officer, case=case, doc_type=code, addressee_key=addressees[0].key)
        assert document.number and document.pages >= 1 and len(document.sha256) == 64, code
        again = document_issue(user=org.officer, case=case, doc_type=code, addressee_key=addressees[0].key)
        assert again.pk == document.pk, code
        issued[code] = document
    assert set(issued) >= {"acceptance_notice", "enforcement_notice", "asset_report_order", "consumption_order",
                           "dishonest_decision", "assist_bank", "assist_registry", "assist_employer",
                           "control_ruling", "release_ruling", "risk_notice", "payout_notice", "payout_receipt"}
    # The register's number is the one printed under the title.
    from notices.models import DocumentFile

    for code in ("control_ruling", "enforcement_notice"):
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(bytes(DocumentFile.objects.get(document=issued[code]).pdf))
        assert flat(issued[code].number) in flat(pdftotext(path)), code
    # A seizure/freeze ruling carries the ruling number recorded on its measure, the one the assistance notices to
    # banks and registries cite; the register still numbers it in its own gapless series.
    from assets.models import ControlMeasure

    ruling = issued["control_ruling"]
    measure = ControlMeasure.objects.get(pk=int(ruling.addressee_key.split(":")[1]))
    assert ruling.number == measure.ruling_number
    assert ruling.serial >= 1
