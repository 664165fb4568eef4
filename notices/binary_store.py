"""Large PDFs into ``bytea`` columns without copies (used by the batch's join and labels, ``notices.batch``, and by
its chunk issuing, ``notices.batch_issue``; a module of its own so the two do not import each other)."""

from __future__ import annotations


def store_binary(model, *, pk: int, column: str, data: bytes) -> None:
    """Write a large PDF into a bytea column as a binary parameter (server-side binding). Through the ORM, psycopg's
    client-side binding would spell it out as an escaped literal inside the SQL text: twice its size, several copies
    (a 17 MB print file cost the worker process over 100 MB)."""
    import psycopg
    from django.db import connection

    table = model._meta.db_table
    field = model._meta.get_field(column).column
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f'UPDATE {table} SET "{field}" = %b WHERE id = %s', [data, pk])  # noqa: S608 - model names
