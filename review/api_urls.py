"""Objections and reconsideration: the API."""
from django.urls import path

from core.api import Router

from . import api

router = Router()
router.register("review-objections", api.ObjectionViewSet, basename="api-review-objection")

urlpatterns = [
    *router.urls,
    path("review-objection-kpis/", api.ObjectionKpiView.as_view(), name="api-review-objection-kpis"),
]
