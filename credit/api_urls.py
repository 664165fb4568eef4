"""Dishonest-debtor list and consumption restrictions: the API."""
from core.api import Router

router = Router()

urlpatterns = [
    *router.urls,
]
