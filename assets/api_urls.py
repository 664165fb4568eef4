from django.urls import path

from core.api import Router

from . import api

router = Router()
router.register("assets", api.AssetViewSet, basename="asset")
router.register("control-measures", api.ControlMeasureViewSet, basename="control-measure")
router.register("disposals", api.DisposalViewSet, basename="disposal")
router.register("distribution-plans", api.DistributionPlanViewSet, basename="distribution-plan")
router.register("handovers", api.HandoverViewSet, basename="handover")
router.register("ledger-entries", api.LedgerEntryViewSet, basename="ledger-entry")
router.register("payouts", api.PayoutViewSet, basename="payout")
router.register("reversal-requests", api.ReversalRequestViewSet, basename="reversal-request")

urlpatterns = [
    path("case-funds/<int:case_id>/", api.CaseFundsView.as_view(), name="case-funds"),
    path("calculators/enforcement-fee/", api.EnforcementFeeView.as_view(), name="calc-enforcement-fee"),
    path("calculators/interest/", api.InterestView.as_view(), name="calc-interest"),
    path("calculators/distribution/", api.DistributionView.as_view(), name="calc-distribution"),
    *router.urls,
]
