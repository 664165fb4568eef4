from django.urls import path  # noqa: F401

from .matching_urls import urlpatterns as matching_urlpatterns

app_name = "statements"

urlpatterns: list = [
    *matching_urlpatterns,
]
