import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.defaults import bad_request as default_bad_request

from accounts.policy import user_perms

from .health import health_report
from .nav import nav_for


@login_required
def home(request):
    """The workbench: the to-do tiles of the signed-in user's roles (core.todo), then their entry points."""
    from .todo import tiles_for

    perms = user_perms(request.user)
    return render(request, "core/home.html", {"cards": nav_for(request.user, perms)[1:],
                                              "tiles": tiles_for(request.user)})


@never_cache
def healthz(request):
    """Liveness for load balancers and monitoring: 200 while the database and the cache answer ("ok", or "degraded"
    when a Celery heartbeat is late), 503 when either does not (core.health)."""
    body, status = health_report()
    return JsonResponse(body, status=status)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id(request) -> str:
    """The request ID a reverse proxy put in X-Request-ID (shown on error pages so a user can quote it), or ""."""
    value = request.META.get("HTTP_X_REQUEST_ID", "") if request is not None else ""
    return value if _REQUEST_ID.match(value) else ""


def _error_page(request, template: str, status: int, **context) -> HttpResponse:
    context.setdefault("request_id", request_id(request))
    return render(request, template, context, status=status)


def not_found(request, exception=None):
    """404: JSON under /api/ (API clients get the documented error body), the court's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return _error_page(request, "404.html", 404)


def permission_denied(request, exception=None):
    """403: JSON under /api/, the court's page (what to do next) elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return _error_page(request, "403.html", 403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form expired or cookies are blocked; says so in the user's language."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "CSRF verification failed."}, status=403)
    return _error_page(request, "403_csrf.html", 403)


def server_error(request):
    """500: a standalone page. No context processors (they query the database, which may be what failed), no
    user, no navigation: only the site's CSS, the language of the request and the request ID."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    language = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            html = loader.get_template("500.html").render({"request_id": request_id(request),
                                                            "LANGUAGE_CODE": language})
        except Exception:  # a broken template must not hide the original error behind a second one
            html = "<h1>500</h1><p>%s</p>" % _("The server could not complete your request.")
    return HttpResponseServerError(html)


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico: browsers ask for it at the root whatever the page links to."""
    data = (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()
    return HttpResponse(data, content_type="image/x-icon")


def bad_request(request, exception=None):
    """400 raised by Django itself (e.g. too many form fields): JSON under /api/, the normal page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"non_field_errors": ["The request is malformed or too large."]}, status=400)
    return default_bad_request(request, exception)
