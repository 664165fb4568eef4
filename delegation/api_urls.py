"""Delegation between courts: the API."""
from core.api import Router

from .api import DelegationViewSet

router = Router()
router.register("delegations", DelegationViewSet, basename="delegation")

urlpatterns = [
    *router.urls,
]
