"""Page forms of delegation. The services check everything again (the API and the pages get the same answers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Court, Team, User
from cases.forms import BootstrapMixin
from core import fields
from core.idempotency import FormTokenField

from .models import Kind, Outcome


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DelegationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Delegated step"), choices=Kind.choices)
    receiving_court = forms.ModelChoiceField(label=_("Receiving court"), queryset=Court.objects.none(),
                                             required=False, help_text=_("A court in the system."))
    external_court_name = forms.CharField(label=_("Or a court outside the system"), max_length=100, required=False)
    external_court_address = forms.CharField(label=_("Its address"), max_length=300, required=False)
    instructions = forms.CharField(label=_("What is asked"), widget=forms.Textarea(attrs={"rows": 4}))
    amount = forms.CharField(label=_("Amount to freeze or seize (yuan)"), max_length=20, required=False,
                             help_text=_("Only for a freeze or a seizure; at most the outstanding claim."))
    parties = forms.MultipleChoiceField(label=_("Parties concerned"), required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_("None chosen: every respondent."))
    papers = MultipleFileField(label=_("Papers (PDF or photos)"), required=False)
    form_token = FormTokenField()

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_court"].queryset = Court.objects.exclude(pk=case.court_id).order_by("code")
        self.fields["parties"].choices = [
            (str(cp.pk), f"{cp.get_role_display()} {cp.party.name}")
            for cp in case.case_parties.select_related("party").order_by("role", "position")]


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    form_token = FormTokenField()


class AcceptForm(BootstrapMixin, forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    officer = forms.ModelChoiceField(label=_("Handling officer"), queryset=User.objects.none(), required=False)
    form_token = FormTokenField()

    def __init__(self, *args, court_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(court_id=court_id).order_by("name")
        self.fields["officer"].queryset = (User.objects.filter(court_id=court_id, is_active=True,
                                                               roles__contains=["officer"])
                                           .order_by("full_name"))


class ReplyForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the work"), choices=Outcome.choices)
    result = forms.CharField(label=_("What was done (result)"), widget=forms.Textarea(attrs={"rows": 4}))
    answered_on = fields.DateFormField(label=_("Answered on"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    papers = MultipleFileField(label=_("Papers (PDF or photos)"), required=False)
    form_token = FormTokenField()


class EmptyForm(forms.Form):
    form_token = FormTokenField()
