"""A read-only, court-scoped admin for records written only by services (support staff look, never edit)."""

from django.contrib import admin

from accounts.policy import Perm, has_perm


class ReadOnlyCourtScopedAdmin(admin.ModelAdmin):
    """Visible to superusers and to holders of ``perm`` (the court administrator by default), each seeing only their
    own court's rows; nothing can be added, changed or deleted here."""

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
