from django.urls import path

from . import views
from .matching_urls import urlpatterns as matching_urlpatterns

app_name = "statements"

urlpatterns = [
    path("", views.statement_list, name="list"),
    path("upload/", views.statement_upload, name="upload"),
    path("<int:pk>/", views.statement_detail, name="detail"),
    *matching_urlpatterns,
]
