from django.urls import path

from . import views_resumption

app_name = "inquiry"

urlpatterns = [
    path("resumptions/", views_resumption.resumptions, name="resumptions"),
    path("resumptions/<int:pk>/submit/", views_resumption.resumption_submit, name="resumption_submit"),
    path("resumptions/<int:pk>/accept/", views_resumption.resumption_accept, name="resumption_accept"),
    path("resumptions/<int:pk>/dismiss/", views_resumption.resumption_dismiss, name="resumption_dismiss"),
]
