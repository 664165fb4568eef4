from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("reports/snapshots", api.SnapshotViewSet, basename="api-report-snapshot")
router.register("reports/runs", api.RunViewSet, basename="api-report-run")
router.register("reports/campaigns", api.CampaignViewSet, basename="api-report-campaign")

urlpatterns = [
    path("reports/kpis/", api.KpiView.as_view(), name="api-report-kpis"),
    *router.urls,
]
