from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/two-factor/setup/", views.otp_setup, name="otp-setup"),
    path("account/two-factor/verify/", views.otp_verify_view, name="otp-verify"),
    path("account/two-factor/backup-codes/", views.otp_backup_codes_new, name="otp-backup-codes"),
]
