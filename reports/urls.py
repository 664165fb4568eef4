from django.urls import path

from . import views, views_funds

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("table/", views.kpi_table_page, name="table"),
    path("export/<str:dim>.<str:fmt>", views.export_table, name="export"),
    path("cases/", views.drilldown, name="drilldown"),
    path("refresh/", views.refresh, name="refresh"),
    path("weekly/", views.weekly_list, name="weekly_list"),
    path("runs/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot_detail"),
    path("snapshots/<int:pk>/pdf/", views.snapshot_pdf, name="snapshot_pdf"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("funds-ageing/", views_funds.funds_ageing_page, name="funds_ageing"),
    path("funds-ageing/cases/", views_funds.funds_ageing_cases_page, name="funds_ageing_cases"),
]
