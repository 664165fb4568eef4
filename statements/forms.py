from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.idempotency import FormTokenField

from .models import Direction, LineStatus
from .services import MAX_BYTES

ACCEPT = ".csv,.txt,.xls,.xlsx,.xml,.sta,.mt940,.940"


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Statement file"), help_text=_(
        "CSV or text (UTF-8 or GBK), Excel (xlsx, xls), MT940 or camt.053 (XML), as the bank's program exports it."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    form_token = FormTokenField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB: import a shorter period.")
                                        % {"mb": MAX_BYTES // (1024 * 1024)})
        return upload


class LineFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(LineStatus.choices))
    direction = forms.ChoiceField(label=_("Direction"), required=False,
                                  choices=[("", _("All"))] + list(Direction.choices))
