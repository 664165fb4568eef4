"""Admin: the document register and the courts' own templates, read-only (support). Templates are edited on the
validated page /notices/templates/ (compiled and test-rendered before saving); the register is never edited."""

from django.contrib import admin

from core.admin_base import ReadOnlyCourtScopedAdmin

from .models import IssuedDocument, TemplateOverride


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyCourtScopedAdmin):
    list_display = ("number", "doc_type", "year", "serial", "version", "addressee_name", "issued_by", "issued_at")
    list_filter = ("doc_type", "year")
    search_fields = ("number", "verification_code", "sha256")
    list_select_related = ("issued_by",)
    exclude = ("params",)
    readonly_fields = [f.name for f in IssuedDocument._meta.fields if f.name != "params"]


@admin.register(TemplateOverride)
class TemplateOverrideAdmin(ReadOnlyCourtScopedAdmin):
    list_display = ("court", "doc_type", "active", "note", "updated_by", "updated_at")
    list_filter = ("active", "doc_type")
    readonly_fields = ("court", "doc_type", "source", "active", "note", "updated_by", "updated_at")
