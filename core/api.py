"""Shared API plumbing: pagination, and one exception handler mapping service errors to 400/403 with field names."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import exception_handler as drf_exception_handler


class Router(SimpleRouter):
    """The API's router: record ids in URLs are integers, so ``/cases/abc/`` is a 404 before any view runs (the
    default pattern ``[^/.]+`` let "null,null" through to ``int()`` in the views: a 500)."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_value_regex", None) is None:
            viewset.lookup_value_regex = "[0-9]+"
        return super().get_lookup_regex(viewset, lookup_prefix)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def validation_error_detail(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, IntegrityError):
        return Response({"non_field_errors": ["The change conflicts with existing data."]},
                        status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


_ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
_FIELD_ERRORS = {
    "type": "object", "description": "Validation errors keyed by field name (non_field_errors for the whole request).",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {}}, {"type": "object"}, {"type": "string"}]},
}
_STANDARD_ERRORS = {
    "400": ("Invalid input: the errors name the fields.", "FieldErrors"),
    "401": ("Not signed in.", "Error"),
    "403": ("Signed in but not permitted.", "Error"),
    "404": ("Not found, or not visible to you.", "Error"),
    "405": ("Method not allowed.", "Error"),
    "406": ("Not acceptable.", "Error"),
    "409": ("The change conflicts with existing data.", "FieldErrors"),
    "415": ("Unsupported media type.", "Error"),
    "429": ("Too many requests.", "Error"),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the error answers every operation may give (core.api's handler
    maps service ValidationError to 400 with field names, PermissionDenied to 403, IntegrityError to 409)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", _ERROR)
    schemas.setdefault("FieldErrors", _FIELD_ERRORS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in _STANDARD_ERRORS.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                })
    return result


class PolicyFirstMixin:
    """Check the permission before the request body is validated, so a user who may not act gets 403 (or 404 for a
    record they cannot see) whatever they send, and never a 400 that tells them about the body.

    ``action_perms`` maps a viewset action to the permission(s) it needs (any of them; or a function of the record
    returning them): for a detail action the
    record is fetched first (404 when not visible) and judged by the policy; for a list-level action (create) the
    user must hold the permission somewhere. The services still check again with the real target.
    """

    action_perms: dict = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        perms = self.action_perms.get(getattr(self, "action", None))
        if perms is None:
            return
        from accounts.policy import has_perm

        target = self.get_object() if self.detail else None
        if callable(perms):  # the permission depends on the record (e.g. reversing a receipt or a disbursement)
            perms = perms(target)
        perms = perms if isinstance(perms, tuple) else (perms,)
        if not any(has_perm(request.user, p, target) for p in perms):
            raise exceptions.PermissionDenied()
