from django.urls import path

from apps.accounts.api import views

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/refresh/", views.TokenRefreshRotateView.as_view(), name="auth-token-refresh"),
    path("auth/otp/totp/", views.TOTPEnrolView.as_view(), name="auth-otp-totp"),
    path("auth/otp/totp/confirm/", views.TOTPConfirmView.as_view(), name="auth-otp-totp-confirm"),
    path("me/", views.MeView.as_view(), name="me"),
]
