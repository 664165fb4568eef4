from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import page_not_found

from accounts.policy import user_perms

from .health import health_report
from .nav import nav_for


@login_required
def home(request):
    """The workbench: the entry points of the signed-in user's roles."""
    perms = user_perms(request.user)
    return render(request, "core/home.html", {"cards": nav_for(request.user, perms)[1:]})


@never_cache
def healthz(request):
    """Liveness for load balancers and monitoring: 200 while the database and the cache answer ("ok", or "degraded"
    when a Celery heartbeat is late), 503 when either does not (core.health)."""
    body, status = health_report()
    return JsonResponse(body, status=status)


def not_found(request, exception=None):
    """404: JSON under /api/ (API clients get the documented error body), the normal page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def bad_request(request, exception=None):
    """400 raised by Django itself (e.g. too many form fields): JSON under /api/, the normal page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"non_field_errors": ["The request is malformed or too large."]}, status=400)
    return default_bad_request(request, exception)
