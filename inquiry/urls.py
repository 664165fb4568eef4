from django.urls import path

from . import views, views_resumption

app_name = "inquiry"

urlpatterns = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("batches/<int:pk>/download/", views.batch_download, name="batch_download"),
    path("batches/<int:pk>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("access-log/", views.access_log, name="access_log"),
    path("resumptions/", views_resumption.resumptions, name="resumptions"),
    path("resumptions/<int:pk>/submit/", views_resumption.resumption_submit, name="resumption_submit"),
    path("resumptions/<int:pk>/accept/", views_resumption.resumption_accept, name="resumption_accept"),
    path("resumptions/<int:pk>/dismiss/", views_resumption.resumption_dismiss, name="resumption_dismiss"),
]

from .result_urls import urlpatterns as result_urlpatterns  # noqa: E402  (the result side, h2)

urlpatterns += result_urlpatterns
