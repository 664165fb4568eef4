"""The per-debtor difference page's rows as plain display values, built in Python once per request.

The page shows up to a few hundred rows; rendering each cell with template tags (choice labels, money and date
filters, ``{% url %}``, ``{% translate %}``) cost most of its time. Here one query reads only the columns shown (as
tuples, no model instances), labels come from dictionaries translated once per request, money and dates through
``core.formats``, and the template only prints the ready strings."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from core import formats

from . import result_selectors as sel
from .models import InquiryRequest, ResultRow

FIELDS = ("pk", "status", "diff", "request__agency_kind", "asset_kind", "institution", "error", "account", "balance",
          "matched_asset_id", "matched_asset__description", "matched_asset__estimated_value", "accepted_asset_id",
          "accepted_asset__description", "accepted_asset__kind", "control_status", "control_measure",
          "control_amount", "control_until", "control_reason", "dismissed_at", "result_file_id")

BADGE = {"new": "text-bg-success", "changed": "text-bg-warning"}


@dataclass(frozen=True, slots=True)
class RowFacts:
    """What ``result_selectors.gone_assets`` needs of a row, without a model instance."""

    agency_kind: str
    result_file_id: int
    matched_asset_id: int | None
    accepted_asset_id: int | None


def _labels(model, name: str) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def debtor_rows_display(*, user, case, party_id: int, can_accept: bool, freezable: set[str],
                        form_token: str) -> tuple[list[dict], list[RowFacts], int]:
    """``(rows, facts, pending)``: a dict of ready cell strings per row, the facts for the gone assets, and how
    many rows may still be accepted (one query)."""
    values = (sel.debtor_rows_for_user(user=user, case=case, party_id=party_id)
              .values_list(*FIELDS))
    status_l, kind_l = _labels(ResultRow, "status"), _labels(ResultRow, "asset_kind")
    measure_l, control_l = _labels(ResultRow, "control_measure"), _labels(ResultRow, "control_status")
    agency_l = _labels(InquiryRequest, "agency_kind")
    diff_l = {"new": _("New"), "changed": _("Balance changed"), "same": _("Same")}
    l_control, l_register, l_accepted, l_until = _("Control result"), _("register"), _("Accepted"), _("until")
    accept_url = reverse("inquiry:row_accept", args=[0])
    assert accept_url.endswith("/0/accept/")
    accept_prefix = accept_url[: -len("0/accept/")]
    freeze_prefix = reverse("cases:detail", args=[case.pk]) + "?tab=assets#asset-"
    rows, facts, pending = [], [], 0
    for (pk, status, diff, agency, asset_kind, institution, error, account, balance, matched_id, matched_desc,
         matched_value, accepted_id, accepted_desc, accepted_kind, c_status, c_measure, c_amount, c_until, c_reason,
         dismissed_at, file_id) in values:
        facts.append(RowFacts(agency, file_id, matched_id, accepted_id))
        agency_text = agency_l.get(agency, agency)
        if asset_kind:
            agency_text = f"{agency_text} · {kind_l.get(asset_kind, asset_kind)}"
        inst = institution or "-"
        if error:
            inst = f"{inst} {error}"
        if c_status:
            control = f"{measure_l.get(c_measure, c_measure)} {control_l.get(c_status, c_status)}"
            if c_amount is not None:
                control += f" {formats.format_money(c_amount)}"
            if c_until:
                control += f" {l_until} {formats.zh_date(c_until)}"
            if c_reason:
                control += f" ({c_reason})"
        else:
            control = "-"
        if accepted_id:
            register = f"{l_accepted}: {accepted_desc}"
        else:
            register = matched_desc if matched_id else "-"
        row = {"pk": pk, "css": diff or status, "diff": diff,
               "badge": BADGE.get(diff, "text-bg-secondary"),
               "diff_label": diff_l.get(diff, l_control) if diff else status_l.get(status, status),
               "agency": agency_text, "institution": inst, "account": account or "-",
               "balance": "-" if balance is None else formats.format_money(balance),
               "register_value": (f"({l_register} {formats.format_money(matched_value)})"
                                  if diff == "changed" and matched_value is not None else ""),
               "register": register, "control": control, "freeze": None, "accept": None}
        if accepted_id:
            if can_accept and accepted_kind in freezable:
                row["freeze"] = (f"{freeze_prefix}{accepted_id}", accepted_id)
        elif status == "found" and dismissed_at is None:
            pending += 1
            if can_accept:
                row["accept"] = (f"{accept_prefix}{pk}/accept/", f"{form_token}-{pk}")
        rows.append(row)
    return rows, facts, pending
