"""Admin: batches, result files and the access log, read-only (support). Writes go through the pages and services;
the access log is append-only in the database as well."""

from django.contrib import admin

from accounts.policy import Perm
from core.admin_base import ReadOnlyCourtScopedAdmin

from .models import AccessLog, InquiryBatch, ResultFile


@admin.register(InquiryBatch)
class InquiryBatchAdmin(ReadOnlyCourtScopedAdmin):
    list_display = ("number", "court", "status", "purpose", "created_by", "created_at", "exported_at")
    list_filter = ("status", "purpose")
    search_fields = ("number",)
    exclude = ("export_zip",)
    readonly_fields = [f.name for f in InquiryBatch._meta.fields if f.name != "export_zip"]


@admin.register(ResultFile)
class ResultFileAdmin(ReadOnlyCourtScopedAdmin):
    list_display = ("file_name", "batch", "agency_kind", "row_count", "status", "imported_by", "imported_at")
    list_filter = ("agency_kind", "status")
    search_fields = ("file_name", "sha256")
    readonly_fields = [f.name for f in ResultFile._meta.fields]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyCourtScopedAdmin):
    perm = Perm.INQUIRY_AUDIT
    list_display = ("at", "user_name", "action", "case_number", "party_name", "legal_basis_officer")
    list_filter = ("action",)
    search_fields = ("case_number", "user_name")
    readonly_fields = [f.name for f in AccessLog._meta.fields]
