"""Party portal pages (mounted at /portal/): the party's pages take the case from the portal session only."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.signin, name="signin"),
    path("code/", views.code, name="code"),
    path("case/", views.case, name="case"),
    path("lead/", views.lead, name="lead"),
    path("question/", views.question, name="question"),
    path("correction/", views.correction, name="correction"),
    path("signout/", views.signout, name="signout"),
    path("staff/", views.waiting, name="waiting"),
    path("staff/questions/<int:pk>/answer/", views.answer, name="answer"),
    path("staff/files/<int:pk>/", views.lead_file, name="lead_file"),
]
