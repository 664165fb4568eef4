"""Admin: batches, result files and the access log, read-only (support). Writes go through the pages and services;
the access log is append-only in the database as well."""

from django.contrib import admin

from accounts.policy import Perm, has_perm

from .models import AccessLog, InquiryBatch, ResultFile


class _ReadOnlyCourtScoped(admin.ModelAdmin):
    perm = Perm.COURT_ADMIN

    def _allowed(self, request) -> bool:
        return request.user.is_superuser or has_perm(request.user, self.perm)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or request.user.is_superuser
                                            or obj.court_id == request.user.court_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(court_id=request.user.court_id)


@admin.register(InquiryBatch)
class InquiryBatchAdmin(_ReadOnlyCourtScoped):
    list_display = ("number", "court", "status", "purpose", "created_by", "created_at", "exported_at")
    list_filter = ("status", "purpose")
    search_fields = ("number",)
    exclude = ("export_zip",)
    readonly_fields = [f.name for f in InquiryBatch._meta.fields if f.name != "export_zip"]


@admin.register(ResultFile)
class ResultFileAdmin(_ReadOnlyCourtScoped):
    list_display = ("file_name", "batch", "agency_kind", "row_count", "status", "imported_by", "imported_at")
    list_filter = ("agency_kind", "status")
    search_fields = ("file_name", "sha256")
    readonly_fields = [f.name for f in ResultFile._meta.fields]


@admin.register(AccessLog)
class AccessLogAdmin(_ReadOnlyCourtScoped):
    perm = Perm.INQUIRY_AUDIT
    list_display = ("at", "user_name", "action", "case_number", "party_name", "legal_basis_officer")
    list_filter = ("action",)
    search_fields = ("case_number", "user_name")
    readonly_fields = [f.name for f in AccessLog._meta.fields]
