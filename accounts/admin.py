"""Admin for court administrators: courts, teams, users and their roles.

A court administrator (role court_admin, is_staff) manages only their own court's teams and users; the deployment's
superuser manages everything.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from core.court_setup import report_court_setup

from .models import Court, Role, Team, User
from .policy import Perm, has_perm


class CourtScopedAdmin(admin.ModelAdmin):
    court_field = "court"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.court_field}_id": request.user.court_id})

    def has_module_permission(self, request):
        return request.user.is_superuser or has_perm(request.user, Perm.COURT_ADMIN)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")

    def has_module_permission(self, request):
        return request.user.is_superuser or has_perm(request.user, Perm.COURT_ADMIN)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        return obj is not None and obj.pk == request.user.court_id and has_perm(request.user, Perm.COURT_ADMIN)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("code", "level", "parent")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        report_court_setup(request, obj)  # what its documents still lack (core.court_setup)


@admin.register(Team)
class TeamAdmin(CourtScopedAdmin):
    list_display = ("name", "court", "kind", "leader", "is_active", "is_disposal_team")
    list_filter = ("kind", "is_active", "is_disposal_team")
    search_fields = ("name",)
    autocomplete_fields = ("leader",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "court" in form.base_fields:
            form.base_fields["court"].queryset = Court.objects.filter(pk=request.user.court_id)
        return form


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class UserAdminForm(UserChangeForm):
    """Django's user change form (the password shows as a read-only summary with a link to the set-password form,
    never as an editable hash: a pasted hash would let an administrator sign in as anyone) plus the court's roles."""

    roles = RolesField(choices=Role.choices, required=False, label=_("roles"))

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    list_display = ("username", "full_name", "court", "roles", "is_active")
    list_filter = ("court", "is_active")
    search_fields = ("username", "full_name", "phone")
    filter_horizontal = ("teams", "groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone")}),
        (_("Court and roles"), {"fields": ("court", "roles", "teams")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(court_id=request.user.court_id)

    def has_module_permission(self, request):
        return request.user.is_superuser or has_perm(request.user, Perm.COURT_ADMIN)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("is_superuser", "last_login", "date_joined")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:
            if "court" in form.base_fields:
                form.base_fields["court"].queryset = Court.objects.filter(pk=request.user.court_id)
            if "teams" in form.base_fields:
                form.base_fields["teams"].queryset = Team.objects.filter(court_id=request.user.court_id)
        return form

    def save_model(self, request, obj, form, change):
        """Roles are never applied from here: a change becomes a pending RoleChangeRequest that another court
        administrator or the chief approves (accounts.services); the rest of the form is saved as usual."""
        from django.contrib import messages
        from django.core.exceptions import ValidationError

        from .services import role_change_request

        wanted = list(form.cleaned_data.get("roles") or [])
        old = list(User.objects.filter(pk=obj.pk).values_list("roles", flat=True).first() or []) if change else []
        obj.roles = old
        if not change and not obj.court_id and not request.user.is_superuser:
            obj.court_id = request.user.court_id  # a court admin's new user works at that court (else unreachable)
        super().save_model(request, obj, form, change)
        if sorted(wanted) != sorted(old):
            try:
                role_change_request(actor=request.user, user=obj, new_roles=wanted,
                                    reason=_("Changed in the administration site"))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.warning(request, _("The change of roles awaits approval by another court administrator or "
                                            "the division chief; the roles are unchanged until then."))

# --- Sign-in lockout: a court administrator unlocks users of their court (accounts.lockout) --------------------------

@admin.action(description=_("Unlock sign-in (forget the failed sign-ins)"), permissions=["change"])
def unlock_sign_in(modeladmin, request, queryset):
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied

    from .lockout import user_lockout_clear

    done = []
    for user in queryset:  # already limited to the administrator's court (UserAdmin.get_queryset)
        try:
            user_lockout_clear(actor=request.user, user=user)
        except PermissionDenied:
            continue
        done.append(user.get_username())
    modeladmin.message_user(request, _("Sign-in unlocked: %(users)s") % {"users": "、".join(done) or "-"},
                            messages.SUCCESS)


UserAdmin.actions = [unlock_sign_in]
