import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Court
from accounts.policy import Perm, has_perm

from .court_settings import registry
from .court_setup import report_court_setup
from .models import CourtSetting


def _choice_label(key: str, setting) -> str:
    # The help texts are notes for developers (English, with legal references): the label, or the key, is shown.
    return f"{setting.label}（{key}）" if setting.label else key


class CourtSettingForm(forms.ModelForm):
    """The value is typed as plain text: a name as it is (杨志远), a number as digits, yes/no as true/false, a list
    as JSON; it is checked against the setting's type and rules (``Setting.clean``)."""

    key = forms.ChoiceField(choices=(), label=gettext_lazy("setting"))
    value = forms.CharField(label=gettext_lazy("value"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = CourtSetting
        fields = ("court", "key", "value")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        settings = registry()
        self.fields["key"].choices = [(k, _choice_label(k, s)) for k, s in
                                      sorted(settings.items(), key=lambda kv: (not kv[1].needed_by, kv[0]))]
        if self.instance.pk and self.instance.value is not None:
            value = self.instance.value
            self.initial["value"] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def clean(self):
        data = super().clean()
        setting = registry().get(data.get("key", ""))
        text = (data.get("value") or "").strip()
        if setting is None:
            return data
        if setting.kind is str:
            value = text
        else:
            try:
                value = json.loads({"是": "true", "否": "false"}.get(text, text))
            except ValueError:
                self.add_error("value", _("%(label)s: enter a value of the right kind (a number, true or false, "
                                          "or a list in JSON).") % {"label": setting.name})
                return data
        if setting.needed_by and value == "":
            self.add_error("value", _("Enter %(label)s.") % {"label": setting.name})
            return data
        try:
            setting.clean(value)
        except ValidationError as exc:
            self.add_error("value", exc.messages)
            return data
        data["value"] = value  # stored as typed (JSON): ``get`` parses it on every read
        return data


@admin.register(CourtSetting)
class CourtSettingAdmin(admin.ModelAdmin):
    form = CourtSettingForm
    list_display = ("court", "setting_label", "value_display", "changed_by", "updated_at")
    list_filter = ("court",)
    # No search box: a court has a few dozen settings at most, and administrators know them by label, not by key.

    @admin.display(description=gettext_lazy("setting"), ordering="key")
    def setting_label(self, obj):
        setting = registry().get(obj.key)
        return _choice_label(obj.key, setting) if setting else obj.key

    @admin.display(description=gettext_lazy("value"))
    def value_display(self, obj):
        return obj.value if isinstance(obj.value, str) else json.dumps(obj.value, ensure_ascii=False)

    @admin.display(description=gettext_lazy("updated by"))
    def changed_by(self, obj):
        return obj.updated_by or "-"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(court_id=request.user.court_id)

    def has_module_permission(self, request):
        return request.user.is_superuser or has_perm(request.user, Perm.COURT_ADMIN)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission
    has_add_permission = has_module_permission

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:
            form.base_fields["court"].queryset = Court.objects.filter(pk=request.user.court_id)
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if not request.user.is_superuser and request.user.court_id:
            initial.setdefault("court", request.user.court_id)
        return initial

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        report_court_setup(request, obj.court)

    def delete_model(self, request, obj):
        court = obj.court
        super().delete_model(request, obj)
        report_court_setup(request, court)
