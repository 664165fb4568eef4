"""Network inquiry batches (集中查控): requests out to agencies, results in, diffed against the asset register."""
from core.api import Router

from . import api, result_api

router = Router()
router.register("inquiry-batches", api.InquiryBatchViewSet, basename="api-inquiry-batch")
router.register("inquiry-results", result_api.ResultFileViewSet, basename="api-inquiry-result")
router.register("inquiry-result-rows", result_api.ResultRowViewSet, basename="api-inquiry-result-row")
router.register("inquiry-access-log", api.AccessLogViewSet, basename="api-inquiry-access-log")

urlpatterns = [
    *router.urls,
]
