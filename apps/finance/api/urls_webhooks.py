"""/api/v1/webhooks/<provider>/: payment providers' notifications (signed, no user)."""

from django.urls import path

from apps.finance.api.views_webhooks import WebhookView

urlpatterns = [
    path("webhooks/<str:provider>/", WebhookView.as_view(), name="webhook"),
]
