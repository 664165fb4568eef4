"""Exports neutralise formula cells (CSV/formula injection, OWASP): a team or officer name typed as a formula is
shown as text in Excel/WPS, never run; real numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.text import spreadsheet_safe
from reports import engine
from reports.exports import response

from .helpers import bulk, case_row

PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tTAB",
            "\r=1+1", "|calc", "%0A=1"]


@pytest.mark.parametrize("value", PAYLOADS)
def test_formula_text_gets_a_leading_quote(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "-12.50", "-1,234.5", "12", "", None, 5, Decimal("-3.20"),
                                   date(2026, 1, 1)])
def test_plain_values_are_unchanged(value):
    assert spreadsheet_safe(value) == value


def test_csv_and_xlsx_neutralise_every_text_cell_and_keep_numbers():
    headers = ["=H", "n"]
    rows = [["=1+1", Decimal("-5.00")], ["@x", -3], ["-2+3", "-7"]]
    body = response(headers, rows, name="t", fmt="csv", title="=T").content.decode("utf-8-sig")
    got = list(csv.reader(io.StringIO(body)))
    assert got == [["'=H", "n"], ["'=1+1", "-5.00"], ["'@x", "-3"], ["'-2+3", "-7"]]
    ws = load_workbook(io.BytesIO(response(headers, rows, name="t", fmt="xlsx", title="=T").content)).active
    assert ws["A1"].value == "'=T" and ws["A2"].value == "'=H"
    assert ws["A3"].value == "'=1+1" and ws["A3"].data_type == "s"
    assert ws["B3"].value == Decimal("-5") or ws["B3"].value == -5
    assert ws["B3"].data_type == "n" and ws["B4"].data_type == "n"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_team_named_like_a_formula_is_exported_as_text(client, org):
    org.other_team.name = "=HYPERLINK(\"http://evil.example\",\"点我\")"
    org.other_team.save()
    bulk([case_row(court=org.court, filed_on=date(2025, 4, 2), team=org.other_team, officer=org.colleague)])
    engine.rollup_rebuild(org.court.pk)
    client.force_login(org.chief)
    q = {"period": "quarter", "start": "2025-04-01"}
    body = client.get(reverse("reports:export", args=["team", "csv"]), q).content.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(body)) for c in row]
    assert "'" + org.other_team.name in cells and org.other_team.name not in cells
    xlsx = client.get(reverse("reports:export", args=["team", "xlsx"]), q)
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
