from django.urls import path

from . import views

app_name = "inquiry"

urlpatterns = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("batches/<int:pk>/download/", views.batch_download, name="batch_download"),
    path("batches/<int:pk>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("access-log/", views.access_log, name="access_log"),
]

from .result_urls import urlpatterns as result_urlpatterns  # noqa: E402  (the result side, h2)

urlpatterns += result_urlpatterns
