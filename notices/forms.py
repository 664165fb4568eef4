"""Forms of the notices pages: they check shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import PartyRole

from . import documents


def _types_choices():
    return [("", _("Choose a document"))] + [(t.code, f"{t.title} · {t.label}") for t in documents.all_types()]


class TypeChoiceForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = _types_choices()


class IssueForm(forms.Form):
    doc_type = forms.CharField(widget=forms.HiddenInput)
    addressee_key = forms.ChoiceField(label=_("Addressee"), choices=())
    issue_date = forms.DateField(label=_("Date on the document"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, addressees=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A party's role is shown in words (被执行人), not as its code; banks, registries and employers need none.
        roles = dict(PartyRole.choices)
        self.fields["addressee_key"].choices = [(a.key, a.name + (f" ({roles[a.role]})" if a.role in roles else ""))
                                                for a in addressees]


class CorrectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RegisterFilterForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document"), required=False, choices=())
    number = forms.CharField(label=_("Document number"), required=False, max_length=80)
    case_number = forms.CharField(label=_("Case number"), required=False, max_length=40)
    serial = forms.IntegerField(label=_("Register serial"), required=False, min_value=1)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    date_from = forms.DateField(label=_("Issued from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Issued until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [("", _("All documents"))] + [
            (t.code, t.title) for t in documents.all_types()]


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(label=_("PDF file to compare"))


class TemplateOverrideForm(forms.Form):
    source = forms.CharField(label=_("Template source"), widget=forms.Textarea(attrs={"rows": 28}), strip=False)
    active = forms.BooleanField(label=_("Use this template for new documents"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
