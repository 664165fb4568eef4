"""PDF columns are stored without a compression attempt (notices migration 0004): PDFs are compressed already, and
pglz spent server CPU on every one without keeping any compressed."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_pdf_columns_are_stored_external_and_a_stored_pdf_reads_back_whole(org, make_case):
    with connection.cursor() as cursor:
        cursor.execute("""SELECT attrelid::regclass::text, attname, attstorage FROM pg_attribute
                          WHERE attname IN ('pdf', 'labels_pdf') AND attrelid::regclass::text LIKE 'notices_%%'""")
        storage = {(table, column): kind for table, column, kind in cursor.fetchall()}
    assert storage == {("notices_documentfile", "pdf"): "e", ("notices_batchpart", "pdf"): "e",
                       ("notices_batchjob", "pdf"): "e", ("notices_batchjob", "labels_pdf"): "e"}

    import hashlib

    from notices.models import DocumentFile
    from notices.services import document_issue

    org.court.phone = "0938-2712345"
    org.court.save(update_fields=["phone"])
    case = make_case()
    from notices.documents import get

    key = get("enforcement_notice").addressees(case)[0].key
    document = document_issue(user=org.clerk, case=case, doc_type="enforcement_notice", addressee_key=key)
    pdf = bytes(DocumentFile.objects.get(document=document).pdf)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == document.sha256 and len(pdf) == document.size
