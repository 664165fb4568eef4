"""Admin: the document register and the courts' own templates, read-only (support). Templates are edited on the
validated page /notices/templates/ (compiled and test-rendered before saving); the register is never edited."""

from django.contrib import admin

from accounts.policy import Perm, has_perm

from .models import IssuedDocument, TemplateOverride


class _ReadOnlyCourtScoped(admin.ModelAdmin):
    def _allowed(self, request) -> bool:
        return request.user.is_superuser or has_perm(request.user, Perm.COURT_ADMIN)

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


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(_ReadOnlyCourtScoped):
    list_display = ("number", "doc_type", "year", "serial", "version", "addressee_name", "issued_by", "issued_at")
    list_filter = ("doc_type", "year")
    search_fields = ("number", "verification_code", "sha256")
    list_select_related = ("issued_by",)
    exclude = ("params",)
    readonly_fields = [f.name for f in IssuedDocument._meta.fields if f.name != "params"]


@admin.register(TemplateOverride)
class TemplateOverrideAdmin(_ReadOnlyCourtScoped):
    list_display = ("court", "doc_type", "active", "note", "updated_by", "updated_at")
    list_filter = ("active", "doc_type")
    readonly_fields = ("court", "doc_type", "source", "active", "note", "updated_by", "updated_at")
