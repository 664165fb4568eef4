from django import forms
from django.utils.translation import gettext_lazy as _

from core.idempotency import new_token

from .labels import ASSET_KIND_LABELS


class SignInForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=60,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
                                  help_text=_("As on the notice, e.g. （2026）甘0503执123号"))
    id_number = forms.CharField(label=_("Your ID number"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}),
                                help_text=_("The party's, or the agent's or lawyer's, ID card number"))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("One-time code"), max_length=12,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "pattern": "[0-9]*"}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the types and sizes are checked by the service, from the bytes)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class LeadForm(forms.Form):
    asset_kind = forms.ChoiceField(label=_("Kind of asset"), choices=list(ASSET_KIND_LABELS.items()))
    description = forms.CharField(label=_("What you know about the asset"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("Where it is, whose name it is in, any numbers or addresses"))
    files = MultipleFileField(label=_("Attachments (PDF, JPEG or PNG, at most 5, 10 MB each)"), required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, initial=new_token, required=False)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    form_token = forms.CharField(widget=forms.HiddenInput, initial=new_token, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    measure = forms.ChoiceField(label=_("Entry to correct"))
    grounds = forms.CharField(label=_("What is wrong and why"), max_length=6000,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("For example: the debt was paid on a given date, or the person listed is "
                                          "not you"))
    files = MultipleFileField(label=_("Evidence (PDF, JPEG or PNG, at most 5, 10 MB each)"), required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, initial=new_token, required=False)

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [
            (m.pk, f"{m.get_kind_display()}（{m.decided_on or ''}）") for m in measures]
