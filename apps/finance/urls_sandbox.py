"""/finance/ pages: payment channels, the sandbox payment simulator, notifications received and refused."""

from django.urls import path

from apps.finance import views_sandbox as views

urlpatterns = [
    path("channels/", views.channel_list, name="channel-list"),
    path("channels/<int:pk>/", views.channel_edit, name="channel-edit"),
    path("sandbox/", views.sandbox, name="sandbox"),
    path("sandbox/<int:pk>/", views.sandbox_status, name="sandbox-status"),
    path("notifications/", views.inbound_list, name="inbound-list"),
]
