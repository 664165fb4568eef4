"""Pages of matching, posting, claims and escalations (included by statements/urls.py)."""

from django.urls import path

from . import matching_views as views

urlpatterns = [
    path("matching/", views.matches, name="matches"),
    path("matching/confirm/", views.matches_confirm, name="matches_confirm"),
    path("unidentified/", views.unidentified, name="unidentified"),
    path("unidentified/rematch/", views.rematch, name="rematch"),
    path("unidentified/claim/", views.claim_new, name="claim_new"),
    path("claims/", views.claims, name="claims"),
    path("claims/decide/", views.claim_decide, name="claim_decide"),
    path("escalations/", views.escalations, name="escalations"),
]
