from django.urls import path

from . import views

app_name = "assets"

urlpatterns = [
    path("case/<int:pk>/", views.case_assets, name="case_assets"),
    path("case/<int:pk>/add/", views.asset_add, name="asset_add"),
    path("case/<int:pk>/funds/", views.case_funds, name="case_funds"),
    path("case/<int:pk>/funds/receipt/", views.receipt_add, name="receipt_add"),
    path("case/<int:pk>/funds/payout/", views.payout_prepare, name="payout_prepare"),
    path("case/<int:pk>/funds/fee-transfer/", views.fee_transfer, name="fee_transfer"),
    path("case/<int:pk>/funds/plan/", views.distribution_plan_prepare, name="distribution_plan_prepare"),
    path("plans/<int:pk>/<slug:action>/", views.distribution_plan_decide, name="distribution_plan_decide"),
    path("asset/<int:pk>/control/", views.control_order, name="control_order"),
    path("asset/<int:pk>/objection/", views.objection_add, name="objection_add"),
    path("asset/<int:pk>/dispose/", views.disposal_start, name="disposal_start"),
    path("case/<int:pk>/handover/", views.handover_request, name="handover_request"),
    path("handovers/", views.handovers, name="handovers"),
    path("handovers/<int:pk>/<slug:action>/", views.handover_decide, name="handover_decide"),
    path("objection/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("control/<int:pk>/renew/", views.control_renew, name="control_renew"),
    path("control/<int:pk>/release/", views.control_release, name="control_release"),
    path("disposals/", views.disposals, name="disposals"),
    path("disposals/<int:pk>/", views.disposal_detail, name="disposal_detail"),
    path("disposals/<int:pk>/<slug:action>/", views.disposal_action, name="disposal_action"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("payouts/<int:pk>/confirm/", views.payout_confirm, name="payout_confirm"),
    path("reversals/<int:pk>/<slug:action>/", views.reversal_decide, name="reversal_decide"),
    path("payouts/<int:pk>/<slug:action>/", views.payout_decide, name="payout_decide"),
    path("controls/expiring/", views.controls_expiring, name="controls_expiring"),
    path("funds/awaiting/", views.funds_awaiting, name="funds_awaiting"),
    path("payouts/", views.payout_queue, name="payout_queue"),
    path("calculators/", views.calculators, name="calculators"),
]
