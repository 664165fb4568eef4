"""Dishonest-debtor list and consumption restrictions: the API."""
from core.api import Router

from . import api

router = Router()
router.register("credit-measures", api.CreditMeasureViewSet, basename="api-credit-measure")
router.register("credit-corrections", api.CorrectionViewSet, basename="api-credit-correction")
router.register("credit-register", api.RegisterViewSet, basename="api-credit-register")
router.register("credit-public", api.PublicListViewSet, basename="api-credit-public")

urlpatterns = [
    *router.urls,
]
