"""Supervision and command: the API."""
from core.api import Router

router = Router()

urlpatterns = [
    *router.urls,
]
