"""Electronic signatures and seals: pages."""

from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("queue/", views.queue_page, name="queue"),
    path("sign/", views.sign, name="sign"),
    path("certificate/revoke/", views.certificate_revoke, name="certificate_revoke"),
]
