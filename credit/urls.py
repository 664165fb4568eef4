from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("", views.measure_list, name="list"),
    path("approvals/", views.approvals, name="approvals"),
    path("removals/", views.removals, name="removals"),
    path("case/<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/serve/", views.serve, name="serve"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/removal/", views.removal_open, name="removal_open"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("<int:pk>/correction/", views.correction_new, name="correction_new"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/", views.correction_detail, name="correction_detail"),
    path("corrections/<int:pk>/review/", views.correction_review, name="correction_review"),
    path("corrections/<int:pk>/fix/", views.correction_fix, name="correction_fix"),
    path("register/", views.register, name="register"),
    path("register/export/", views.register_export, name="register_export"),
    path("public/", views.public, name="public"),
]
