from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from core import views as core_views

admin.site.site_header = _("Court enforcement administration")
admin.site.site_title = _("Court enforcement administration")

api_v1 = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", accounts_api.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("auth/tokens/", accounts_api.TokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/<str:key>/", accounts_api.TokenDetailView.as_view(), name="api-token-detail"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("", include("cases.api_urls")),
    path("", include("assets.api_urls")),
    path("", include("inquiry.api_urls")),
    path("", include("statements.api_urls")),
    path("", include("credit.api_urls")),
    path("", include("review.api_urls")),
    path("", include("delegation.api_urls")),
    path("", include("supervision.api_urls")),
    path("", include("efile.api_urls")),
    path("", include("signing.api_urls")),
    path("", include("notices.api_urls")),
    path("", include("deadlines.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("portal.api_urls")),
]

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("assets/", include("assets.urls")),
    path("inquiry/", include("inquiry.urls")),
    path("statements/", include("statements.urls")),
    path("credit/", include("credit.urls")),
    path("review/", include("review.urls")),
    path("delegation/", include("delegation.urls")),
    path("supervision/", include("supervision.urls")),
    path("efile/", include("efile.urls")),
    path("signing/", include("signing.urls")),
    path("notices/", include("notices.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("messaging/", include("messaging.urls")),
    path("reports/", include("reports.urls")),
    path("portal/", include("portal.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("api/v1/", include(api_v1)),
    # Signed-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the docs page sends a browser to sign in.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]


handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
