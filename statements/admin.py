"""Admin: statements, their lines and claims, read-only (support). Statements are imported on /statements/upload/;
lines change only through the matching and claim services."""

from django.contrib import admin

from accounts.policy import Perm, has_perm

from .models import Claim, Statement, StatementLine


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


@admin.register(Statement)
class StatementAdmin(_ReadOnlyCourtScoped):
    list_display = ("court", "bank", "account_number", "format", "period_from", "period_to", "line_count",
                    "new_line_count", "imported_by", "imported_at")
    list_filter = ("format", "status")
    search_fields = ("file_name", "sha256", "account_number")


@admin.register(StatementLine)
class StatementLineAdmin(_ReadOnlyCourtScoped):
    list_display = ("bank_reference", "booked_on", "direction", "amount", "payer_name", "status", "case")
    list_filter = ("status", "direction", "match_rule")
    search_fields = ("bank_reference", "payer_name", "remark", "sub_account")
    raw_id_fields = ("statement", "case", "ledger_entry")


@admin.register(Claim)
class ClaimAdmin(_ReadOnlyCourtScoped):
    list_display = ("line", "case", "claimed_by", "claimed_at", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    raw_id_fields = ("line", "case")
