from django.urls import path

from core.api import Router

from . import api

router = Router()
router.register("reports/snapshots", api.SnapshotViewSet, basename="api-report-snapshot")
router.register("reports/runs", api.RunViewSet, basename="api-report-run")
router.register("reports/campaigns", api.CampaignViewSet, basename="api-report-campaign")

urlpatterns = [
    path("reports/kpis/", api.KpiView.as_view(), name="api-report-kpis"),
    *router.urls,
]
