"""Page forms. They only shape input; the services validate the rules and their errors are put back on the fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import fields
from core.idempotency import FormTokenField
from core.rules.identifiers import IdKind

from .models import (
    ActionKind, BasisKind, CaseType, ClosureMode, LeadOutcome, LeadSource, ObligationKind, PartyKind, PartyRole,
    PetitionKind, Stage, Stream, SuspensionGround,
)


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget its Bootstrap class (no inline styles: the CSP forbids them)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput,)):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
                widget, forms.CheckboxSelectMultiple):
            css = "form-select"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            css = ""
        else:
            css = "form-control"
        if css:
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
        if isinstance(widget, forms.DateTimeInput):
            widget.input_type = "datetime-local"
    return form


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


def apply_errors(exc: ValidationError, form: forms.BaseForm, *, prefix_map: dict | None = None) -> None:
    """Put a service's ValidationError on the form: ``field`` goes on the field, anything else is non-field."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.error_dict.items():
        messages = [m for e in errors for m in e.messages]
        target, name = form, key
        if prefix_map:
            for prefix, handler in prefix_map.items():
                if key.startswith(prefix):
                    target, name = handler(key)
                    break
        if name == "__skip__":
            continue
        if target is not None and name in target.fields:
            for m in messages:
                target.add_error(name, m)
        else:
            form.add_error(None, [f"{m}" for m in messages])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class IntakeForm(BootstrapMixin, forms.Form):
    form_token = FormTokenField()  # a double submit registers one case (core.idempotency)
    case_type = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices, initial=CaseType.FIRST)
    received_on = fields.DateFormField(label=_("Application received on"), widget=DateInput())
    filed_on = fields.DateFormField(label=_("Filed on"), widget=DateInput(), required=False)
    non_litigation = forms.BooleanField(label=_("Non-litigation enforcement"), required=False)
    basis_kind = forms.ChoiceField(label=_("Basis kind"), choices=BasisKind.choices)
    basis_issuer = forms.CharField(label=_("Issued by"), max_length=100)
    basis_number = forms.CharField(label=_("Basis document number"), max_length=60,
                                   widget=forms.TextInput(attrs={"placeholder": "（2025）甘0503民初456号"}))
    basis_effective_on = fields.DateFormField(label=_("Effective on"), widget=DateInput())
    basis_due_on = fields.DateFormField(label=_("Performance deadline"), widget=DateInput(), required=False)
    cause = forms.CharField(label=_("Cause of action"), max_length=100, required=False)
    obligation_kind = forms.ChoiceField(label=_("Obligation"), choices=ObligationKind.choices)
    act_description = forms.CharField(label=_("Act to be performed"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    principal = fields.MoneyFormField(label=_("Principal"), max_digits=16, decimal_places=2, min_value=0, initial=0)
    interest_awarded = fields.MoneyFormField(label=_("Interest awarded"), max_digits=16, decimal_places=2, min_value=0,
                                          initial=0)
    litigation_costs = fields.MoneyFormField(label=_("Litigation costs"), max_digits=16, decimal_places=2, min_value=0,
                                          initial=0)
    other_amount = fields.MoneyFormField(label=_("Other amounts"), max_digits=16, decimal_places=2, min_value=0,
                                      initial=0)
    assets_known = forms.BooleanField(label=_("The applicant names assets"), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate with commas."))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    officer = forms.ModelChoiceField(label=_("Handling officer"), queryset=None, required=False)

    def __init__(self, *args, court=None, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Team, User

        self.fields["team"].queryset = Team.objects.filter(court=court, is_active=True)
        self.fields["officer"].queryset = User.objects.filter(court=court, is_active=True,
                                                              roles__contains=["officer"]).order_by("full_name")


class PartyForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    name = forms.CharField(label=pgettext_lazy("party", "Name"), max_length=200)
    id_kind = forms.ChoiceField(label=_("Identifier kind"), choices=[("", "—"), *IdKind.choices], required=False)
    id_number = forms.CharField(label=_("Identifier number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100, required=False)
    agent = forms.CharField(label=_("Agent ad litem"), max_length=100, required=False)
    agent_id_number = forms.CharField(label=_("Agent's ID number"), max_length=40, required=False)
    agent_phone = forms.CharField(label=_("Agent's mobile phone"), max_length=40, required=False)
    # Checked by the service (naming parties.N.email), so that page and API give the same message.
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    # Shown only when the identifier matches a record that says something else (see the register view).
    resolution = forms.ChoiceField(
        label=_("This identification number is already registered"), required=False, widget=forms.RadioSelect,
        choices=[("use_existing", _("Use the existing record")),
                 ("update", _("Correct the existing record to what I typed"))])
    resolution_reason = forms.CharField(label=_("Reason for the correction"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].widget.attrs["class"] = "form-check-input"
        self.conflict = None  # set by the view: the existing record next to what was typed


class PartyDetailsForm(BootstrapMixin, forms.Form):
    """A party's contact details, with the values the form showed (hidden) so that a concurrent edit of another
    field is kept and a concurrent edit of the same field is detected (cases.services.parties)."""

    phones = forms.CharField(label=_("Phones"), required=False, help_text=_("Separate with commas."))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False,
                               help_text=_("6 digits; printed on the envelope label."))
    orig_phones = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    orig_address = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    orig_legal_representative = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    orig_postcode = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)


PartyFormSet = forms.formset_factory(PartyForm, extra=0, min_num=1, validate_min=True)


class SearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Case number, party or ID number"), required=False)
    party = forms.CharField(label=_("Party name"), required=False)
    fuzzy = forms.BooleanField(label=_("Similar names"), required=False)
    id_number = forms.CharField(label=_("ID number"), required=False)
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=None, required=False)
    stage = forms.MultipleChoiceField(label=_("Stage"), choices=Stage.choices, required=False)
    stream = forms.ChoiceField(label=_("Stream"), choices=[("", "—"), *Stream.choices], required=False)
    tag = forms.CharField(label=_("Tag"), required=False)
    open_only = forms.BooleanField(label=_("Open cases only"), required=False)

    def __init__(self, *args, court=None, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["officer"].queryset = User.objects.filter(court=court, roles__contains=["officer"]).order_by(
            "full_name")


class ActionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=ActionKind.choices)
    occurred_on = fields.DateFormField(label=_("Date"), widget=DateInput())
    summary = forms.CharField(label=_("Note"), max_length=300, required=False,
                              help_text=_("Leave empty to use the generated summary."))
    attachments = forms.FileField(label=_("Photos or scans"), required=False,
                                  widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf",
                                                                         "capture": "environment"}))


class LeadForm(BootstrapMixin, forms.Form):
    description = forms.CharField(label=_("Lead"), widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices, initial=LeadSource.CONTACT_CARD)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    received_at = forms.DateTimeField(label=_("Received at"), required=False,
                                      widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M"))


class LeadHandleForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the check"), choices=[("", "—"), *LeadOutcome.choices])
    result = forms.CharField(label=_("What was done and found"), widget=forms.Textarea(attrs={"rows": 3}))


class PetitionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices)
    petitioner = forms.CharField(label=_("Petitioner"), max_length=100, required=False)
    received_on = fields.DateFormField(label=_("Received on"), widget=DateInput())
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))


class PetitionAnswerForm(BootstrapMixin, forms.Form):
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))
    answered_on = fields.DateFormField(label=_("Answered on"), widget=DateInput())


class SettlementForm(BootstrapMixin, forms.Form):
    signed_on = fields.DateFormField(label=_("Signed on"), widget=DateInput())
    terms = forms.CharField(label=_("Terms"), widget=forms.Textarea(attrs={"rows": 3}))
    pause_term = forms.BooleanField(label=_("Stay enforcement while it is performed"), required=False, initial=True)


class InstalmentForm(BootstrapMixin, forms.Form):
    due_on = fields.DateFormField(label=_("Due on"), widget=DateInput())
    amount = fields.MoneyFormField(label=_("Amount"), max_digits=16, decimal_places=2, min_value=0)


InstalmentFormSet = forms.formset_factory(InstalmentForm, extra=0, min_num=1, validate_min=True)


class InstalmentPayForm(BootstrapMixin, forms.Form):
    paid_on = fields.DateFormField(label=_("Paid on"), widget=DateInput())
    paid_amount = fields.MoneyFormField(label=_("Amount paid"), max_digits=16, decimal_places=2, min_value=0)


class BreachForm(BootstrapMixin, forms.Form):
    breached_on = fields.DateFormField(label=_("Breached on"), widget=DateInput())
    note = forms.CharField(label=_("Breach"), widget=forms.Textarea(attrs={"rows": 2}))


class ClosureForm(BootstrapMixin, forms.Form):
    mode = forms.ChoiceField(label=_("Closure mode"), choices=ClosureMode.choices)
    ground = forms.ChoiceField(label=_("Ground"), choices=(), required=False)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services.closures import GROUNDS

        choices = [("", "—")]
        for mode, grounds in GROUNDS.items():
            choices.append((ClosureMode(mode).label, list(grounds)))
        self.fields["ground"].choices = choices


class SuspensionForm(BootstrapMixin, forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=SuspensionGround.choices)
    reason = forms.CharField(label=_("Facts and reason"), widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.CharField(label=_("Officer's proposal"), widget=forms.Textarea(attrs={"rows": 2}),
                               required=False)


class ReturnForm(BootstrapMixin, forms.Form):
    return_reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(BootstrapMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s, Stage(s).label) for s in stages]


class AssignForm(BootstrapMixin, forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    officer = forms.ModelChoiceField(label=_("Handling officer"), queryset=None, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, court=None, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Team, User

        self.fields["team"].queryset = Team.objects.filter(court=court, is_active=True)
        self.fields["officer"].queryset = User.objects.filter(court=court, is_active=True,
                                                              roles__contains=["officer"]).order_by("full_name")


class StreamForm(BootstrapMixin, forms.Form):
    stream = forms.ChoiceField(label=_("Stream"), choices=Stream.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ResumeForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Ground for resuming"), widget=forms.Textarea(attrs={"rows": 2}))
    received_on = fields.DateFormField(label=_("Application received on"), widget=DateInput())
