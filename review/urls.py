from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.objection_list, name="objection_list"),
    path("case/<int:case_pk>/new/", views.objection_new, name="objection_new"),
    path("<int:pk>/", views.objection_detail, name="objection_detail"),
    path("<int:pk>/act/", views.objection_act, name="objection_act"),
    path("kpis/", views.kpi_page, name="kpis"),
]
