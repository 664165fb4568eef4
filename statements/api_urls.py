"""Money arriving (一案一账号): bank statements imported, matched to cases, posted as receipts; unidentified money claimed."""
from django.urls import path

from core.api import Router

from . import api, matching_api

router = Router()
router.register("statements", api.StatementViewSet, basename="statement")
router.register("statement-lines", api.StatementLineViewSet, basename="statement-line")

urlpatterns = [
    path("statement-matching/confirm/", matching_api.LinesConfirmView.as_view(), name="statement-lines-confirm"),
    path("statement-claims/", matching_api.ClaimCreateView.as_view(), name="statement-claim-create"),
    path("statement-claims/decide/", matching_api.ClaimDecideView.as_view(), name="statement-claim-decide"),
    *router.urls,
]
