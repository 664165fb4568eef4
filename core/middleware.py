"""Request hygiene that no single view can do for all: refuse NUL characters in the query string."""

from __future__ import annotations

from django.http import HttpResponseBadRequest, JsonResponse


class RejectNulMiddleware:
    """A NUL character (``%00``) cannot be stored or compared by PostgreSQL; a filter built from it would fail with a
    500. Refuse such a request up front with a 400 naming the parameter (form and JSON fields already refuse NUL
    through their validators)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                name = key.replace("\x00", "")
                message = "Null characters are not allowed."
                if request.path.startswith("/api/"):
                    return JsonResponse({name or "query": [message]}, status=400)
                return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
