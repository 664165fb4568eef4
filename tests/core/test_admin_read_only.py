"""The read-only, court-scoped admin (core.admin_base) of the records written only by services: the court
administrator sees their own court's rows and cannot add, change or delete; others do not see the module."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inquiry.models import AccessLog, InquiryBatch
from statements.models import Statement

pytestmark = pytest.mark.django_db


def _statement(court, n):
    return Statement.objects.create(court=court, account_number="27050201", format="csv", file_name=f"s{n}.csv",
                                    sha256=f"{n}" * 64)


def test_court_admin_sees_own_courts_statements_only_and_cannot_change(client, org):
    own, other = _statement(org.court, 1), _statement(org.other_court, 2)
    org.court_admin.is_staff = True
    org.court_admin.save(update_fields=["is_staff"])
    client.force_login(org.court_admin)
    listing = client.get(reverse("admin:statements_statement_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert reverse("admin:statements_statement_change", args=[own.pk]) in page
    assert reverse("admin:statements_statement_change", args=[other.pk]) not in page
    assert client.get(reverse("admin:statements_statement_change", args=[other.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("admin:statements_statement_add")).status_code == 403
    assert client.post(reverse("admin:statements_statement_delete", args=[own.pk]), {"post": "yes"}).status_code == 403
    assert Statement.objects.filter(pk=own.pk).exists()


def test_access_log_admin_needs_the_audit_permission(client, org):
    org.court_admin.is_staff = True
    org.court_admin.save(update_fields=["is_staff"])
    client.force_login(org.court_admin)  # court administrator: no inquiry.audit
    assert client.get(reverse("admin:inquiry_accesslog_changelist")).status_code == 403
    assert client.get(reverse("admin:inquiry_inquirybatch_changelist")).status_code == 200
    assert AccessLog.objects.count() == 0 and InquiryBatch.objects.count() == 0
