from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("overdue/", views.overdue, name="overdue"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("cases/<int:pk>/recompute/", views.case_recompute, name="case_recompute"),
]
