"""Admin: the holiday calendar and the per-court deadline rules, edited by court administrators for their court
(the national calendar by the system administrator); deadlines and scan runs read-only, for support."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Court
from accounts.policy import Perm, has_perm

from .models import Deadline, DeadlineRule, Holiday, ScanRun
from .rules import RULES


def _court_admin(request) -> bool:
    return request.user.is_superuser or has_perm(request.user, Perm.COURT_ADMIN)


class _CourtScoped(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _court_admin(request)

    def has_view_permission(self, request, obj=None):
        return _court_admin(request)

    def _own(self, request, obj) -> bool:
        return request.user.is_superuser or (
            _court_admin(request) and (obj is None or (obj.court_id is not None
                                                       and obj.court_id == request.user.court_id)))

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_add_permission(self, request):
        return _court_admin(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "court" and not request.user.is_superuser:
            kwargs["queryset"] = Court.objects.filter(pk=request.user.court_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.court_id = request.user.court_id  # a court administrator edits their own court only
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Holiday)
class HolidayAdmin(_CourtScoped):
    list_display = ("date", "kind", "name", "court")
    list_filter = ("kind", ("court", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("name",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(Q(court__isnull=True) | Q(court_id=request.user.court_id))


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(_CourtScoped):
    list_display = ("kind", "court", "enabled", "days", "months", "working_days", "warn_days", "default")
    list_filter = ("kind", "enabled")
    exclude = ("updated_by",)

    @admin.display(description=_("default"))
    def default(self, obj):
        spec = RULES.get(obj.kind)
        if spec is None:
            return "-"
        return f"{spec.months}m {spec.days}d{' (working)' if spec.working_days else ''} warn {list(spec.warn_days)}"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(court_id=request.user.court_id)


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("kind", "case", "due_on", "status", "met_on", "responsible")
    list_filter = ("status", "kind")
    raw_id_fields = ("case", "responsible")
    search_fields = ("case__number",)

    def has_module_permission(self, request):
        return request.user.is_superuser

    has_view_permission = lambda self, request, obj=None: request.user.is_superuser  # noqa: E731

    def has_change_permission(self, request, obj=None):
        return False

    has_add_permission = lambda self, request: False  # noqa: E731
    has_delete_permission = has_change_permission


@admin.register(ScanRun)
class ScanRunAdmin(DeadlineAdmin):
    list_display = ("started_at", "finished_at", "trigger", "as_of", "recomputed", "changed", "reminders", "emails")
    list_filter = ("trigger",)
    raw_id_fields = ()
    search_fields = ()
