"""URLs of the result side (mounted by ``inquiry/urls.py``)."""

from django.urls import path

from . import result_views as views

urlpatterns = [
    path("results/", views.result_upload, name="result_upload"),
    path("results/<int:pk>/", views.result_detail, name="result_detail"),
    path("results/<int:pk>/accept/", views.result_accept_all, name="result_accept_all"),
    path("case/<int:case_pk>/debtor/<int:party_pk>/results/", views.debtor_results, name="debtor_results"),
    path("case/<int:case_pk>/debtor/<int:party_pk>/results/accept/", views.debtor_accept_all,
         name="debtor_accept_all"),
    path("rows/<int:pk>/accept/", views.row_accept, name="row_accept"),
]
