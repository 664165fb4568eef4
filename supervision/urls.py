"""Supervision and command: pages."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.order_list, name="orders"),
    path("new/", views.order_new, name="order_new"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/reply/", views.order_reply, name="order_reply"),
    path("<int:pk>/close/", views.order_close, name="order_close"),
    path("<int:pk>/reopen/", views.order_reopen, name="order_reopen"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("dispatch/", views.board, name="board"),
    path("dispatch/new/", views.ticket_new, name="ticket_new"),
    path("dispatch/mine/", views.my_tickets, name="my_tickets"),
    path("dispatch/stats/", views.stats, name="stats"),
    path("dispatch/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("dispatch/<int:pk>/ack/", views.ticket_ack, name="ticket_ack"),
    path("dispatch/<int:pk>/report/", views.ticket_report, name="ticket_report"),
    path("roster/", views.roster, name="roster"),
    path("roster/<int:pk>/cancel/", views.shift_cancel, name="shift_cancel"),
    path("reception/", views.reception_list, name="reception"),
    path("reception/<int:pk>/", views.reception_day, name="reception_day"),
    path("reception/followups/", views.followups, name="followups"),
    path("reception/visits/<int:pk>/", views.visit_detail, name="visit_detail"),
]
