"""URLs of batch printing, included by notices/urls.py."""

from django.urls import path

from . import views_batch

urlpatterns = [
    path("batch/", views_batch.batch_page, name="batch"),
    path("batch/<int:pk>/", views_batch.batch_detail, name="batch_detail"),
    path("batch/<int:pk>/progress/", views_batch.batch_progress, name="batch_progress"),
    path("batch/<int:pk>/batch.pdf", views_batch.batch_pdf, name="batch_pdf"),
    path("batch/<int:pk>/labels.pdf", views_batch.batch_labels, name="batch_labels"),
    path("batch/<int:pk>/rerun/", views_batch.batch_rerun, name="batch_rerun"),
]
