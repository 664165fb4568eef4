"""Admin: statements, their lines and claims, read-only (support). Statements are imported on /statements/upload/;
lines change only through the matching and claim services."""

from django.contrib import admin

from core.admin_base import ReadOnlyCourtScopedAdmin

from .models import Claim, Statement, StatementLine


@admin.register(Statement)
class StatementAdmin(ReadOnlyCourtScopedAdmin):
    list_display = ("court", "bank", "account_number", "format", "period_from", "period_to", "line_count",
                    "new_line_count", "imported_by", "imported_at")
    list_filter = ("format", "status")
    search_fields = ("file_name", "sha256", "account_number")


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyCourtScopedAdmin):
    list_display = ("bank_reference", "booked_on", "direction", "amount", "payer_name", "status", "case")
    list_filter = ("status", "direction", "match_rule")
    search_fields = ("bank_reference", "payer_name", "remark", "sub_account")
    raw_id_fields = ("statement", "case", "ledger_entry")


@admin.register(Claim)
class ClaimAdmin(ReadOnlyCourtScopedAdmin):
    list_display = ("line", "case", "claimed_by", "claimed_at", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    raw_id_fields = ("line", "case")
