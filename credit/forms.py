"""Page forms of the credit app (the services validate again: a form only shapes the input)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import BootstrapMixin, bootstrap
from core.idempotency import FormTokenField

from .models import DishonestGround, MeasureKind, PersonRole, RemovalGround, ServiceMethod

PERSON_ROWS = 3


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    case_party = forms.TypedChoiceField(label=_("Debtor"), coerce=int)
    ground = forms.ChoiceField(label=_("Ground of the listing"), required=False,
                               choices=[("", "—"), *DishonestGround.choices],
                               help_text=_("Listing only. Grounds (2)-(6) run 2 years from the decision."))
    extension_years = forms.TypedChoiceField(label=_("Extension (years)"), required=False, coerce=int, empty_value=0,
                                             choices=[(0, "—"), (1, "1"), (2, "2"), (3, "3")],
                                             help_text=_("Serious violent obstruction or several breaches only."))
    conduct = forms.CharField(label=_("Dishonest conduct"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Listing only: published on the national list and the public page."))
    reasons = forms.CharField(label=_("Reasons for the measure"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    obligation = forms.CharField(label=_("Obligation under the instrument"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("Left empty: the amount and the basis of the case."))
    performance = forms.CharField(label=_("Performance"), required=False, max_length=200,
                                  help_text=_("Left empty: from the amount recovered."))
    applied_on = forms.DateField(label=_("Applicant's application received on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Only if the applicant applied in writing: the court decides within 15 "
                                             "days of it."))
    form_token = FormTokenField()

    def __init__(self, *args, debtors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_party"].choices = [(cp.pk, f"{cp.party.name}（{cp.party.get_kind_display()}）")
                                             for cp in debtors]
        for i in range(1, PERSON_ROWS + 1):
            self.fields[f"person_{i}_name"] = forms.CharField(
                label=_("Person named %(n)s") % {"n": i}, required=False, max_length=100,
                help_text=_("A restriction on a unit only; left empty, the unit's legal representative is named.")
                if i == 1 else "")
            self.fields[f"person_{i}_id_number"] = forms.CharField(label=_("ID number"), required=False,
                                                                   max_length=40)
            self.fields[f"person_{i}_role"] = forms.ChoiceField(label=_("Position"), required=False,
                                                                choices=[("", "—"), *PersonRole.choices])
        bootstrap(self)  # after the person rows, so that they are styled too

    def persons(self) -> list[dict]:
        d = self.cleaned_data
        return [{"name": d[f"person_{i}_name"], "id_number": d[f"person_{i}_id_number"],
                 "role": d[f"person_{i}_role"]}
                for i in range(1, PERSON_ROWS + 1) if d.get(f"person_{i}_name")]


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    """Several files in one input (the service checks each: type, size, count)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiFileField, self).clean(d, initial) for d in data]
        return super().clean(data, initial)


class CorrectionForm(BootstrapMixin, forms.Form):
    """A request received at the counter."""

    name = forms.CharField(label=_("Requester"), max_length=100)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    relation = forms.CharField(label=_("Relation to the listed person"), required=False, max_length=60)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    grounds = forms.CharField(label=_("Grounds"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultiFileField(label=_("Supporting documents (photos or PDF)"), required=False)
    form_token = FormTokenField()


SERVICE_CHOICES = ServiceMethod.choices
REMOVAL_CHOICES = RemovalGround.choices
