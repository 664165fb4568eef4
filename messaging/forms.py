"""Forms of the messaging pages: shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Audience, Channel


class TemplateForm(forms.Form):
    audience = forms.ChoiceField(label=_("Recipients"), choices=Audience.choices)
    enabled = forms.BooleanField(label=_("Send these messages"), required=False)
    subject = forms.CharField(label=pgettext_lazy("e-mail", "Subject"), required=False, max_length=200)
    body = forms.CharField(label=_("Text"), max_length=1000, widget=forms.Textarea(attrs={"rows": 6}))
    case = forms.IntegerField(label=_("Preview with case"), required=False, min_value=1)


class OptOutForm(forms.Form):
    address = forms.CharField(label=_("Mobile number or e-mail address"), max_length=254)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class CaseOptOutForm(forms.Form):
    case_party = forms.IntegerField(min_value=1)
    channel = forms.ChoiceField(choices=Channel.choices)
