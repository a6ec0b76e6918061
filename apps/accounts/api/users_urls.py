"""/api/v1/users/…: on a school's host only (config.urls_tenant); the platform has no school users."""

from django.urls import path

from apps.accounts.api import users

urlpatterns = [
    path("users/", users.UserListCreateView.as_view(), name="user-list"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/deactivate/", users.UserDeactivateView.as_view(), name="user-deactivate"),
    path("users/<int:pk>/reactivate/", users.UserReactivateView.as_view(), name="user-reactivate"),
    path("users/<int:pk>/resend-invitation/", users.UserInvitationResendView.as_view(),
         name="user-resend-invitation"),
]
