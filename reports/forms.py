"""Forms of the report pages (validation of input only; the services decide)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import Case

from .models import Campaign, PeriodKind
from .selectors import reportable_courts


class DateInput(forms.DateInput):
    input_type = "date"


class BootstrapMixin:
    """Bootstrap classes on every widget (the shared form_fields.html renders the fields)."""

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ReportRequestForm(BootstrapMixin, forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    start = forms.DateField(label=_("Any day in the period"), widget=DateInput)
    court = forms.ModelChoiceField(label=_("Court"), queryset=None)
    include_subordinates = forms.BooleanField(label=_("Include subordinate courts"), required=False)
    campaign = forms.ModelChoiceField(label=_("Special campaign"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        courts = reportable_courts(user=user)
        self.fields["court"].queryset = courts
        self.fields["court"].initial = user.court_id
        self.fields["campaign"].queryset = Campaign.objects.filter(court__in=courts)
        self._style()


class CampaignForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)

    def __init__(self, *args, instance_data: Campaign | None = None, **kwargs):
        if instance_data is not None:
            kwargs.setdefault("initial", {"name": instance_data.name, "description": instance_data.description,
                                          "starts_on": instance_data.starts_on, "ends_on": instance_data.ends_on})
        super().__init__(*args, **kwargs)
        self._style()


class CampaignCasesForm(BootstrapMixin, forms.Form):
    numbers = forms.CharField(label=_("Case numbers, one per line"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def case_ids(self, *, court) -> list[int]:
        numbers = [n.strip().replace("(", "（").replace(")", "）") for n in self.cleaned_data["numbers"].splitlines()]
        numbers = [n for n in numbers if n]
        found = dict(Case.objects.filter(court=court, number__in=numbers).values_list("number", "pk"))
        missing = [n for n in numbers if n not in found]
        if missing:
            raise ValidationError({"numbers": _("No such case at this court: %(numbers)s") % {
                "numbers": "、".join(missing)}})
        return list(found.values())
