"""The project's URLs plus one view that fails, for the 500 page test (handlers as in enforcement.urls)."""

from django.urls import path

from enforcement.urls import handler400, handler403, handler404, handler500, urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("simulated failure")


urlpatterns = [path("test-boom/", boom), path("api/v1/test-boom/", boom), *project_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
