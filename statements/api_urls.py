from django.urls import path

from core.api import Router

from . import matching_api

router = Router()

urlpatterns = [
    path("statements/lines/confirm/", matching_api.LinesConfirmView.as_view(), name="statement-lines-confirm"),
    path("statements/claims/", matching_api.ClaimCreateView.as_view(), name="statement-claim-create"),
    path("statements/claims/decide/", matching_api.ClaimDecideView.as_view(), name="statement-claim-decide"),
    *router.urls,
]
