from django import forms
from django.contrib import admin

from accounts.models import Court
from accounts.policy import Perm, has_perm

from .court_settings import registry
from .models import CourtSetting


class CourtSettingForm(forms.ModelForm):
    key = forms.ChoiceField(choices=())

    class Meta:
        model = CourtSetting
        fields = ("court", "key", "value")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, f"{k} — {s.help}") for k, s in sorted(registry().items())]


@admin.register(CourtSetting)
class CourtSettingAdmin(admin.ModelAdmin):
    form = CourtSettingForm
    list_display = ("court", "key", "value", "updated_by", "updated_at")
    list_filter = ("court",)
    search_fields = ("key",)

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

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
