"""The case's payment reference (一案一账号) carries ISO 7064 MOD 97-10 check digits: new cases get them at
registration, the data migration adds them to the existing references, the case page and the API show them."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import connection
from django.urls import reverse

from cases.models import Case
from cases.services.registration import account_reference_for
from core.rules.payment_ref import format_payment_reference, is_valid_payment_reference, payment_reference
from tests.conftest import login

migration = importlib.import_module("cases.migrations.0010_payment_reference_check")


def test_new_cases_get_a_valid_reference(org, make_case):
    first, second = make_case(), make_case()
    for case in (first, second):
        assert is_valid_payment_reference(case.account_reference) and len(case.account_reference) == 19
    assert first.account_reference[:17] == "62050320261000001" and second.account_reference[:17] == "62050320261000002"
    assert account_reference_for(court=org.court, year=2026, case_type="执", serial=2) == second.account_reference


def test_the_migration_appends_the_check_digits_to_existing_references(org, make_case):
    cases = [make_case() for _ in range(3)]
    bodies = ["62050320261000001", "62050320261000002", "00000000000000123"]
    for case, body in zip(cases, bodies, strict=True):
        Case.objects.filter(pk=case.pk).update(account_reference=body)  # as issued before the check digits
    typed = make_case()
    Case.objects.filter(pk=typed.pk).update(account_reference="T1000000009")  # letters: left as it is
    history_before = apps.get_model("cases", "CaseHistory").objects.count()

    assert migration.add_check_digits(connection) == 3
    got = dict(Case.objects.filter(pk__in=[c.pk for c in cases + [typed]]).values_list("pk", "account_reference"))
    assert [got[c.pk] for c in cases] == [payment_reference(b) for b in bodies]
    assert all(is_valid_payment_reference(got[c.pk]) for c in cases)
    assert got[cases[2].pk] == "00000000000000123" + payment_reference("00000000000000123")[-2:]  # leading zeros kept
    assert got[typed.pk] == "T1000000009"
    # the row history records each change
    assert apps.get_model("cases", "CaseHistory").objects.count() == history_before + 3

    # Reversing the migration strips them again (only from references that carry valid ones).
    assert migration.strip_check_digits(connection) == 3
    got = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "account_reference"))
    assert [got[c.pk] for c in cases] == bodies


def test_the_sql_check_digits_equal_the_python_ones(db):
    """The migration computes 98 - body·100 mod 97 in PostgreSQL numeric arithmetic: same digits as Python for
    bodies up to 30 digits (the column's width less two)."""
    bodies = ["1", "9" * 30, "62050320261000001", "00012", "10000000000000000000000000000"]
    with connection.cursor() as cursor:
        for body in bodies:
            cursor.execute("SELECT lpad((98 - (%s || '00')::numeric %% 97)::int::text, 2, '0')", [body])
            assert body + cursor.fetchone()[0] == payment_reference(body)


def test_case_page_shows_the_reference_and_the_instruction(client, org, make_case):
    case = make_case()
    grouped = format_payment_reference(case.account_reference)
    for user in (org.officer, org.clerk, org.finance):
        login(client, user)
        body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert grouped in body and f'id="payment-reference-plain">{case.account_reference}<' in body
        assert f"汇款时请在附言中注明：{grouped}" in body


def test_api_gives_the_reference_plain_and_grouped(org, make_case):
    from rest_framework.test import APIClient

    case = make_case()
    client = APIClient()
    client.force_authenticate(org.officer)
    data = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert data["account_reference"] == case.account_reference
    assert data["account_reference_display"] == format_payment_reference(case.account_reference)
    assert is_valid_payment_reference(data["account_reference_display"].replace(" ", ""))
