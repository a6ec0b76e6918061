"""The users page of a school's settings and the invitation page (namespace `users`)."""

from django.urls import path

from apps.accounts import users_views as views

app_name = "users"
urlpatterns = [
    path("settings/users/", views.user_list, name="user-list"),
    path("settings/users/invite/", views.user_invite, name="user-invite"),
    path("settings/users/<int:pk>/role/", views.user_role, name="user-role"),
    path("settings/users/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("settings/users/<int:pk>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("settings/users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("settings/users/<int:pk>/resend/", views.user_resend_invitation, name="user-resend-invitation"),
    path("account/invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
