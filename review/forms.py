"""Page forms of objections and reconsideration; the services validate again (dates, permissions, invariants)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import BootstrapMixin, DateInput
from cases.models import PartyKind
from core import fields
from core.idempotency import FormTokenField

from .models import ContestedKind, ObjectionKind, ReconsiderationOutcome, RulingOutcome, SessionKind


class ObjectionForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()
    kind = forms.ChoiceField(label=_("Kind of objection"), choices=ObjectionKind.choices)
    objector = forms.CharField(label=_("Objector"), max_length=200)
    objector_kind = forms.ChoiceField(label=_("Objector is"), choices=PartyKind.choices)
    objector_phone = forms.CharField(label=_("Objector's telephone"), max_length=40, required=False)
    contested_kind = forms.ChoiceField(label=_("Contested"), choices=ContestedKind.choices)
    disposal = forms.TypedChoiceField(label=_("Disposal"), coerce=int, required=False, empty_value=None)
    control = forms.TypedChoiceField(label=_("Control measure"), coerce=int, required=False, empty_value=None)
    asset = forms.TypedChoiceField(label=_("Asset"), coerce=int, required=False, empty_value=None)
    contested_act = forms.CharField(label=_("Contested act"), max_length=300, required=False)
    request = forms.CharField(label=_("Request"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    grounds = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                              required=False)
    received_on = fields.DateFormField(label=_("Written objection received on"), widget=DateInput())
    accepted_on = fields.DateFormField(label=_("Accepted on"), widget=DateInput())
    suspends = forms.BooleanField(label=_("Suspend the disposal of the contested asset"), required=False)
    suspension_reason = forms.CharField(label=_("Reason for the suspension"), max_length=300, required=False)
    team = forms.TypedChoiceField(label=_("Adjudication team"), coerce=int, empty_value=None)
    officer = forms.TypedChoiceField(label=_("Handling officer"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, case, teams, officers, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["disposal"].choices = blank + [(d.pk, f"{d.asset} · {d.get_status_display()}")
                                                   for d in case.disposals.select_related("asset").order_by("pk")]
        self.fields["control"].choices = blank + [(c.pk, f"{c.get_kind_display()} · {c.asset}")
                                                  for c in case.controls.select_related("asset").order_by("pk")]
        self.fields["asset"].choices = blank + [(a.pk, str(a)) for a in case.assets.order_by("pk")]
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]
        self.fields["officer"].choices = blank + [(u.pk, u.display_name) for u in officers]


class SessionForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    held_on = fields.DateFormField(label=_("Held on"), widget=DateInput())
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}),
                                   max_length=1000)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
                              required=False)
    minutes_file = forms.FileField(label=_("Minutes (PDF, JPEG or PNG)"), required=False)
    outcome = forms.CharField(label=_("Outcome"), max_length=300, required=False)


class RuleForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RulingOutcome.choices)
    ruled_on = fields.DateFormField(label=_("Ruled on"), widget=DateInput())
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


class DateOnlyForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()
    on = fields.DateFormField(label=_("Date"), widget=DateInput())


class SuitForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()
    filed_on = fields.DateFormField(label=_("Suit filed on"), widget=DateInput(), required=False)
    ended_on = fields.DateFormField(label=_("Suit ended on"), widget=DateInput(), required=False)


class LiftForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReconApplyForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()
    applicant = forms.CharField(label=_("Applicant"), max_length=200)
    applied_on = fields.DateFormField(label=_("Applied on"), widget=DateInput())


class ReconDecideForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReconsiderationOutcome.choices)
    decided_on = fields.DateFormField(label=_("Decided on"), widget=DateInput())
    higher_number = forms.CharField(label=_("Reconsideration case number"), max_length=40, required=False)


class KpiForm(BootstrapMixin, forms.Form):
    start = fields.DateFormField(label=_("Received from"), widget=DateInput())
    end = fields.DateFormField(label=_("Received until"), widget=DateInput())
    by = forms.ChoiceField(label=_("Per"), choices=[("team", _("Team")), ("officer", _("Officer")),
                                                   ("court", _("Court"))], required=False)
