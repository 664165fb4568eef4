from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("templates/", views.templates_list, name="templates"),
    path("templates/<slug:event>/<slug:channel>/", views.template_edit, name="template_edit"),
    path("templates/<slug:event>/<slug:channel>/preview/", views.template_preview, name="template_preview"),
    path("opt-outs/", views.optouts, name="optouts"),
    path("opt-outs/<int:pk>/delete/", views.optout_delete, name="optout_delete"),
    path("case/<int:pk>/opt-out/", views.case_optout, name="case_optout"),
    path("inbound/", views.inbound, name="inbound"),
]
