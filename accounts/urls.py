from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("role-changes/", views.role_changes, name="role_changes"),
    path("role-changes/<int:pk>/<slug:action>/", views.role_change_decide, name="role_change_decide"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/revoke-all/", views.api_tokens_revoke_all_page, name="api_tokens_revoke_all"),
    path("tokens/<str:key>/revoke/", views.api_token_revoke_page, name="api_token_revoke"),
]
