"""Delegation between courts: the pages (mounted at /delegation/)."""

from django.urls import path

from . import views

app_name = "delegation"

urlpatterns = [
    path("", views.delegation_list, name="list"),
    path("case/<int:case_pk>/new/", views.delegation_new, name="new"),
    path("<int:pk>/", views.delegation_detail, name="detail"),
    path("<int:pk>/send/", views.delegation_send, name="send"),
    path("<int:pk>/withdraw/", views.delegation_withdraw, name="withdraw"),
    path("<int:pk>/close/", views.delegation_close, name="close"),
    path("<int:pk>/accept/", views.delegation_accept, name="accept"),
    path("<int:pk>/refuse/", views.delegation_refuse, name="refuse"),
    path("<int:pk>/start/", views.delegation_start, name="start"),
    path("<int:pk>/reply/", views.delegation_reply, name="reply"),
    path("<int:pk>/paper/<int:paper_pk>/", views.delegation_paper, name="paper"),
    path("<int:pk>/export.json", views.delegation_export_json, name="export"),
]
