"""Page forms of the inquiry app: shape only (the services decide)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Stage
from core.fields import DateFormField
from core.idempotency import FormTokenField

from .models import AccessAction, AgencyKind, Measure, Purpose

MEASURE_WORDS = {"冻结": Measure.FREEZE, "查封": Measure.SEIZE, "freeze": Measure.FREEZE, "seize": Measure.SEIZE}
SPLIT = re.compile(r"[\s,，;；]+")


class BatchForm(forms.Form):
    kinds = forms.MultipleChoiceField(label=_("Agencies"), choices=AgencyKind.choices,
                                      widget=forms.CheckboxSelectMultiple)
    case_numbers = forms.CharField(label=_("Case numbers (one a line)"), required=False, max_length=200_000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    stage = forms.ChoiceField(label=_("Or every case of mine in the stage"), required=False,
                              choices=[("", "-")] + [(s.value, s.label) for s in Stage
                                                     if s not in (Stage.ARCHIVED,)])
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices, initial=Purpose.REGULAR)
    document_number = forms.CharField(label=_("Document number (协助查询/冻结通知书)"), required=False, max_length=60)
    controls = forms.CharField(
        label=_("Freeze and seize instructions (one a line)"), required=False, max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Case number, debtor's identifier number or name, agency, 冻结 or 查封, amount; e.g. "
                    "（2026）甘0503执12号 620503198001011234 bank 冻结 50000"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    form_token = FormTokenField()

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kinds"].choices = [(k, AgencyKind(k).label) for k in kinds]

    def clean_case_numbers(self) -> list[str]:
        text = self.cleaned_data.get("case_numbers") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean_controls(self) -> list[tuple[int, list[str]]]:
        out = []
        for n, line in enumerate((self.cleaned_data.get("controls") or "").splitlines(), start=1):
            if line.strip():
                out.append((n, [p for p in SPLIT.split(line.strip()) if p]))
        return out


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    case_number = forms.CharField(label=_("Case number"), required=False, max_length=40)
    date_from = DateFormField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateFormField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", "-")] + list(AccessAction.choices))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data
