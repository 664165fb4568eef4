from django.urls import path

from . import suspension_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.my_cases, name="my_cases"),
    path("register/", views.register, name="register"),
    path("approvals/", views.approvals, name="approvals"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/stream/", views.stream, name="stream"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/parties/<int:party_pk>/edit/", views.party_edit, name="party_edit"),
    path("<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("<int:pk>/leads/new/", views.lead_new, name="lead_new"),
    path("<int:pk>/petitions/new/", views.petition_new, name="petition_new"),
    path("<int:pk>/settlements/new/", views.settlement_new, name="settlement_new"),
    path("<int:pk>/closure/", views.closure_new, name="closure_new"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("leads/<int:pk>/handle/", views.lead_handle, name="lead_handle"),
    path("petitions/<int:pk>/answer/", views.petition_answer, name="petition_answer"),
    path("instalments/<int:pk>/pay/", views.instalment_pay, name="instalment_pay"),
    path("settlements/<int:pk>/breach/", views.settlement_breach, name="settlement_breach"),
    path("closures/<int:pk>/decide/", views.closure_decide, name="closure_decide"),
    path("<int:pk>/suspension/", suspension_views.suspension_new, name="suspension_new"),
    path("suspensions/<int:pk>/decide/", suspension_views.suspension_decide, name="suspension_decide"),
]
