"""Existing cases' payment references (一案一账号) get their two ISO 7064 MOD 97-10 check digits.

``account_reference_for`` now issues body + check (``core.rules.payment_ref``); the references issued before carry the
body only. One set-based UPDATE computes the check digits in SQL (numeric arithmetic: 98 - body·100 mod 97, as
``payment_reference_check``) for every reference that is digits only; anything else (a reference typed by hand with
letters) is left as it is. The row history (pghistory) records each change like any other edit. Measured on a
million cases in bench/funds_ageing.py (docs/benchmarks.md).

Runs once (the migration framework records it); reversing strips the two digits again.
"""

from django.db import migrations

# Digits-only bodies short enough that body + 2 fits the column (max_length 32).
ADD_SQL = """
UPDATE cases_case
   SET account_reference = account_reference
       || lpad((98 - (account_reference || '00')::numeric %% 97)::int::text, 2, '0')
 WHERE account_reference ~ '^[0-9]{1,30}$'
"""
# Reverse: only references that carry valid check digits lose them.
STRIP_SQL = """
UPDATE cases_case
   SET account_reference = left(account_reference, length(account_reference) - 2)
 WHERE account_reference ~ '^[0-9]{3,32}$' AND account_reference::numeric %% 97 = 1
"""


def add_check_digits(connection) -> int:
    """Append the check digits to every digits-only reference; returns the number of cases changed."""
    with connection.cursor() as cursor:
        cursor.execute(ADD_SQL, [])
        return cursor.rowcount


def strip_check_digits(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute(STRIP_SQL, [])
        return cursor.rowcount


def forward(apps, schema_editor):
    add_check_digits(schema_editor.connection)


def backward(apps, schema_editor):
    strip_check_digits(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_party_email'),
    ]

    operations = [migrations.RunPython(forward, backward)]
