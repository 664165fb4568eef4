from django.urls import path

from . import delegation_views, supervision_views, views

app_name = "notices"

urlpatterns = [
    path("case/<int:pk>/", views.case_documents, name="case_documents"),
    path("case/<int:pk>/issue/", views.document_issue, name="document_issue"),
    path("documents/<int:pk>.pdf", views.document_download, name="document_download"),
    path("documents/<int:pk>/correct/", views.document_correct, name="document_correct"),
    path("register/", views.register, name="register"),
    path("templates/", views.templates_list, name="templates"),
    path("templates/<slug:doc_type>/", views.template_edit, name="template_edit"),
    path("templates/<slug:doc_type>/preview.pdf", views.template_preview, name="template_preview"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    # delegation between courts (issue 23): the letters from the delegation's page, for both courts
    path("delegation/<int:pk>/letter.pdf", delegation_views.delegation_letter, name="delegation_letter"),
    path("delegation/<int:pk>/reply.pdf", delegation_views.delegation_reply, name="delegation_reply"),
    # supervision (issue 23): the 督办函 issued from the supervision order's page
    path("supervision/<int:pk>/letter/", supervision_views.supervision_letter_issue, name="supervision_letter"),
]

# Batch printing (notices/batch.py, written separately) adds its pages when present.
try:
    from .batch_urls import urlpatterns as _batch_urlpatterns
except ModuleNotFoundError as exc:  # pragma: no cover - until batch printing exists
    if exc.name != f"{__package__}.batch_urls":
        raise
else:
    urlpatterns += _batch_urlpatterns
