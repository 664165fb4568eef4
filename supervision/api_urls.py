"""Supervision and command: the API."""
from django.urls import path

from core.api import Router

from . import api

router = Router()
router.register("supervision-orders", api.SupervisionOrderViewSet, basename="supervision-order")
router.register("dispatch-tickets", api.DispatchTicketViewSet, basename="dispatch-ticket")
router.register("duty-shifts", api.DutyShiftViewSet, basename="duty-shift")
router.register("reception-days", api.ReceptionDayViewSet, basename="reception-day")
router.register("reception-visits", api.ReceptionVisitViewSet, basename="reception-visit")

urlpatterns = [
    path("dispatch-stats/", api.DispatchStatsView.as_view(), name="dispatch-stats"),
    *router.urls,
]
