"""Exports of the report tables: xlsx (openpyxl) and CSV in UTF-8 with a BOM, so Excel and WPS show Chinese headers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from core.text import spreadsheet_safe

from .kpis import KPI_BY_KEY, TABLE_KPIS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(entry, key: str):
    """A KPI as a spreadsheet value: counts as int, amounts and rates as Decimal (kept exact, never float)."""
    if not entry:
        return None
    value = entry.get("value")
    if value is None:
        return None
    kind = KPI_BY_KEY[key].kind
    if kind == "count":
        return int(value)
    return Decimal(str(value))


def _header(key: str) -> str:
    kpi = KPI_BY_KEY[key]
    return f"{kpi.label}（%）" if kpi.kind == "ratio" else str(kpi.label)


def table_rows(table: dict, group_title: str) -> tuple[list[str], list[list]]:
    keys = table["keys"]
    headers = [group_title] + [_header(k) for k in keys]
    rows = [[str(r["label"])] + [_cell(r["kpis"].get(k), k) for k in keys] for r in table["rows"]]
    rows.append([_("Total")] + [_cell(table["total"].get(k), k) for k in keys])
    return headers, rows


def headline_rows(current: dict, previous: dict, year_ago: dict) -> tuple[list[str], list[list]]:
    headers = [_("Indicator"), _("This period"), _("Previous period"), _("Same period last year"), _("Target (%)")]
    rows = []
    for key in current["keys"]:
        rows.append([_header(key), _cell(current["total"].get(key), key), _cell(previous["total"].get(key), key),
                     _cell(year_ago["total"].get(key), key), current["total"].get(key, {}).get("target")])
    return headers, rows


def ageing_rows(values: list[int]) -> tuple[list[str], list[list]]:
    from .report import ageing_labels

    return [_("Age"), _("Open cases")], [[label, v] for label, v in zip(ageing_labels(), values)]


def drilldown_rows(result) -> tuple[list[str], list[list]]:
    if result.kind == "cases":
        headers = [_("Case number"), _("Case type"), _("Filed on"), _("Closed on"), _("Closure mode"), _("Team"),
                   _("Officer"), _("Amount applied for"), _("Amount recovered")]
        rows = [[c.number, c.get_case_type_display(), c.filed_on, c.closed_on,
                 c.get_closure_mode_display() if c.closure_mode else "", str(c.team or ""), str(c.officer or ""),
                 c.amount_claimed, c.amount_recovered] for c in result.queryset.iterator(chunk_size=2000)]
        return headers, rows
    headers = [_("Case number"), pgettext("event record", "Record"), _("Date")]
    rows = []
    for r in result.queryset.iterator(chunk_size=2000):
        when = (getattr(r, "received_on", None) or getattr(r, "due_at", None) or getattr(r, "decided_at", None)
                or getattr(r, "occurred_on", None))
        if hasattr(when, "tzinfo") and getattr(when, "tzinfo", None):
            when = when.replace(tzinfo=None)
        rows.append([r.case.number, str(r), when])
    return headers, rows


def _plain(value):
    return "" if value is None else value


def response(headers: list[str], rows: list[list], *, name: str, fmt: str, title: str) -> HttpResponse:
    """The table as CSV or xlsx; every text cell goes through ``spreadsheet_safe`` (no formula runs on opening)."""
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # BOM: Excel and WPS then read UTF-8
        writer = csv.writer(buffer)
        writer.writerow([spreadsheet_safe(h) for h in headers])
        for row in rows:
            writer.writerow([spreadsheet_safe(_plain(v)) for v in row])
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = _("Report")[:31]
        ws.append([spreadsheet_safe(title)])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([spreadsheet_safe(h) for h in headers])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([spreadsheet_safe(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = max(12, len(str(header)) * 2 + 2)
        ws.freeze_panes = "B3"
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    from urllib.parse import quote

    filename = f"{name}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename=\"report.{fmt}\"; filename*=UTF-8''{quote(filename)}"
    return response


__all__ = ["TABLE_KPIS", "response", "table_rows", "headline_rows", "ageing_rows", "drilldown_rows"]
